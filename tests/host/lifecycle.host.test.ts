/**
 * The provider through the real `@pulumi/pulumi/cmd/dynamic-provider` host over gRPC, against the local RadosGW behind
 * a recording proxy, with the engine's rules emulated (Configure first, outputs as olds, unknowns in preview, secrets
 * stripped). Every RPC the engine uses is exercised. No expected owner here: RadosGW ignores the header, so
 * `expectedBucketOwner` is exercised on LocalStack, which checks it (expectedBucketOwner.host.test.ts).
 */
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { Props, UNKNOWN, secret } from "../support/providerHost";
import { hostFailure, policyCalls, resourceInputs, useHostFixture } from "../support/hostFixture";
import { bobReads } from "../support/localS3";

describe("BucketPolicy through the real dynamic-provider host", () => {
    const fx = useHostFixture({ inputs: (bucket: string): Props => ({ policy: JSON.stringify(policyFor(bucket)) }) });

    const policyFor = (bucket: string, actions: string[] = ["s3:GetObject"]) => ({
        Version: "2012-10-17",
        Statement: [bobReads(fx.env, bucket, { action: actions })],
    });
    const newBucket = (prefix: string) => fx.buckets.newBucket(prefix);

    it("check passes the unknown sentinel through in preview, and diff reports a change for it", async () => {
        const checked = await fx.host.check("preview", {}, resourceInputs(UNKNOWN, { policy: UNKNOWN }));
        expect(checked.failures).toEqual([]);
        expect(checked.inputs.policy).toBe(UNKNOWN);
        expect(policyCalls(fx.proxy)).toHaveLength(0);
    });

    it("runs basic → no-op → policyUpdate → drift → delete, with one write per create or update", async () => {
        const bucket = await newBucket("host-basic");
        const checked = await fx.host.check(bucket, {}, fx.inputs(bucket, { policy: JSON.stringify(policyFor(bucket), null, 2) }));
        expect(checked.failures).toEqual([]);
        expect(policyCalls(fx.proxy)).toHaveLength(0);

        const created = await fx.host.create(bucket, checked.inputs);
        expect(created.id).toBe(bucket);
        expect(policyCalls(fx.proxy).map((r) => r.operation)).toEqual(["GetBucketPolicy", "PutBucketPolicy"]);
        expect(created.outputs.policy).toBe(checked.inputs.policy);
        // State keeps nothing derivable from the policy (the program derives canonicalPolicy, isPublic, publicAccess).
        for (const key of ["canonicalPolicy", "isPublic", "publicAccess"]) expect(created.outputs).not.toHaveProperty(key);

        fx.proxy.reset();
        const reformatted = await fx.host.check(
            bucket,
            checked.inputs,
            fx.inputs(bucket, { policy: JSON.stringify({ Statement: { ...policyFor(bucket).Statement[0], Action: "S3:getObject" }, Version: "2012-10-17" }) }),
        );
        expect((await fx.host.diff(bucket, bucket, created.outputs, reformatted.inputs)).changes).toBe("none");
        expect(policyCalls(fx.proxy)).toHaveLength(0);

        const changed = await fx.host.check(
            bucket,
            checked.inputs,
            fx.inputs(bucket, { policy: JSON.stringify(policyFor(bucket, ["s3:GetObject", "s3:GetObjectTagging"])) }),
        );
        const diff = await fx.host.diff(bucket, bucket, created.outputs, changed.inputs);
        expect(diff).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
        const updated = await fx.host.update(bucket, bucket, created.outputs, changed.inputs);
        expect(policyCalls(fx.proxy).map((r) => r.operation)).toEqual(["PutBucketPolicy"]);
        expect(updated.policy).toBe(changed.inputs.policy);

        fx.proxy.reset();
        const refreshed = await fx.host.read(bucket, bucket, updated, changed.inputs);
        expect(refreshed.outputs.policy).toBe(updated.policy);

        const outOfBand = JSON.stringify(policyFor(bucket, ["s3:PutObject"]));
        await fx.alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: outOfBand }));
        const drifted = await fx.host.read(bucket, bucket, updated, changed.inputs);
        expect(drifted.id).toBe(bucket);
        expect(drifted.outputs.policy).toBe(outOfBand);
        expect((await fx.host.diff(bucket, bucket, drifted.outputs, changed.inputs)).changes).toBe("some");

        fx.proxy.reset();
        await fx.host.delete(bucket, bucket, { ...drifted.outputs, policy: changed.inputs.policy as string });
        expect(policyCalls(fx.proxy).map((r) => r.operation)).toEqual(["GetBucketPolicy"]);
        await fx.host.delete(bucket, bucket, drifted.outputs);
        const gone = await fx.host.read(bucket, bucket, drifted.outputs);
        expect(gone.id).toBe("");
    });

    it("replaces when the bucket changes", async () => {
        const bucket = await newBucket("host-replace");
        const checked = await fx.host.check(bucket, {}, fx.inputs(bucket));
        const created = await fx.host.create(bucket, checked.inputs);
        const moved = await fx.host.check(bucket, checked.inputs, fx.inputs("another-bucket-name"));
        expect(await fx.host.diff(bucket, bucket, created.outputs, moved.inputs)).toEqual({
            changes: "some",
            replaces: ["bucket"],
            deleteBeforeReplace: false,
        });
    });

    it("reports a missing bucket as gone on read, and deletes from it successfully", async () => {
        const missing = `missing-${Date.now().toString(36)}`;
        const state = { ...fx.inputs(missing), canonicalPolicy: "{}" };
        expect((await fx.host.read(missing, missing, state)).id).toBe("");
        await expect(fx.host.delete(missing, missing, state)).resolves.toBeUndefined();
    });

    it("refuses to create over a policy the bucket already has, naming its Sids, and writes nothing", async () => {
        const bucket = await newBucket("host-clobber");
        await fx.alice.send(
            new PutBucketPolicyCommand({
                Bucket: bucket,
                Policy: JSON.stringify({ ...policyFor(bucket), Statement: [{ ...policyFor(bucket).Statement[0], Sid: "SomeoneElses" }] }),
            }),
        );
        fx.proxy.reset();
        const checked = await fx.host.check(bucket, {}, fx.inputs(bucket));
        const error = await hostFailure(fx.host.create(bucket, checked.inputs));
        expect(error.message).toMatch(/already has a bucket policy.*"SomeoneElses".*adoptExisting/);
        expect(policyCalls(fx.proxy).map((r) => r.operation)).toEqual(["GetBucketPolicy"]);
    });

    it("returns check failures that name the property (the policy's in its reason only), through gRPC, without calling S3", async () => {
        const checked = await fx.host.check(
            "bad",
            {},
            fx.inputs("bad bucket", { policy: "{not json", expectedBucketOwner: "alice", checksumAlgorithm: "MD5" }),
        );
        expect(checked.failures.map((f) => f.property).sort()).toEqual(["", "bucket", "checksumAlgorithm", "expectedBucketOwner"]);
        expect(checked.failures.find((f) => f.property === "")?.reason).toMatch(/^policy is not a valid policy document/);
        expect(policyCalls(fx.proxy)).toHaveLength(0);
    });

    it("receives secrets as plain values (the engine strips them) and keeps credentials out of outputs and __provider", async () => {
        const bucket = await newBucket("host-secret");
        const checked = await fx.host.check(bucket, {}, { ...fx.inputs(bucket), policy: secret(JSON.stringify(policyFor(bucket))) });
        expect(checked.failures).toEqual([]);
        const created = await fx.host.create(bucket, checked.inputs);
        const everything = JSON.stringify(created.outputs) + fx.serializedProvider;
        expect(everything).not.toContain(fx.env.users.alice.secretAccessKey);
        expect(everything).not.toContain(fx.env.users.alice.accessKeyId);
        for (const value of Object.values(created.outputs)) expect(value).not.toBeUndefined();
    });
});
