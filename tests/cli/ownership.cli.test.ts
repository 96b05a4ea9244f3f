/**
 * The @pulumi/aws BucketPolicy bug (pulumi-aws #5900) replayed under the real engine: two resources on one bucket, where
 * the engine creates the new one before it deletes the old one. The old resource's delete must not remove the policy
 * the new one has just put.
 */
import { policiesEquivalent } from "../../provider/policy";
import { bobReads, declaredLivePolicy } from "../support/localS3";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";
import { useCliSuite } from "../support/pulumiCli";

jest.setTimeout(240_000);

describe("the real engine: create-before-delete on one bucket (pulumi-aws #5900)", () => {
    const cli = useCliSuite();
    const policy = (bucket: string, sid: string, action: string | string[] = "s3:GetObject") => ({
        Version: "2012-10-17",
        Statement: [bobReads(cli.s3, bucket, { sid, action })],
    });

    it("a rename without an alias and a changed policy: the new policy survives the old resource's delete", async () => {
        const scenario = await cli.stack("rename");
        const bucket = await cli.buckets.newBucket("cli-own-rename");
        scenario.declare([{ name: "policy-v1", bucket, policy: policy(bucket, "V1") }]);
        await scenario.stack.up();

        const v2 = policy(bucket, "V2", ["s3:GetObject", "s3:GetObjectTagging"]);
        scenario.declare([{ name: "policy-v2", bucket, policy: v2, adoptExisting: true }]);
        let output = "";
        const up = await scenario.stack.up({ onOutput: (text) => (output += text) });
        expect(up.summary.resourceChanges).toMatchObject({ create: 1, delete: 1 });
        expect(policiesEquivalent((await declaredLivePolicy(cli.alice, bucket)) as string, v2)).toBe(true);
        expect(output).toMatch(/Sids "V2"\) is not the one this resource put; it was left in place/);
        await expect(scenario.stack.preview({ expectNoChanges: true, refresh: true })).resolves.toBeDefined();
    });

    it("two resources on one bucket: removing the first from the program leaves the second's policy", async () => {
        const scenario = await cli.stack("two");
        const bucket = await cli.buckets.newBucket("cli-own-two");
        scenario.declare([{ name: "first", bucket, policy: policy(bucket, "First") }]);
        await scenario.stack.up();
        const second = policy(bucket, "Second");
        scenario.declare([
            { name: "first", bucket, policy: policy(bucket, "First") },
            { name: "second", bucket, policy: second, adoptExisting: true },
        ]);
        await scenario.stack.up();
        scenario.declare([{ name: "second", bucket, policy: second, adoptExisting: true }]);
        const up = await scenario.stack.up();
        expect(up.summary.resourceChanges).toMatchObject({ delete: 1 });
        expect(policiesEquivalent((await declaredLivePolicy(cli.alice, bucket)) as string, second)).toBe(true);
    });

    it("an endpoint change replaces the resource (create, then delete through the old endpoint); the new policy survives", async () => {
        // Two endpoints for one server: a new endpoint replaces the resource on the same bucket.
        const proxyA: S3Proxy = await startS3Proxy({ target: cli.s3.endpoint });
        const proxyB: S3Proxy = await startS3Proxy({ target: cli.s3.endpoint });
        try {
            const scenario = await cli.stack("endpoint", proxyA.endpoint);
            const bucket = await cli.buckets.newBucket("cli-own-endpoint");
            scenario.declare([{ name: "policy", bucket, policy: policy(bucket, "Before"), adoptExisting: true }]);
            await scenario.stack.up();

            await scenario.stack.setConfig("endpoint", { value: proxyB.endpoint });
            const after = policy(bucket, "After");
            scenario.declare([{ name: "policy", bucket, policy: after, adoptExisting: true }]);
            proxyA.reset();
            const up = await scenario.stack.up();
            expect(up.summary.resourceChanges).toMatchObject({ replace: 1 });
            // The old resource's delete, through the old endpoint, read the policy, saw it was not its own, and left it.
            expect(proxyA.requests.filter((r) => r.bucket === bucket).map((r) => r.operation)).toEqual(["GetBucketPolicy"]);
            expect(proxyB.requests.filter((r) => r.bucket === bucket).map((r) => r.operation)).toEqual(["GetBucketPolicy", "PutBucketPolicy"]);
            expect(policiesEquivalent((await declaredLivePolicy(cli.alice, bucket)) as string, after)).toBe(true);
            await expect(scenario.stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
        } finally {
            await proxyA.close();
            await proxyB.close();
        }
    });
});
