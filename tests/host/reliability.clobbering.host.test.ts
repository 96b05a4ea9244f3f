/**
 * Issue "Reliability: retries, faults, clobbering, and bad input, with nothing lost" — part 2, clobbering.
 *
 * Create never overwrites a policy it did not put (unless `adoptExisting`), and delete never removes a policy that is
 * no longer the one it put. The `@pulumi/aws` BucketPolicy bug (a replacement or a second resource on the same bucket:
 * the engine creates the new resource, then deletes the old one, and the old one's delete removed the new policy) is
 * replayed against RadosGW through the real host here, and under the real engine in tests/cli/ownership.cli.test.ts. One case the provider cannot tell apart — old and new policies that mean the same — is tested as a known
 * limit, with its recovery and its workaround.
 */
import { PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { policiesEquivalent } from "../../provider/policy";
import { DynamicProviderHost, HostCallError, Props } from "../support/providerHost";
import { checkAndCreate, hostFailure, policyCalls, serializeProvider, startProviderHost } from "../support/hostFixture";
import { BucketTracker, LocalS3Env, bobReads, bucketTracker, livePolicy, loadLocalS3Env, s3ClientFor } from "../support/localS3";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";

describe("reliability: no clobbering, through the real host", () => {
    let env: LocalS3Env;
    let proxy: S3Proxy;
    let host: DynamicProviderHost;
    let alice: S3Client; // straight to RadosGW
    let buckets: BucketTracker;
    let serializedProvider: string;

    const policyFor = (bucket: string, sid: string, actions: string[] = ["s3:GetObject"]) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(env, bucket, { sid, action: actions })] });
    const inputs = (bucket: string, policy: string, extra: Props = {}): Props => ({
        bucket,
        policy,
        endpoint: proxy.endpoint,
        retryTimeoutSeconds: 10,
        __provider: serializedProvider,
        ...extra,
    });
    const ops = (bucket: string) => policyCalls(proxy, bucket).map((r) => r.operation);
    const newBucket = (prefix: string) => buckets.newBucket(prefix);
    const putDirectly = (bucket: string, policy: string) => alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
    /** The engine's create step: check, then create. */
    const create = async (name: string, bucket: string, policy: string, extra: Props = {}) =>
        (await checkAndCreate(host, name, inputs(bucket, policy, extra))).created;
    const stderrSince = (mark: number) => host.stderr.slice(mark);

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

    describe("create", () => {
        it("refuses to overwrite a policy it did not put, naming its Sids and how to import or adopt it, and writes nothing", async () => {
            const bucket = await newBucket("clob-refuse");
            const theirs = JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    bobReads(env, bucket, { sid: "TheirRead" }),
                    { Effect: "Allow", Principal: { AWS: env.users.bob.principalArn }, Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
                ],
            });
            await putDirectly(bucket, theirs);
            const error = await hostFailure(create(bucket, bucket, policyFor(bucket, "Ours")));
            // The wording of the advice may change (see tests/unit/errors.wording.test.ts); the facts and adoptExisting stay.
            expect(error.message).toContain(`Bucket "${bucket}" already has a bucket policy (2 statement(s): Sids "TheirRead"; 1 statement(s) without Sid)`);
            expect(error.message).toContain("does not overwrite a policy it did not create");
            expect(error.message).toContain("adoptExisting: true");
            expect(error.initFailed).toBeUndefined();
            expect(ops(bucket)).toEqual(["GetBucketPolicy"]);
            expect(await livePolicy(alice, bucket)).toBe(theirs);
        });

        it("replaces it with adoptExisting: true (one read, one put)", async () => {
            const bucket = await newBucket("clob-adopt");
            await putDirectly(bucket, policyFor(bucket, "Theirs"));
            const created = await create(bucket, bucket, policyFor(bucket, "Ours"), { adoptExisting: true });
            expect(ops(bucket)).toEqual(["GetBucketPolicy", "PutBucketPolicy"]);
            expect(await livePolicy(alice, bucket)).toBe(created.outputs.policy);
        });

        it("with adoptExisting: true takes over an equivalent live policy without writing", async () => {
            const bucket = await newBucket("clob-adopt-same");
            const same = policyFor(bucket, "Same");
            await putDirectly(bucket, JSON.stringify(JSON.parse(same), null, 4));
            const created = await create(bucket, bucket, same, { adoptExisting: true });
            expect(ops(bucket)).toEqual(["GetBucketPolicy"]);
            expect(created.outputs.policy).toBe(await livePolicy(alice, bucket)); // state keeps the live text: no diff on refresh
        });
    });

    describe("delete", () => {
        it("leaves a policy that is no longer the one it put, and warns on the host's stderr", async () => {
            const bucket = await newBucket("clob-delete");
            const created = await create(bucket, bucket, policyFor(bucket, "Ours"));
            const theirs = policyFor(bucket, "ChangedBySomeoneElse", ["s3:GetObject", "s3:PutObject"]);
            await putDirectly(bucket, theirs);
            proxy.reset();
            const mark = host.stderr.length;
            await host.delete(bucket, bucket, created.outputs);
            expect(ops(bucket)).toEqual(["GetBucketPolicy"]);
            expect(await livePolicy(alice, bucket)).toBe(theirs);
            expect(stderrSince(mark)).toContain(
                `warning: bucket ${bucket}: the live bucket policy (1 statement(s): Sids "ChangedBySomeoneElse") is not the one this resource put; it was left in place.`,
            );
        });

        it("removes its own policy, also when S3 holds it in another spelling", async () => {
            const bucket = await newBucket("clob-delete-own");
            const created = await create(bucket, bucket, policyFor(bucket, "Ours"));
            await putDirectly(bucket, JSON.stringify(JSON.parse(created.outputs.policy as string), null, 2));
            proxy.reset();
            await host.delete(bucket, bucket, created.outputs);
            expect(ops(bucket)).toEqual(["GetBucketPolicy", "DeleteBucketPolicy"]);
            expect(await livePolicy(alice, bucket)).toBeUndefined();
        });
    });

    describe("the @pulumi/aws bug: the engine creates the new resource, then deletes the old one, on the same bucket", () => {
        it("a logical rename without alias (create-before-delete) with a changed policy: the new policy survives the old resource's delete", async () => {
            const bucket = await newBucket("clob-rename");
            const old = await create("policy-v1", bucket, policyFor(bucket, "V1"));
            // The engine sees a new resource "policy-v2" and a removed "policy-v1": create first, delete after.
            const renamed = await create("policy-v2", bucket, policyFor(bucket, "V2", ["s3:GetObject", "s3:GetObjectTagging"]), { adoptExisting: true });
            const mark = host.stderr.length;
            await host.delete("policy-v1", bucket, old.outputs);
            expect(policiesEquivalent((await livePolicy(alice, bucket)) as string, renamed.outputs.policy as string)).toBe(true);
            expect(stderrSince(mark)).toMatch(/Sids "V2"\) is not the one this resource put; it was left in place/);
            expect(ops(bucket).filter((op) => op === "DeleteBucketPolicy")).toEqual([]);
            // The survivor is intact: refresh sees no drift, and its own delete removes it.
            expect((await host.read("policy-v2", bucket, renamed.outputs)).outputs.policy).toBe(renamed.outputs.policy);
            await host.delete("policy-v2", bucket, renamed.outputs);
            expect(await livePolicy(alice, bucket)).toBeUndefined();
        });

        it("a rename without adoptExisting stops at the new resource's create, and the old policy stays", async () => {
            const bucket = await newBucket("clob-rename-refused");
            const old = await create("policy-v1", bucket, policyFor(bucket, "V1"));
            const error = (await create("policy-v2", bucket, policyFor(bucket, "V2")).catch((e: unknown) => e)) as HostCallError;
            expect(error.message).toMatch(/already has a bucket policy \(1 statement\(s\): Sids "V1"\)/);
            expect(await livePolicy(alice, bucket)).toBe(old.outputs.policy);
        });

        it("two resources on the same bucket: removing the first leaves the second's policy", async () => {
            const bucket = await newBucket("clob-two");
            const first = await create("first", bucket, policyFor(bucket, "First"));
            const second = await create("second", bucket, policyFor(bucket, "Second"), { adoptExisting: true });
            await host.delete("first", bucket, first.outputs);
            expect(await livePolicy(alice, bucket)).toBe(second.outputs.policy);
        });

        it("known limit: when old and new policies are equivalent, the old resource's delete cannot tell them apart and removes the policy; refresh reports it gone and the next up puts it back", async () => {
            const bucket = await newBucket("clob-limit");
            const policy = policyFor(bucket, "Same");
            const old = await create("policy-v1", bucket, policy);
            const renamed = await create("policy-v2", bucket, policy, { adoptExisting: true }); // equivalent: adopted without a write
            await host.delete("policy-v1", bucket, old.outputs);
            expect(await livePolicy(alice, bucket)).toBeUndefined(); // the limit: the new resource's policy is gone
            // Recovery: refresh reports the resource gone (empty id), so the engine drops it and the next up creates it again.
            expect((await host.read("policy-v2", bucket, renamed.outputs)).id).toBe("");
            const recreated = await create("policy-v2", bucket, policy);
            expect(await livePolicy(alice, bucket)).toBe(recreated.outputs.policy);
        });

        it("known limit, workaround: a different Sid (or Id) in the new policy makes it distinguishable, so it survives", async () => {
            const bucket = await newBucket("clob-limit-sid");
            const old = await create("policy-v1", bucket, policyFor(bucket, "SameV1"));
            const renamed = await create("policy-v2", bucket, policyFor(bucket, "SameV2"), { adoptExisting: true });
            await host.delete("policy-v1", bucket, old.outputs);
            expect(await livePolicy(alice, bucket)).toBe(renamed.outputs.policy);
        });
    });
});
