/**
 * This repository's own program (index.ts, Pulumi.yaml) under the real CLI, configured with `pulumi config set` as a
 * pipeline would: the project's config types and defaults are accepted, a wrong type is refused before anything runs,
 * and `config set --path bucketOwners.<bucket>` gives each bucket its own expected owner in policyDir mode. It runs on
 * LocalStack (with LocalStack's alice credentials), which checks each bucket's expected owner for real: alice's account
 * goes through, another account fails `pulumi up` with the owner error.
 */
import * as fs from "fs";
import * as path from "path";
import { S3Client } from "@aws-sdk/client-s3";
import { BucketTracker, bobReads, bucketTracker, livePolicy, s3ClientFor } from "../support/localS3";
import { LocalStackEnv, loadLocalStackEnv } from "../support/localStack";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";
import { CliRun, CliWorld, REPO_DIR, newCliWorld, runOnStack, runPulumi } from "../support/pulumiCli";

jest.setTimeout(240_000);

describe("the real engine: this repository's program and Pulumi.yaml, on LocalStack", () => {
    const STACK = "repo-program";
    let s3: LocalStackEnv;
    let alice: S3Client;
    let buckets: BucketTracker;
    let world: CliWorld;
    let proxy: S3Proxy;
    let policyDir: string;

    const pulumi = (...args: string[]): Promise<CliRun> => runOnStack(world, REPO_DIR, STACK, args);
    /** The same, and it must exit 0. */
    const ok = (...args: string[]): Promise<CliRun> => runOnStack(world, REPO_DIR, STACK, args, { ok: true });

    beforeAll(async () => {
        s3 = loadLocalStackEnv();
        alice = s3ClientFor(s3, "alice");
        buckets = bucketTracker(alice);
        world = await newCliWorld(s3);
        proxy = await startS3Proxy({ target: s3.endpoint });
        policyDir = path.join(world.dir, "policies");
        fs.mkdirSync(policyDir);
        const init = await runPulumi(world, REPO_DIR, ["stack", "init", STACK]);
        expect(init.code).toBe(0);
    });

    afterAll(async () => {
        if (world) {
            await pulumi("destroy", "--yes", "--skip-preview");
            await runPulumi(world, REPO_DIR, ["stack", "rm", STACK, "--yes", "--force"]);
            world.dispose();
        }
        fs.rmSync(path.join(REPO_DIR, `Pulumi.${STACK}.yaml`), { force: true });
        await proxy?.close();
        await buckets?.destroyAll();
    });

    it("applies a folder of policies, each bucket with its expected owner from config set --path bucketOwners.<bucket>: another account fails up naming the owner problem, alice's goes through", async () => {
        const [logs, assets] = [await buckets.newBucket("cli-repo-logs"), await buckets.newBucket("cli-repo-assets")];
        const owner = s3.users.alice.accountId;
        for (const bucket of [logs, assets]) {
            fs.writeFileSync(path.join(policyDir, `${bucket}.json`), JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(s3, bucket)] }));
        }
        await ok("config", "set", "policyDir", policyDir);
        await ok("config", "set", "endpoint", proxy.endpoint);
        await ok("config", "set", "aws:region", s3.region);
        await ok("config", "set", "expectedBucketOwner", owner);
        // --path stores these digits as a number (the program turns it back into text), and keeps a leading zero as text.
        await ok("config", "set", "--path", `bucketOwners.${logs}`, owner);
        await ok("config", "set", "--path", `bucketOwners.${assets}`, "012345678901");
        expect(fs.readFileSync(path.join(REPO_DIR, `Pulumi.${STACK}.yaml`), "utf8")).toMatch(new RegExp(`${logs}: ${owner}\\b`));
        const ownerHeaders = (bucket: string) =>
            new Set(
                proxy.requests.filter((r) => r.bucket === bucket && /BucketPolicy$/.test(r.operation)).map((r) => r.headers["x-amz-expected-bucket-owner"]),
            );

        // 012345678901 does not own the assets bucket: LocalStack refuses the first read (403), and up fails saying why.
        const failed = await pulumi("up", "--yes", "--skip-preview");
        expect(failed.code).not.toBe(0);
        const output = failed.stdout + failed.stderr;
        expect(output).toContain(`GetBucketPolicy on bucket "${assets}" failed: AccessDenied (HTTP 403)`);
        expect(output).toContain(`Either bucket "${assets}" is not owned by account 012345678901 (expectedBucketOwner)`);
        expect(ownerHeaders(assets)).toEqual(new Set(["012345678901"]));
        expect(proxy.requests.filter((r) => r.bucket === assets).map((r) => [r.operation, r.status, r.errorCode])).toEqual([
            ["GetBucketPolicy", 403, "AccessDenied"],
        ]);
        expect(await livePolicy(alice, assets)).toBeUndefined();

        // Without its own entry the bucket gets the stack's expectedBucketOwner, alice's account: up goes through.
        await ok("config", "rm", "--path", `bucketOwners.${assets}`);
        await ok("up", "--yes", "--skip-preview");
        expect(ownerHeaders(logs)).toEqual(new Set([owner]));
        expect(ownerHeaders(assets)).toEqual(new Set(["012345678901", owner]));
        for (const bucket of [logs, assets]) expect(await livePolicy(alice, bucket)).toContain(bucket);
        // Unchanged files, unchanged config: nothing to do.
        expect((await pulumi("preview", "--expect-no-changes")).code).toBe(0);
    });

    it("enforces the types Pulumi.yaml declares before the program runs", async () => {
        await ok("config", "set", "forcePathStyle", "sometimes");
        const preview = await pulumi("preview");
        await ok("config", "rm", "forcePathStyle");
        expect(preview.code).not.toBe(0);
        expect(preview.stdout + preview.stderr).toMatch(/forcePathStyle.*boolean|boolean.*forcePathStyle/);
        expect((await pulumi("preview", "--expect-no-changes")).code).toBe(0);
    });
});
