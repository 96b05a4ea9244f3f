/**
 * The provider through the real `@pulumi/pulumi/cmd/dynamic-provider` host over gRPC, against the local RadosGW behind
 * a recording proxy, with the engine's rules emulated (Configure first, outputs as olds, unknowns in preview, secrets
 * stripped). Every RPC the engine uses is exercised. No expected owner here: RadosGW ignores the header, so
 * `expectedBucketOwner` is exercised on LocalStack, which checks it (expectedBucketOwner.host.test.ts).
 */
import { PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamicProviderHost, Props, UNKNOWN, secret } from "../support/providerHost";
import { hostFailure, policyCalls, serializeProvider, startProviderHost } from "../support/hostFixture";
import { BucketTracker, LocalS3Env, bobReads, bucketTracker, loadLocalS3Env, s3ClientFor } from "../support/localS3";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";

describe("BucketPolicy through the real dynamic-provider host", () => {
    let env: LocalS3Env;
    let proxy: S3Proxy;
    let host: DynamicProviderHost;
    let alice: S3Client;
    let buckets: BucketTracker;
    let serializedProvider: string;

    const policyFor = (bucket: string, actions: string[] = ["s3:GetObject"]) => ({
        Version: "2012-10-17",
        Statement: [bobReads(env, bucket, { action: actions })],
    });
    const newBucket = (prefix: string) => buckets.newBucket(prefix);
    const inputs = (bucket: string, extra: Props = {}): Props => ({
        bucket,
        policy: JSON.stringify(policyFor(bucket)),
        endpoint: proxy.endpoint,
        __provider: serializedProvider,
        ...extra,
    });

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
    beforeEach(() => proxy.reset());

    it("check passes the unknown sentinel through in preview, and diff reports a change for it", async () => {
        const checked = await host.check("preview", {}, { bucket: UNKNOWN, policy: UNKNOWN, __provider: serializedProvider });
        expect(checked.failures).toEqual([]);
        expect(checked.inputs.policy).toBe(UNKNOWN);
        expect(policyCalls(proxy)).toHaveLength(0);
    });

    it("runs basic → no-op → policyUpdate → drift → delete, with one write per create or update", async () => {
        const bucket = await newBucket("host-basic");
        const checked = await host.check(bucket, {}, inputs(bucket, { policy: JSON.stringify(policyFor(bucket), null, 2) }));
        expect(checked.failures).toEqual([]);
        expect(policyCalls(proxy)).toHaveLength(0);

        const created = await host.create(bucket, checked.inputs);
        expect(created.id).toBe(bucket);
        expect(policyCalls(proxy).map((r) => r.operation)).toEqual(["GetBucketPolicy", "PutBucketPolicy"]);
        expect(created.outputs.policy).toBe(checked.inputs.policy);
        expect(typeof created.outputs.canonicalPolicy).toBe("string");

        proxy.reset();
        const reformatted = await host.check(
            bucket,
            checked.inputs,
            inputs(bucket, { policy: JSON.stringify({ Statement: { ...policyFor(bucket).Statement[0], Action: "S3:getObject" }, Version: "2012-10-17" }) }),
        );
        expect((await host.diff(bucket, bucket, created.outputs, reformatted.inputs)).changes).toBe("none");
        expect(policyCalls(proxy)).toHaveLength(0);

        const changed = await host.check(
            bucket,
            checked.inputs,
            inputs(bucket, { policy: JSON.stringify(policyFor(bucket, ["s3:GetObject", "s3:GetObjectTagging"])) }),
        );
        const diff = await host.diff(bucket, bucket, created.outputs, changed.inputs);
        expect(diff).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
        const updated = await host.update(bucket, bucket, created.outputs, changed.inputs);
        expect(policyCalls(proxy).map((r) => r.operation)).toEqual(["PutBucketPolicy"]);
        expect(updated.policy).toBe(changed.inputs.policy);

        proxy.reset();
        const refreshed = await host.read(bucket, bucket, updated, changed.inputs);
        expect(refreshed.outputs.policy).toBe(updated.policy);

        const outOfBand = JSON.stringify(policyFor(bucket, ["s3:PutObject"]));
        await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: outOfBand }));
        const drifted = await host.read(bucket, bucket, updated, changed.inputs);
        expect(drifted.id).toBe(bucket);
        expect(drifted.outputs.policy).toBe(outOfBand);
        expect((await host.diff(bucket, bucket, drifted.outputs, changed.inputs)).changes).toBe("some");

        proxy.reset();
        await host.delete(bucket, bucket, { ...drifted.outputs, policy: changed.inputs.policy as string });
        expect(policyCalls(proxy).map((r) => r.operation)).toEqual(["GetBucketPolicy"]);
        await host.delete(bucket, bucket, drifted.outputs);
        const gone = await host.read(bucket, bucket, drifted.outputs);
        expect(gone.id).toBe("");
    });

    it("replaces when the bucket changes", async () => {
        const bucket = await newBucket("host-replace");
        const checked = await host.check(bucket, {}, inputs(bucket));
        const created = await host.create(bucket, checked.inputs);
        const moved = await host.check(bucket, checked.inputs, inputs("another-bucket-name"));
        expect(await host.diff(bucket, bucket, created.outputs, moved.inputs)).toEqual({ changes: "some", replaces: ["bucket"], deleteBeforeReplace: false });
    });

    it("reports a missing bucket as gone on read, and deletes from it successfully", async () => {
        const missing = `missing-${Date.now().toString(36)}`;
        const state = { ...inputs(missing), canonicalPolicy: "{}" };
        expect((await host.read(missing, missing, state)).id).toBe("");
        await expect(host.delete(missing, missing, state)).resolves.toBeUndefined();
    });

    it("refuses to create over a policy the bucket already has, naming its Sids, and writes nothing", async () => {
        const bucket = await newBucket("host-clobber");
        await alice.send(
            new PutBucketPolicyCommand({
                Bucket: bucket,
                Policy: JSON.stringify({ ...policyFor(bucket), Statement: [{ ...policyFor(bucket).Statement[0], Sid: "SomeoneElses" }] }),
            }),
        );
        proxy.reset();
        const checked = await host.check(bucket, {}, inputs(bucket));
        const error = await hostFailure(host.create(bucket, checked.inputs));
        expect(error.message).toMatch(/already has a bucket policy.*"SomeoneElses".*adoptExisting/);
        expect(policyCalls(proxy).map((r) => r.operation)).toEqual(["GetBucketPolicy"]);
    });

    it("returns check failures that name the property, through gRPC, without calling S3", async () => {
        const checked = await host.check("bad", {}, inputs("bad bucket", { policy: "{not json", expectedBucketOwner: "alice", checksumAlgorithm: "MD5" }));
        expect(checked.failures.map((f) => f.property).sort()).toEqual(["bucket", "checksumAlgorithm", "expectedBucketOwner", "policy"]);
        expect(policyCalls(proxy)).toHaveLength(0);
    });

    it("receives secrets as plain values (the engine strips them) and keeps credentials out of outputs and __provider", async () => {
        const bucket = await newBucket("host-secret");
        const checked = await host.check(bucket, {}, { ...inputs(bucket), policy: secret(JSON.stringify(policyFor(bucket))) });
        expect(checked.failures).toEqual([]);
        const created = await host.create(bucket, checked.inputs);
        const everything = JSON.stringify(created.outputs) + serializedProvider;
        expect(everything).not.toContain(env.users.alice.secretAccessKey);
        expect(everything).not.toContain(env.users.alice.accessKeyId);
        for (const value of Object.values(created.outputs)) expect(value).not.toBeUndefined();
    });
});
