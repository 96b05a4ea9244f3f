/**
 * This repository's own program (index.ts, Pulumi.yaml) under the real CLI, configured with `pulumi config set` as a
 * pipeline would: the project's config types and defaults are accepted, a wrong type is refused before anything runs,
 * and `config set --path bucketOwners.<bucket>` gives each bucket its own expected owner in policyDir mode.
 */
import * as fs from "fs";
import * as path from "path";
import { S3Client } from "@aws-sdk/client-s3";
import { BucketTracker, LocalS3Env, bobReads, bucketTracker, livePolicy, loadLocalS3Env, s3ClientFor } from "../support/localS3";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";
import { CliRun, CliWorld, REPO_DIR, newCliWorld, runPulumi } from "../support/pulumiCli";

jest.setTimeout(240_000);

describe("the real engine: this repository's program and Pulumi.yaml", () => {
    const STACK = "repo-program";
    let s3: LocalS3Env;
    let alice: S3Client;
    let buckets: BucketTracker;
    let world: CliWorld;
    let proxy: S3Proxy;
    let policyDir: string;

    const pulumi = (...args: string[]): Promise<CliRun> => runPulumi(world, REPO_DIR, [...args, "--stack", STACK]);
    const ok = async (...args: string[]): Promise<CliRun> => {
        const run = await pulumi(...args);
        if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
        return run;
    };

    beforeAll(async () => {
        s3 = loadLocalS3Env();
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

    it("applies a folder of policies, each bucket with its expected owner from config set --path bucketOwners.<bucket>", async () => {
        const [logs, assets] = [await buckets.newBucket("cli-repo-logs"), await buckets.newBucket("cli-repo-assets")];
        for (const bucket of [logs, assets]) {
            fs.writeFileSync(path.join(policyDir, `${bucket}.json`), JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(s3, bucket)] }));
        }
        await ok("config", "set", "policyDir", policyDir);
        await ok("config", "set", "endpoint", proxy.endpoint);
        await ok("config", "set", "aws:region", s3.region);
        await ok("config", "set", "expectedBucketOwner", "444455556666");
        // --path stores these digits as a number (the program turns it back into text), and keeps a leading zero as text.
        await ok("config", "set", "--path", `bucketOwners.${logs}`, "111122223333");
        await ok("config", "set", "--path", `bucketOwners.${assets}`, "012345678901");
        expect(fs.readFileSync(path.join(REPO_DIR, `Pulumi.${STACK}.yaml`), "utf8")).toMatch(new RegExp(`${logs}: 111122223333\\b`));

        const up = await ok("up", "--yes", "--skip-preview");
        expect(up.stdout).toMatch(/\+ 3 created/);
        const ownerHeaders = (bucket: string) =>
            new Set(
                proxy.requests.filter((r) => r.bucket === bucket && /BucketPolicy$/.test(r.operation)).map((r) => r.headers["x-amz-expected-bucket-owner"]),
            );
        expect(ownerHeaders(logs)).toEqual(new Set(["111122223333"]));
        expect(ownerHeaders(assets)).toEqual(new Set(["012345678901"]));
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
