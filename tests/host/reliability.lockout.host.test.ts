/**
 * `confirmRemoveSelfBucketAccess` is passed to PutBucketPolicy (the `x-amz-confirm-remove-self-bucket-access` header,
 * observed on the wire) and is what `check` requires before it lets through a policy that denies everyone the
 * bucket-policy operations. RadosGW enforces such a Deny even against the bucket owner, so the lockout is shown for real.
 */
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { Props } from "../support/providerHost";
import { hostFailure, useHostFixture } from "../support/hostFixture";
import { bobReads } from "../support/localS3";

const HEADER = "x-amz-confirm-remove-self-bucket-access";

describe("reliability: confirmRemoveSelfBucketAccess, through the real host", () => {
    const fx = useHostFixture({ inputs: (bucket: string): Props => ({ policy: readPolicy(bucket), retryTimeoutSeconds: 5 }) });

    const readPolicy = (bucket: string) => JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(fx.env, bucket)] });
    /** Denies everyone PutBucketPolicy (not Get or Delete, so the test can still read and clean up). */
    const lockoutPolicy = (bucket: string) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "NobodyChangesThePolicy", Effect: "Deny", Principal: "*", Action: "s3:PutBucketPolicy", Resource: `arn:aws:s3:::${bucket}` }],
        });
    const puts = (bucket: string) => fx.proxy.requests.filter((r) => r.bucket === bucket && r.operation === "PutBucketPolicy");
    const newBucket = (prefix: string) => fx.buckets.newBucket(prefix);

    it.each([
        { name: "true: the header says true", value: true, header: "true" },
        { name: "false: the header says false", value: false, header: "false" },
        { name: "unset: no header", value: undefined, header: undefined },
    ])("passes confirmRemoveSelfBucketAccess to PutBucketPolicy — $name", async ({ value, header }) => {
        const bucket = await newBucket("lockout-header");
        const checked = await fx.host.check(bucket, {}, fx.inputs(bucket, value === undefined ? {} : { confirmRemoveSelfBucketAccess: value }));
        expect(checked.failures).toEqual([]);
        await fx.host.create(bucket, checked.inputs);
        expect(puts(bucket)).toHaveLength(1);
        expect(puts(bucket)[0].headers[HEADER]).toBe(header);
    });

    it("refuses, in check, a policy that denies everyone a bucket-policy operation unless confirmRemoveSelfBucketAccess is set, and calls no S3", async () => {
        const bucket = await newBucket("lockout-refused");
        fx.proxy.reset();
        const checked = await fx.host.check(bucket, {}, fx.inputs(bucket, { policy: lockoutPolicy(bucket) }));
        expect(checked.failures).toEqual([
            {
                property: "",
                reason:
                    'policy would lock every caller out of managing it: Statement[0] (Sid "NobodyChangesThePolicy") denies s3:PutBucketPolicy to everyone ("*") without a condition. ' +
                    "Set confirmRemoveSelfBucketAccess: true if that is intended (only the account root user could then change it).",
            },
        ]);
        expect(fx.proxy.requests).toHaveLength(0);
    });

    it("applies it with confirmRemoveSelfBucketAccess: true, warning in check and sending the header; RadosGW then refuses the owner's next put", async () => {
        const bucket = await newBucket("lockout-applied");
        const mark = fx.host.stderr.length;
        const checked = await fx.host.check(bucket, {}, fx.inputs(bucket, { policy: lockoutPolicy(bucket), confirmRemoveSelfBucketAccess: true }));
        expect(checked.failures).toEqual([]);
        expect(fx.host.stderr.slice(mark)).toContain(
            `warning: bucket ${bucket}: Statement[0] (Sid "NobodyChangesThePolicy") denies s3:PutBucketPolicy to everyone ("*") without a condition; confirmRemoveSelfBucketAccess is set, so it will be applied.`,
        );
        const created = await fx.host.create(bucket, checked.inputs);
        expect(puts(bucket).map((r) => [r.status, r.headers[HEADER]])).toEqual([[204, "true"]]);
        expect((await fx.alice.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe(created.outputs.policy);

        // The lockout is real: the owner can no longer put a policy, directly or through the provider (403, not retried).
        const direct = await fx.alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: readPolicy(bucket) })).catch((e: Error) => e);
        expect((direct as Error).name).toBe("AccessDenied");
        const next = await fx.host.check(bucket, {}, fx.inputs(bucket));
        const error = await hostFailure(fx.host.update(bucket, bucket, created.outputs, next.inputs));
        expect(error.message).toMatch(
            /^PutBucketPolicy on bucket .* failed: AccessDenied \(HTTP 403\)\. The caller lacks s3:PutBucketPolicy .* Deny statements\. S3 request id: \S+\.$/,
        );
        expect(puts(bucket)).toHaveLength(2);
        // Delete is still allowed by this policy: the resource can be destroyed.
        await fx.host.delete(bucket, bucket, created.outputs);
    });

    it("a Deny for everyone on the bucket's objects only is no lockout: no confirmation needed", async () => {
        const bucket = await newBucket("lockout-objects");
        const policy = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "NoDeletes", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:::${bucket}/*` }],
        });
        const checked = await fx.host.check(bucket, {}, fx.inputs(bucket, { policy }));
        expect(checked.failures).toEqual([]);
        await fx.host.create(bucket, checked.inputs);
        expect(puts(bucket).map((r) => r.status)).toEqual([204]);
    });
});
