/**
 * Issue "Reliability: retries, faults, clobbering, and bad input, with nothing lost" — part 4, lockout.
 *
 * `confirmRemoveSelfBucketAccess` is passed to PutBucketPolicy (the `x-amz-confirm-remove-self-bucket-access` header,
 * observed on the wire) and is what `check` requires before it lets through a policy that denies everyone the
 * bucket-policy operations. RadosGW enforces such a Deny even against the bucket owner, so the lockout is shown for real.
 */
import { GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamicProviderHost, Props } from "../support/providerHost";
import { hostFailure, serializeProvider, startProviderHost } from "../support/hostFixture";
import { BucketTracker, LocalS3Env, bobReads, bucketTracker, loadLocalS3Env, s3ClientFor } from "../support/localS3";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";

const HEADER = "x-amz-confirm-remove-self-bucket-access";

describe("reliability: confirmRemoveSelfBucketAccess, through the real host", () => {
    let env: LocalS3Env;
    let proxy: S3Proxy;
    let host: DynamicProviderHost;
    let alice: S3Client;
    let buckets: BucketTracker;
    let serializedProvider: string;

    const readPolicy = (bucket: string) => JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(env, bucket)] });
    /** Denies everyone PutBucketPolicy (not Get or Delete, so the test can still read and clean up). */
    const lockoutPolicy = (bucket: string) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "NobodyChangesThePolicy", Effect: "Deny", Principal: "*", Action: "s3:PutBucketPolicy", Resource: `arn:aws:s3:::${bucket}` }],
        });
    const inputs = (bucket: string, policy: string, extra: Props = {}): Props => ({
        bucket,
        policy,
        endpoint: proxy.endpoint,
        retryTimeoutSeconds: 5,
        __provider: serializedProvider,
        ...extra,
    });
    const puts = (bucket: string) => proxy.requests.filter((r) => r.bucket === bucket && r.operation === "PutBucketPolicy");
    const newBucket = (prefix: string) => buckets.newBucket(prefix);

    beforeAll(async () => {
        env = loadLocalS3Env();
        alice = s3ClientFor(env, "alice");
        buckets = bucketTracker(alice);
        proxy = await startS3Proxy({ target: env.endpoint });
        serializedProvider = await serializeProvider();
        host = await startProviderHost(env);
    });
    afterAll(async () => {
        await host?.stop();
        await proxy?.close();
        await buckets?.destroyAll();
    });

    it.each([
        { name: "true: the header says true", value: true, header: "true" },
        { name: "false: the header says false", value: false, header: "false" },
        { name: "unset: no header", value: undefined, header: undefined },
    ])("passes confirmRemoveSelfBucketAccess to PutBucketPolicy — $name", async ({ value, header }) => {
        const bucket = await newBucket("lockout-header");
        const checked = await host.check(bucket, {}, inputs(bucket, readPolicy(bucket), value === undefined ? {} : { confirmRemoveSelfBucketAccess: value }));
        expect(checked.failures).toEqual([]);
        await host.create(bucket, checked.inputs);
        expect(puts(bucket)).toHaveLength(1);
        expect(puts(bucket)[0].headers[HEADER]).toBe(header);
    });

    it("refuses, in check, a policy that denies everyone a bucket-policy operation unless confirmRemoveSelfBucketAccess is set, and calls no S3", async () => {
        const bucket = await newBucket("lockout-refused");
        proxy.reset();
        const checked = await host.check(bucket, {}, inputs(bucket, lockoutPolicy(bucket)));
        expect(checked.failures).toEqual([
            {
                property: "policy",
                reason:
                    'policy would lock every caller out of managing it: Statement[0] (Sid "NobodyChangesThePolicy") denies s3:PutBucketPolicy to everyone ("*") without a condition. ' +
                    "Set confirmRemoveSelfBucketAccess: true if that is intended (only the account root user could then change it).",
            },
        ]);
        expect(proxy.requests).toHaveLength(0);
    });

    it("applies it with confirmRemoveSelfBucketAccess: true, warning in check and sending the header; RadosGW then refuses the owner's next put", async () => {
        const bucket = await newBucket("lockout-applied");
        const mark = host.stderr.length;
        const checked = await host.check(bucket, {}, inputs(bucket, lockoutPolicy(bucket), { confirmRemoveSelfBucketAccess: true }));
        expect(checked.failures).toEqual([]);
        expect(host.stderr.slice(mark)).toContain(
            `warning: bucket ${bucket}: Statement[0] (Sid "NobodyChangesThePolicy") denies s3:PutBucketPolicy to everyone ("*") without a condition; confirmRemoveSelfBucketAccess is set, so it will be applied.`,
        );
        const created = await host.create(bucket, checked.inputs);
        expect(puts(bucket).map((r) => [r.status, r.headers[HEADER]])).toEqual([[204, "true"]]);
        expect((await alice.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe(created.outputs.policy);

        // The lockout is real: the owner can no longer put a policy, directly or through the provider (403, not retried).
        const direct = await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: readPolicy(bucket) })).catch((e: Error) => e);
        expect((direct as Error).name).toBe("AccessDenied");
        const next = await host.check(bucket, {}, inputs(bucket, readPolicy(bucket)));
        const error = await hostFailure(host.update(bucket, bucket, created.outputs, next.inputs));
        expect(error.message).toMatch(
            /^PutBucketPolicy on bucket .* failed: AccessDenied \(HTTP 403\)\. The caller lacks s3:PutBucketPolicy .* Deny statements\. S3 request id: \S+\.$/,
        );
        expect(puts(bucket)).toHaveLength(2);
        // Delete is still allowed by this policy: the resource can be destroyed.
        await host.delete(bucket, bucket, created.outputs);
    });

    it("a Deny for everyone on the bucket's objects only is no lockout: no confirmation needed", async () => {
        const bucket = await newBucket("lockout-objects");
        const policy = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "NoDeletes", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:::${bucket}/*` }],
        });
        const checked = await host.check(bucket, {}, inputs(bucket, policy));
        expect(checked.failures).toEqual([]);
        await host.create(bucket, checked.inputs);
        expect(puts(bucket).map((r) => r.status)).toEqual([204]);
    });
});
