/**
 * `expectedBucketOwner` through the real dynamic-provider host, on LocalStack behind the recording proxy. LocalStack
 * checks `x-amz-expected-bucket-owner` against the bucket owner's account for real (alice's buckets belong to her
 * account, bob's is another), so no stand-in is involved: the right owner goes through every call; another account is
 * refused at the first call (LocalStack's own 403), nothing is written and the error claims nothing for the state; a
 * value that is not an account id never leaves Check (LocalStack's own 400 for it is in tests/s3/s3proxy.s3.test.ts).
 * The host runs with LocalStack's alice credentials.
 */
import { policiesEquivalent } from "../../provider/policy";
import { Props } from "../support/providerHost";
import { checkAndCreate, checkNew, hostFailure, policyCalls, useHostFixture } from "../support/hostFixture";
import { bobReads, livePolicy } from "../support/localS3";

describe("expectedBucketOwner on LocalStack (the owner checked for real), through the real host", () => {
    const fx = useHostFixture({
        server: "localstack",
        inputs: (bucket: string): Props => ({ policy: policyFor(bucket), expectedBucketOwner: owner, retryTimeoutSeconds: 5 }),
    });
    let owner: string; // alice's account: the owner of her buckets
    let other: string; // bob's account
    beforeAll(() => {
        owner = fx.env.users.alice.accountId;
        other = fx.env.users.bob.accountId;
    });

    const policyFor = (bucket: string, actions: string[] = ["s3:GetObject"]) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(fx.env, bucket, { action: actions })] });
    /** Each bucket-policy call on the wire: operation, the owner header as sent, status, error code, and whether the proxy made it up. */
    const onWire = (bucket: string) =>
        policyCalls(fx.proxy, bucket).map((r) => [r.operation, r.headers["x-amz-expected-bucket-owner"], r.status, r.errorCode ?? "-", r.injected ?? "-"]);

    it("LocalStack: alice's account goes on every call, and create, refresh, update and delete all go through", async () => {
        const bucket = await fx.buckets.newBucket("owner-right");
        const { checked, created } = await checkAndCreate(fx.host, bucket, fx.inputs(bucket));
        expect(created.id).toBe(bucket);
        expect(policiesEquivalent((await livePolicy(fx.alice, bucket)) as string, checked.policy as string)).toBe(true);
        expect((await fx.host.read(bucket, bucket, created.outputs, checked)).id).toBe(bucket);
        const changed = await checkNew(fx.host, bucket, fx.inputs(bucket, { policy: policyFor(bucket, ["s3:GetObject", "s3:GetObjectTagging"]) }));
        const updated = await fx.host.update(bucket, bucket, created.outputs, changed);
        await fx.host.delete(bucket, bucket, updated);
        expect(await livePolicy(fx.alice, bucket)).toBeUndefined();
        expect(onWire(bucket)).toEqual([
            ["GetBucketPolicy", owner, 404, "NoSuchBucketPolicy", "-"], // create: no policy yet
            ["PutBucketPolicy", owner, 204, "-", "-"],
            ["GetBucketPolicy", owner, 200, "-", "-"], // refresh
            ["PutBucketPolicy", owner, 204, "-", "-"], // update
            ["GetBucketPolicy", owner, 200, "-", "-"], // delete: is it still ours?
            ["DeleteBucketPolicy", owner, 204, "-", "-"],
        ]);
    });

    it("LocalStack: a create with bob's account fails at the first read with LocalStack's own 403 and the provider's owner error; nothing is put, nothing claimed", async () => {
        const bucket = await fx.buckets.newBucket("owner-wrong");
        const error = await hostFailure(fx.host.create(bucket, await checkNew(fx.host, bucket, fx.inputs(bucket, { expectedBucketOwner: other }))));
        expect(error.message).toMatch(
            new RegExp(
                `^GetBucketPolicy on bucket "${bucket}" failed: AccessDenied \\(HTTP 403\\).* ` +
                    `Either bucket "${bucket}" is not owned by account ${other} \\(expectedBucketOwner\\), or the caller lacks s3:GetBucketPolicy\\.`,
            ),
        );
        expect(error.message).not.toMatch(/Gave up|Retried/); // not retried: exactly one call
        expect(error.initFailed).toBeUndefined(); // the engine records no resource
        expect(onWire(bucket)).toEqual([["GetBucketPolicy", other, 403, "AccessDenied", "-"]]);
        expect(await livePolicy(fx.alice, bucket)).toBeUndefined();
    });

    it("LocalStack: an update of the policy with bob's account is refused at the put (and at the read-back that follows); the old policy stays", async () => {
        const bucket = await fx.buckets.newBucket("owner-wrong-put");
        const { created } = await checkAndCreate(fx.host, bucket, fx.inputs(bucket));
        fx.proxy.reset();
        const changed = await checkNew(
            fx.host,
            bucket,
            fx.inputs(bucket, { policy: policyFor(bucket, ["s3:GetObject", "s3:GetObjectTagging"]), expectedBucketOwner: other }),
        );
        const error = await hostFailure(fx.host.update(bucket, bucket, created.outputs, changed));
        // The put's error is what is reported; the read-back after a failed put is refused too, so nothing is claimed.
        expect(error.message).toMatch(new RegExp(`^PutBucketPolicy on bucket "${bucket}" failed: AccessDenied \\(HTTP 403\\).*not owned by account ${other}`));
        expect(error.initFailed).toBeUndefined();
        expect(onWire(bucket)).toEqual([
            ["PutBucketPolicy", other, 403, "AccessDenied", "-"],
            ["GetBucketPolicy", other, 403, "AccessDenied", "-"],
        ]);
        expect(await livePolicy(fx.alice, bucket)).toBe(created.outputs.policy);
    });

    it("LocalStack: an update that only changes expectedBucketOwner to bob's proves it with a read, which LocalStack refuses (403)", async () => {
        const bucket = await fx.buckets.newBucket("owner-moved");
        const { checked, created } = await checkAndCreate(fx.host, bucket, fx.inputs(bucket));
        fx.proxy.reset();
        const error = await hostFailure(fx.host.update(bucket, bucket, created.outputs, { ...checked, expectedBucketOwner: other }));
        expect(error.message).toMatch(new RegExp(`^GetBucketPolicy on bucket "${bucket}" failed: AccessDenied \\(HTTP 403\\).*not owned by account ${other}`));
        expect(onWire(bucket)).toEqual([["GetBucketPolicy", other, 403, "AccessDenied", "-"]]);
        expect(await livePolicy(fx.alice, bucket)).toBe(created.outputs.policy);
    });

    // The values tests/s3/s3proxy.s3.test.ts sends straight to LocalStack, which answers 400 InvalidBucketOwnerAWSAccountID.
    it.each(["alice", "11112222333", "1111222233334"])(
        "a malformed owner %j is refused by the provider's Check before any call: no request reaches LocalStack",
        async (malformed) => {
            const bucket = await fx.buckets.newBucket("owner-malformed");
            fx.proxy.reset();
            const checked = await fx.host.check(bucket, {}, fx.inputs(bucket, { expectedBucketOwner: malformed }));
            expect(checked.failures).toEqual([
                { property: "expectedBucketOwner", reason: `expectedBucketOwner must be a 12-digit AWS account id, got ${JSON.stringify(malformed)}` },
            ]);
            expect(fx.proxy.requests).toHaveLength(0);
        },
    );
});
