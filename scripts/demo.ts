/**
 * The main job: this repository's Pulumi program (index.ts, Pulumi.yaml) through its whole lifecycle with the real
 * `pulumi` CLI against a local Ceph RadosGW, printing the CLI's own output, as a user reads it:
 *
 *   login (file backend, passphrase secrets) → stack init, config set → preview --diff → up → a reformatted,
 *   reordered equal policy (preview --expect-no-changes) → a real change (preview --diff, up) → an out-of-band change
 *   (refresh finds it, up repairs it) → destroy
 *
 * Between the steps: the bucket-policy calls S3 saw (through a recording proxy), and proof that S3 enforces the
 * policy: a request it allows gets 200, one it denies gets 403. Any step that does not behave fails the demo.
 * Run by scripts/demo.sh, which puts the CLI (scripts/pulumi-cli/ensure.sh) on PATH.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { LocalS3Env, startLocalS3, stopLocalS3, s3ClientFor } from "../tests/support/localS3";
import { startS3Proxy, S3Proxy } from "../tests/support/s3proxy";

const repoDir = path.resolve(__dirname, "..");
const STACK = "demo";

function banner(title: string): void {
    console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 72 - title.length))}`);
}

/** The bucket-policy calls S3 saw since the last call of this, one line each (with the expected-owner header). */
function s3Calls(proxy: S3Proxy): string {
    const policyCalls = proxy.requests.filter((r) => /BucketPolicy$/.test(r.operation));
    const summary = policyCalls.map(
        (r) =>
            `${r.operation} ${r.status}${r.headers["x-amz-expected-bucket-owner"] ? ` [x-amz-expected-bucket-owner: ${r.headers["x-amz-expected-bucket-owner"]}]` : ""}`,
    );
    proxy.reset();
    return summary.length ? summary.map((s) => `  S3 saw: ${s}`).join("\n") : "  S3 saw: no bucket-policy call";
}

async function tryRequest(label: string, request: () => Promise<unknown>): Promise<number> {
    try {
        await request();
        console.log(`  ${label}: 200 OK`);
        return 200;
    } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
        console.log(`  ${label}: ${status} ${(error as Error).name}`);
        return status;
    }
}

interface Pulumi {
    /** Runs `pulumi args…` in the repository, its output going straight to ours; resolves to the exit code and output. */
    (args: string[], options?: { expectFailure?: boolean; quiet?: boolean }): Promise<{ code: number; output: string }>;
}

function pulumiRunner(env: NodeJS.ProcessEnv): Pulumi {
    return (args, options = {}) =>
        new Promise((resolve, reject) => {
            console.log(`\n$ pulumi ${args.join(" ")}`);
            const child = spawn("pulumi", args, { cwd: repoDir, env, stdio: ["ignore", "pipe", "pipe"] });
            let output = "";
            child.stdout.on("data", (chunk: Buffer) => {
                output += chunk.toString();
                if (!options.quiet) process.stdout.write(chunk);
            });
            child.stderr.on("data", (chunk: Buffer) => {
                output += chunk.toString();
                process.stderr.write(chunk);
            });
            child.on("error", reject);
            child.on("close", (code) => {
                const failed = code !== 0;
                if (failed !== !!options.expectFailure)
                    reject(new Error(`pulumi ${args.join(" ")} exited ${code}, expected ${options.expectFailure ? "a failure" : "0"}`));
                else resolve({ code: code ?? -1, output });
            });
        });
}

function expectOutput(output: string, pattern: RegExp, what: string): void {
    if (!pattern.test(output)) throw new Error(`demo: expected ${what} (${pattern}) in the CLI's output`);
}

