/**
 * The resource under the real Pulumi engine (the `pulumi` CLI through the Automation API) against RadosGW: the
 * lifecycle, equivalent rewrites that must plan nothing, a real change that must plan one update, drift found by
 * refresh, replacement when `bucket` changes, a rename with `aliases`, and destroy.
 */
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { policiesEquivalent } from "../../provider/policy";
import { bobReads, declaredLivePolicy, livePolicy } from "../support/localS3";
import { isOwnershipId } from "../../provider/ownership";
import { useCliSuite } from "../support/pulumiCli";

jest.setTimeout(240_000);

describe("the real engine: lifecycle of one BucketPolicy", () => {
    const cli = useCliSuite();
    const scenario = cli.sharedStack("lifecycle");

    const document = (bucket: string, statements: object[]) => ({ Version: "2012-10-17", Statement: statements });

    it("previews a create with no S3 call, creates with one put, then plans nothing for equivalent rewrites", async () => {
        const bucket = await cli.buckets.newBucket("cli-life");
        const v1 = document(bucket, [bobReads(cli.s3, bucket, { sid: "Read", action: ["s3:GetObject", "s3:GetObjectVersion"] })]);
        scenario.declare([{ name: "policy", bucket, policy: v1 }]);

        // Counts include the stack resource: create 2 is the stack and the policy.
        const preview = await scenario.stack.preview({ diff: true });
        expect(preview.changeSummary).toMatchObject({ create: 2 });
        expect(await declaredLivePolicy(cli.alice, bucket)).toBeUndefined();

        const up = await scenario.stack.up();
        expect(up.summary.resourceChanges).toMatchObject({ create: 2 });
        const live = await declaredLivePolicy(cli.alice, bucket);
        expect(live).toBeDefined();
        expect(policiesEquivalent(live as string, v1)).toBe(true);
        // S3 holds the resource's own Id (provider/ownership.ts); the state's policy does not.
        expect(isOwnershipId(JSON.parse((await livePolicy(cli.alice, bucket)) as string).Id)).toBe(true);
        const exported = Object.values((await scenario.stack.outputs()).policies.value as Record<string, string>);
        expect(exported.length).toBeGreaterThan(0);
        for (const policy of exported) expect(JSON.parse(policy).Id).toBeUndefined();

        // Reordered keys and actions, another case, a duplicate, a statement object instead of a list, pretty-printed.
        const rewritten = {
            Statement: {
                Resource: `arn:aws:s3:::${bucket}/*`,
                Action: ["S3:GetObjectVersion", "s3:getobject", "s3:GetObject"],
                Principal: { AWS: [cli.s3.users.bob.principalArn] },
                Effect: "Allow",
                Sid: "Read",
            },
            Version: "2012-10-17",
        };
        scenario.declare([{ name: "policy", bucket, policy: JSON.stringify(rewritten, null, 4) }]);
        await expect(scenario.stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
        const noop = await scenario.stack.up({ expectNoChanges: true });
        expect(noop.summary.resourceChanges).toEqual({ same: 2 });
    });

    it("plans one update for a real change, shows the changed statement in preview --diff, and puts it", async () => {
        const bucket = await cli.buckets.newBucket("cli-change");
        const v1 = document(bucket, [bobReads(cli.s3, bucket, { sid: "Read" })]);
        scenario.declare([{ name: "policy", bucket, policy: v1 }]);
        await scenario.stack.up();

        const v2 = document(bucket, [bobReads(cli.s3, bucket, { sid: "Read" }), bobReads(cli.s3, bucket, { sid: "Versions", action: "s3:GetObjectVersion" })]);
        scenario.declare([{ name: "policy", bucket, policy: v2 }]);
        await expect(scenario.stack.preview({ expectNoChanges: true })).rejects.toThrow(/no changes were expected/i);
        const preview = await scenario.stack.preview({ diff: true });
        expect(preview.changeSummary).toMatchObject({ update: 1 });
        // The CLI shows a JSON-valued string as an object diff: the added statement appears by its Sid and action.
        expect(preview.stdout).toMatch(/\+\s+.*"?Sid"?\s*:\s*"Versions"/);
        expect(preview.stdout).toMatch(/s3:GetObjectVersion/);

        const up = await scenario.stack.up();
        expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
        expect(policiesEquivalent((await declaredLivePolicy(cli.alice, bucket)) as string, v2)).toBe(true);
    });

    it("refresh records an out-of-band change as drift, and up puts the declared policy back", async () => {
        const bucket = await cli.buckets.newBucket("cli-drift");
        const declared = document(bucket, [bobReads(cli.s3, bucket, { sid: "Read" })]);
        scenario.declare([{ name: "policy", bucket, policy: declared }]);
        await scenario.stack.up();

        const edited = document(bucket, [bobReads(cli.s3, bucket, { sid: "Read", action: "s3:*" })]);
        await cli.alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(edited) }));
        const refresh = await scenario.stack.refresh();
        expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
        const preview = await scenario.stack.preview();
        expect(preview.changeSummary).toMatchObject({ update: 1 });
        await scenario.stack.up();
        expect(policiesEquivalent((await declaredLivePolicy(cli.alice, bucket)) as string, declared)).toBe(true);
        await expect(scenario.stack.preview({ expectNoChanges: true, refresh: true })).resolves.toBeDefined();
    });

    it("replaces the resource when bucket changes: the new bucket gets the policy, the old one loses it", async () => {
        const first = await cli.buckets.newBucket("cli-repl-a");
        const second = await cli.buckets.newBucket("cli-repl-b");
        scenario.declare([{ name: "policy", bucket: first, policy: document(first, [bobReads(cli.s3, first)]) }]);
        await scenario.stack.up();

        scenario.declare([{ name: "policy", bucket: second, policy: document(second, [bobReads(cli.s3, second)]) }]);
        const preview = await scenario.stack.preview();
        expect(preview.changeSummary).toMatchObject({ replace: 1 });
        const up = await scenario.stack.up();
        expect(up.summary.resourceChanges).toMatchObject({ replace: 1 });
        expect(await declaredLivePolicy(cli.alice, first)).toBeUndefined();
        expect(await declaredLivePolicy(cli.alice, second)).toBeDefined();
    });

    it("a rename with aliases plans nothing and keeps the policy; without an alias it is a create and a delete", async () => {
        const bucket = await cli.buckets.newBucket("cli-alias");
        const policy = document(bucket, [bobReads(cli.s3, bucket)]);
        scenario.declare([{ name: "old-name", bucket, policy }]);
        await scenario.stack.up();

        scenario.declare([{ name: "new-name", bucket, policy, aliases: ["old-name"] }]);
        await expect(scenario.stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
        const up = await scenario.stack.up();
        expect(up.summary.resourceChanges).toMatchObject({ same: 2 });
        expect(policiesEquivalent((await declaredLivePolicy(cli.alice, bucket)) as string, policy)).toBe(true);

        scenario.declare([{ name: "third-name", bucket, policy }]);
        const preview = await scenario.stack.preview();
        expect(preview.changeSummary).toMatchObject({ create: 1, delete: 1 });
    });

    it("destroy deletes the policy, and a second destroy has nothing to do", async () => {
        const bucket = await cli.buckets.newBucket("cli-destroy");
        scenario.declare([{ name: "policy", bucket, policy: document(bucket, [bobReads(cli.s3, bucket)]) }]);
        await scenario.stack.up();
        const destroyed = await scenario.stack.destroy();
        expect(destroyed.summary.resourceChanges).toMatchObject({ delete: 2 });
        expect(await declaredLivePolicy(cli.alice, bucket)).toBeUndefined();
        const again = await scenario.stack.destroy();
        expect(again.summary.resourceChanges ?? {}).not.toHaveProperty("delete");
    });
});
