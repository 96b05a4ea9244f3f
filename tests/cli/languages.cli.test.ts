/**
 * The provider plugin under the real CLI, from a Python, a Go, a YAML and a TypeScript program (tests/cli/languages),
 * on RadosGW behind the recording proxy: each runs the lifecycle a pipeline runs (preview, up, an equal rewrite that
 * previews as no change, a real change, refresh of an out-of-band edit, destroy), is refused a public policy at
 * preview, sends the expected owner on every call, and keeps a secret policy out of `pulumi stack export`.
 * The plugin gets its endpoint from provider configuration (`s3-bucket-policy:endpoint`), as a stack would set it.
 */
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { BucketTracker, LocalS3Env, bobReads, bucketTracker, livePolicy, loadLocalS3Env, s3ClientFor } from "../support/localS3";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";
import { CliRun, CliWorld, REPO_DIR, newCliWorld, runOnStack, runPulumi } from "../support/pulumiCli";
import { LANGUAGES, Language, prepareProgram, programDir, withLanguageEnv } from "../support/languages";
import { policiesEquivalent } from "../../provider/policy";
import { RESOURCE_TOKEN } from "../../provider/plugin/adapter";
import * as fs from "fs";
import * as path from "path";

// The Go host compiles the program on each run (cached after the first); the first compile takes about a minute.
jest.setTimeout(300_000);

/** The expected bucket owner every call must carry (RadosGW has no account ids and ignores the header). */
const OWNER = "012345678901";

describe("the plugin as the CLI loads it", () => {
    it("pulumi package get-schema runs the plugin executable and prints the checked-in schema", async () => {
        const world = await newCliWorld(loadLocalS3Env());
        try {
            const schema = await runPulumi(world, REPO_DIR, [
                "package",
                "get-schema",
                path.join(REPO_DIR, "provider", "plugin", "pulumi-resource-s3-bucket-policy"),
            ]);
            expect(schema.code).toBe(0);
            expect(JSON.parse(schema.stdout)).toEqual(JSON.parse(fs.readFileSync(path.join(REPO_DIR, "provider", "plugin", "schema.json"), "utf8")));
        } finally {
            world.dispose();
        }
    });
});

describe("pulumi import through the plugin, on RadosGW", () => {
    it("imports a bucket's live policy with the provider configuration's endpoint and expected owner, and manages it from then on", async () => {
        const s3 = loadLocalS3Env();
        const alice = s3ClientFor(s3, "alice");
        const buckets = bucketTracker(alice);
        const world = await newCliWorld(s3);
        const proxy = await startS3Proxy({ target: s3.endpoint });
        // An empty YAML program: import takes the resource from the command line, not from the program.
        const dir = path.join(world.dir, "importer");
        fs.mkdirSync(dir);
        const pluginDir = path.join(REPO_DIR, "provider", "plugin");
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            `name: importer\nruntime: yaml\nplugins:\n  providers:\n    - name: s3-bucket-policy\n      path: ${pluginDir}\n`,
        );
        const ok = (...args: string[]) => runOnStack(world, dir, "import", args, { ok: true });
        try {
            const bucket = await buckets.newBucket("cli-import");
            const live = JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(s3, bucket, { sid: "Existing" })] });
            await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: live }));
            expect((await runPulumi(world, dir, ["stack", "init", "import"])).code).toBe(0);
            await ok("config", "set", "s3-bucket-policy:endpoint", proxy.endpoint);
            await ok("config", "set", "s3-bucket-policy:expectedBucketOwner", OWNER);
            await ok("import", RESOURCE_TOKEN, "imported", bucket, "--yes", "--protect=false");
            const state = JSON.parse((await ok("stack", "export")).stdout) as {
                deployment: { resources: Array<{ type: string; outputs: Record<string, unknown> }> };
            };
            const resource = state.deployment.resources.find((candidate) => candidate.type === RESOURCE_TOKEN)!;
            expect(resource.outputs).toMatchObject({ bucket, endpoint: proxy.endpoint, expectedBucketOwner: OWNER, isPublic: false });
            expect(policiesEquivalent(resource.outputs.policy as string, live)).toBe(true);
            const calls = proxy.requests.filter((request) => request.bucket === bucket);
            // Reads only (the engine reads once to preview the import and once to import), each with the owner.
            expect(calls.length).toBeGreaterThan(0);
            expect(new Set(calls.map((call) => `${call.operation} ${call.headers["x-amz-expected-bucket-owner"]}`))).toEqual(
                new Set([`GetBucketPolicy ${OWNER}`]),
            );
            // Nothing written by the import; the live policy is untouched.
            expect(await livePolicy(alice, bucket)).toBe(live);
            await ok("destroy", "--yes", "--skip-preview");
            expect(await livePolicy(alice, bucket)).toBeUndefined();
        } finally {
            await runPulumi(world, dir, ["stack", "rm", "import", "--yes", "--force"]);
            world.dispose();
            await proxy.close();
            await buckets.destroyAll();
        }
    });
});