async function main(): Promise<void> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bp-demo-"));
    let env: LocalS3Env | undefined;
    let proxy: S3Proxy | undefined;
    try {
        banner("Starting a local S3 server (Ceph RadosGW on loopback)");
        env = await startLocalS3(path.join(work, "rgw"), { onLog: (line) => console.log(`  ${line}`) });
        proxy = await startS3Proxy({ target: env.endpoint });
        console.log(`  endpoint ${env.endpoint} (recording proxy ${proxy.endpoint}); users alice (owner) and bob`);

        const alice = s3ClientFor(env, "alice");
        const bob: S3Client = s3ClientFor(env, "bob");
        const bucket = `demo-${Date.now().toString(36)}`;
        await alice.send(new CreateBucketCommand({ Bucket: bucket }));
        await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "public/hello.txt", Body: "hello" }));
        await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "private/secret.txt", Body: "secret" }));
        console.log(`  bucket ${bucket} created by alice, with public/hello.txt and private/secret.txt`);

        const bobArn = env.users.bob.principalArn;
        const policyFile = path.join(work, "policy.json");
        const v1 = {
            Version: "2012-10-17",
            Statement: [
                { Sid: "AllowBobReadPublic", Effect: "Allow", Principal: { AWS: bobArn }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/public/*` },
                {
                    Sid: "DenyBobPrivate",
                    Effect: "Deny",
                    Principal: { AWS: [bobArn] },
                    Action: ["s3:GetObject"],
                    Resource: [`arn:aws:s3:::${bucket}/private/*`],
                },
            ],
        };
        fs.writeFileSync(policyFile, JSON.stringify(v1, null, 2));

        // Credentials reach the provider host through the CLI's environment, as in a pipeline; never through state.
        const cliEnv: NodeJS.ProcessEnv = {
            ...process.env,
            PULUMI_HOME: path.join(work, "pulumi-home"),
            PULUMI_CONFIG_PASSPHRASE: "demo-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            AWS_ACCESS_KEY_ID: env.users.alice.accessKeyId,
            AWS_SECRET_ACCESS_KEY: env.users.alice.secretAccessKey,
            AWS_REGION: env.region,
        };
        const pulumi = pulumiRunner(cliEnv);

        banner("Log in to a file backend; a stack with its configuration");
        fs.mkdirSync(path.join(work, "backend"));
        await pulumi(["login", `file://${path.join(work, "backend")}`]);
        await pulumi(["stack", "init", STACK, "--secrets-provider", "passphrase"]);
        await pulumi(["config", "set", "bucket", bucket]);
        await pulumi(["config", "set", "policyFile", policyFile]);
        await pulumi(["config", "set", "endpoint", proxy.endpoint]);
        await pulumi(["config", "set", "forcePathStyle", "true"]);
        await pulumi(["config", "set", "expectedBucketOwner", "111122223333"]);
        await pulumi(["config", "set", "aws:region", env.region]);
        console.log("  note: RadosGW ignores x-amz-expected-bucket-owner; AWS would refuse a bucket owned by another account with 403.");

        banner("pulumi preview --diff");
        let run = await pulumi(["preview", "--diff"]);
        expectOutput(run.output, /\+ 2 to create/, "the stack and its policy to create");
        console.log(s3Calls(proxy));

        banner("pulumi up");
        run = await pulumi(["up", "--yes", "--skip-preview"]);
        expectOutput(run.output, /\+ 2 created/, "the stack and its policy created");
        console.log(s3Calls(proxy));
        console.log("  Is the policy enforced?");
        const allowed = await tryRequest("bob GET public/hello.txt  (allowed)", () =>
            bob.send(new GetObjectCommand({ Bucket: bucket, Key: "public/hello.txt" })),
        );
        const denied = await tryRequest("bob GET private/secret.txt (denied) ", () =>
            bob.send(new GetObjectCommand({ Bucket: bucket, Key: "private/secret.txt" })),
        );
        if (allowed !== 200 || denied !== 403) throw new Error("demo: the policy is not enforced as declared");

        banner("A reformatted, reordered, equal policy: pulumi preview --expect-no-changes");
        const v1Reformatted = {
            Statement: [
                { Resource: `arn:aws:s3:::${bucket}/private/*`, Action: "S3:getobject", Principal: { AWS: bobArn }, Effect: "Deny", Sid: "DenyBobPrivate" },
                {
                    Effect: "Allow",
                    Sid: "AllowBobReadPublic",
                    Action: ["s3:GetObject", "s3:GetObject"],
                    Resource: [`arn:aws:s3:::${bucket}/public/*`],
                    Principal: { AWS: [bobArn] },
                },
            ],
            Version: "2012-10-17",
        };
        fs.writeFileSync(policyFile, JSON.stringify(v1Reformatted));
        await pulumi(["preview", "--expect-no-changes"]);
        console.log(s3Calls(proxy));

        banner("A real change (bob may also list public/ and read versions): pulumi preview --diff, then up");
        const v2 = {
            ...v1,
            Statement: [
                { ...v1.Statement[0], Action: ["s3:GetObject", "s3:GetObjectVersion"] },
                v1.Statement[1],
                {
                    Sid: "AllowBobListPublic",
                    Effect: "Allow",
                    Principal: { AWS: bobArn },
                    Action: "s3:ListBucket",
                    Resource: `arn:aws:s3:::${bucket}`,
                    Condition: { StringLike: { "s3:prefix": "public/*" } },
                },
            ],
        };
        fs.writeFileSync(policyFile, JSON.stringify(v2, null, 2));
        run = await pulumi(["preview", "--diff"]);
        expectOutput(run.output, /~ 1 to update/, "one resource to update");
        expectOutput(run.output, /AllowBobListPublic/, "the added statement");
        await pulumi(["preview", "--expect-no-changes"], { expectFailure: true });
        run = await pulumi(["up", "--yes", "--skip-preview"]);
        expectOutput(run.output, /~ 1 updated/, "one resource updated");
        console.log(s3Calls(proxy));
        await tryRequest("bob LIST prefix public/ (now allowed)", () => bob.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "public/" })));

        banner("An out-of-band change (someone removes the Deny in the console): pulumi refresh, then up");
        await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ ...v2, Statement: [v2.Statement[0], v2.Statement[2]] }) }));
        proxy.reset();
        run = await pulumi(["refresh", "--yes", "--skip-preview", "--diff"]);
        expectOutput(run.output, /~ 1 updated/, "the drift recorded by refresh");
        console.log(s3Calls(proxy));
        run = await pulumi(["up", "--yes", "--skip-preview", "--diff"]);
        expectOutput(run.output, /~ 1 updated/, "the repair");
        console.log(s3Calls(proxy));
        await tryRequest("bob GET private/secret.txt (denied again)", () => bob.send(new GetObjectCommand({ Bucket: bucket, Key: "private/secret.txt" })));

        banner("A statement that opens public/ to everyone: preview refuses it, allowPublicAccess applies it");
        const v3 = {
            ...v2,
            Statement: [
                ...v2.Statement,
                { Sid: "PublicReadPublic", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/public/*` },
            ],
        };
        fs.writeFileSync(policyFile, JSON.stringify(v3, null, 2));
        proxy.reset();
        run = await pulumi(["preview"], { expectFailure: true });
        expectOutput(
            run.output,
            /grants public access as S3 defines it .*Statement\[3\] \(Sid "PublicReadPublic"\): Principal "\*"/,
            "the public statement named",
        );
        expectOutput(run.output, /allowPublicAccess: true/, "the opt-in named");
        console.log(s3Calls(proxy));
        await pulumi(["config", "set", "allowPublicAccess", "true"]);
        run = await pulumi(["up", "--yes", "--skip-preview"]);
        expectOutput(run.output, /warning: bucket [^:]+: the policy is public \(Statement\[3\] \(Sid "PublicReadPublic"\)/, "the public policy still reported");
        expectOutput(run.output, /~ 1 updated/, "one resource updated");
        console.log(s3Calls(proxy));
        const outputs = (await pulumi(["stack", "output", "applied", "--json"], { quiet: true })).output;
        const access = (JSON.parse(outputs) as Record<string, { publicAccess?: string }>)[bucket]?.publicAccess ?? "";
        console.log(`  output publicAccess: ${access}`);
        if (!access.startsWith('public: Statement[3] (Sid "PublicReadPublic")'))
            throw new Error("demo: the publicAccess output does not name the public statement");

        banner("The state: no credentials in it");
        const exported = (await pulumi(["stack", "export"], { quiet: true })).output;
        const leaked = [env.users.alice.secretAccessKey, env.users.alice.accessKeyId].some((secret) => exported.includes(secret));
        console.log(`  pulumi stack export: ${exported.length} bytes; alice's access key or secret in it: ${leaked ? "YES" : "no"}`);
        if (leaked) throw new Error("demo: credentials leaked into state");

        banner("pulumi destroy");
        run = await pulumi(["destroy", "--yes", "--skip-preview"]);
        expectOutput(run.output, /- 2 deleted/, "the policy and the stack deleted");
        console.log(s3Calls(proxy));
        const afterDestroy = await tryRequest("bob GET public/hello.txt (no policy: denied)", () =>
            bob.send(new GetObjectCommand({ Bucket: bucket, Key: "public/hello.txt" })),
        );
        if (afterDestroy !== 403) throw new Error("demo: the policy is still in effect after destroy");
        await pulumi(["stack", "rm", STACK, "--yes"]);
        banner("Demo finished: every step behaved as expected");
    } finally {
        await proxy?.close();
        if (env) await stopLocalS3(env);
        // `stack rm` removes the stack's settings file; this is for a demo that stopped before it.
        fs.rmSync(path.join(repoDir, `Pulumi.${STACK}.yaml`), { force: true });
        fs.rmSync(work, { recursive: true, force: true });
    }
}

main().catch((error) => {
    console.error(`\nDEMO FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
});