describe.each(LANGUAGES.map((language) => [language]))("a %s program through the provider plugin, on RadosGW", (language: Language) => {
    const STACK = `lang-${language}`;
    const dir = programDir(language);
    let s3: LocalS3Env;
    let buckets: BucketTracker;
    let world: CliWorld;
    let proxy: S3Proxy;
    let bucket: string;

    const pulumi = (...args: string[]): Promise<CliRun> => runOnStack(world, dir, STACK, args);
    const ok = (...args: string[]): Promise<CliRun> => runOnStack(world, dir, STACK, args, { ok: true });
    const policyCalls = () => proxy.requests.filter((request) => request.bucket === bucket && /BucketPolicy$/.test(request.operation));
    const document = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
    const setPolicy = (text: string, secret = false) => ok("config", "set", ...(secret ? ["--secret"] : []), "policy", text);

    beforeAll(async () => {
        s3 = loadLocalS3Env();
        buckets = bucketTracker(s3ClientFor(s3, "alice"));
        world = await newCliWorld(s3);
        world.envVars = withLanguageEnv(world.envVars, prepareProgram(language));
        proxy = await startS3Proxy({ target: s3.endpoint });
        bucket = await buckets.newBucket(`cli-${language}`);
        expect((await runPulumi(world, dir, ["stack", "init", STACK])).code).toBe(0);
        await ok("config", "set", "bucket", bucket);
        await ok("config", "set", "owner", OWNER);
        await ok("config", "set", "s3-bucket-policy:endpoint", proxy.endpoint);
    });

    afterAll(async () => {
        if (world) {
            await pulumi("destroy", "--yes", "--skip-preview");
            await runPulumi(world, dir, ["stack", "rm", STACK, "--yes", "--force"]);
            world.dispose();
        }
        fs.rmSync(path.join(dir, `Pulumi.${STACK}.yaml`), { force: true });
        await proxy?.close();
        await buckets?.destroyAll();
    });

    it("refuses a public policy at preview, naming why, before any call to S3", async () => {
        await setPolicy(document({ Sid: "Everyone", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }));
        const preview = await pulumi("preview");
        expect(preview.code).not.toBe(0);
        expect(preview.stdout + preview.stderr).toMatch(/public/i);
        expect(preview.stdout + preview.stderr).toContain("allowPublicAccess");
        expect(policyCalls()).toEqual([]);
    });

    it("previews a create, applies it with one read and one write, each carrying the expected owner", async () => {
        await setPolicy(document(bobReads(s3, bucket, { sid: "Read" })));
        const preview = await ok("preview");
        expect(preview.stdout).toMatch(new RegExp(`\\+\\s+${RESOURCE_TOKEN} bucketPolicy create`));
        await ok("up", "--yes", "--skip-preview");
        expect(await livePolicy(s3ClientFor(s3, "alice"), bucket)).toContain(bobReads(s3, bucket).Principal.AWS);
        expect(policyCalls().map((call) => call.operation)).toEqual(["GetBucketPolicy", "PutBucketPolicy"]);
        expect(new Set(policyCalls().map((call) => call.headers["x-amz-expected-bucket-owner"]))).toEqual(new Set([OWNER]));
        const outputs = JSON.parse((await ok("stack", "output", "--json")).stdout) as { canonicalPolicy: string; isPublic: boolean };
        expect(outputs.isPublic).toBe(false);
        expect(policiesEquivalent(outputs.canonicalPolicy, document(bobReads(s3, bucket, { sid: "Read" })))).toBe(true);
    });

    it("previews an equal policy written another way as no change", async () => {
        const statement = bobReads(s3, bucket, { sid: "Read", action: ["S3:GETOBJECT"] });
        const reordered = {
            Statement: [{ Resource: [statement.Resource], Action: statement.Action, Principal: statement.Principal, Effect: "Allow", Sid: "Read" }],
            Version: "2012-10-17",
        };
        await setPolicy(JSON.stringify(reordered, null, 2));
        proxy.reset();
        await ok("preview", "--expect-no-changes");
        expect(policyCalls()).toEqual([]);
    });

    it("applies a real change with one write, and the preview names the new access it grants", async () => {
        await setPolicy(document(bobReads(s3, bucket, { sid: "Read", action: ["s3:GetObject", "s3:PutObject"] })));
        const preview = await ok("preview");
        expect(preview.stdout).toMatch(/grants new access: .*s3:PutObject/);
        proxy.reset();
        await ok("up", "--yes", "--skip-preview");
        expect(policyCalls().map((call) => call.operation)).toEqual(["PutBucketPolicy"]);
        expect(policyCalls()[0].headers["x-amz-expected-bucket-owner"]).toBe(OWNER);
        expect(await livePolicy(s3ClientFor(s3, "alice"), bucket)).toContain("s3:PutObject");
    });

    it("refresh takes a policy changed outside Pulumi into state", async () => {
        const outOfBand = document(bobReads(s3, bucket, { sid: "EditedByHand", action: "s3:ListBucket" }));
        await s3ClientFor(s3, "alice").send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: outOfBand }));
        proxy.reset();
        await ok("refresh", "--yes", "--skip-preview");
        expect(policyCalls().map((call) => [call.operation, call.headers["x-amz-expected-bucket-owner"]])).toEqual([["GetBucketPolicy", OWNER]]);
        const state = JSON.parse((await ok("stack", "export")).stdout) as { deployment: { resources: Array<{ type: string; outputs: { policy: string } }> } };
        const resource = state.deployment.resources.find((candidate) => candidate.type === RESOURCE_TOKEN)!;
        expect(policiesEquivalent(resource.outputs.policy, outOfBand)).toBe(true);
        // The program still declares its own policy: the next up puts it back.
        expect((await pulumi("preview", "--expect-no-changes")).code).not.toBe(0);
    });

    it("keeps a secret policy out of the state in plain text, and out of the preview", async () => {
        const secret = document(bobReads(s3, bucket, { sid: "SecretStatementSid", action: "s3:GetObject" }));
        await setPolicy(secret, true);
        await ok("config", "set", "secret", "true");
        const up = await ok("up", "--yes");
        expect(up.stdout + up.stderr).not.toContain("SecretStatementSid");
        expect(await livePolicy(s3ClientFor(s3, "alice"), bucket)).toContain("SecretStatementSid");
        const exported = (await ok("stack", "export")).stdout;
        expect(exported).toContain("ciphertext");
        expect(exported).not.toContain("SecretStatementSid");
        expect(exported).not.toContain(bobReads(s3, bucket).Principal.AWS);
    });

    it("destroy deletes the policy, with the expected owner", async () => {
        proxy.reset();
        await ok("destroy", "--yes", "--skip-preview");
        expect(await livePolicy(s3ClientFor(s3, "alice"), bucket)).toBeUndefined();
        expect(policyCalls().map((call) => call.operation)).toEqual(["GetBucketPolicy", "DeleteBucketPolicy"]);
        expect(new Set(policyCalls().map((call) => call.headers["x-amz-expected-bucket-owner"]))).toEqual(new Set([OWNER]));
    });
});
