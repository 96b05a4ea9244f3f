/**
 * The main job: this repository's Pulumi program (index.ts), driven through its whole lifecycle by the real
 * dynamic-provider host against a local Ceph RadosGW, with what a Pulumi user would want to read at each step.
 *
 *   preview → up (create) → reformatted, equal policy (no change) → real change (update) → out-of-band change
 *   (drift, found by refresh, repaired by up) → destroy
 *
 * and, between the steps, proof that S3 enforces the policy: a request it allows succeeds, one it denies gets 403.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { LocalS3Env, startLocalS3, stopLocalS3, s3ClientFor } from "../tests/support/localS3";
import { startS3Proxy, S3Proxy } from "../tests/support/s3proxy";
import { MiniEngine, Step, formatSteps } from "./engine/engine";

const PROJECT = "s3-bucket-policy";
const repoDir = path.resolve(__dirname, "..");

function banner(title: string): void {
    console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 72 - title.length))}`);
}

function s3Calls(proxy: S3Proxy): string {
    const policyCalls = proxy.requests.filter((r) => /BucketPolicy$/.test(r.operation));
    const summary = policyCalls.map(
        (r) =>
            `${r.operation} ${r.status}${r.headers["x-amz-expected-bucket-owner"] ? ` [x-amz-expected-bucket-owner: ${r.headers["x-amz-expected-bucket-owner"]}]` : ""}`,
    );
    proxy.reset();
    return summary.length ? summary.map((s) => `    S3: ${s}`).join("\n") : "    S3: (no calls)";
}

async function tryRequest(label: string, request: () => Promise<unknown>): Promise<number> {
    try {
        await request();
        console.log(`    ${label}: 200 OK`);
        return 200;
    } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
        console.log(`    ${label}: ${status} ${(error as Error).name}`);
        return status;
    }
}

function expectSteps(steps: Step[], expected: string, what: string): void {
    const ops = steps.map((s) => s.op).join(",");
    if (ops !== expected) throw new Error(`demo: expected ${what} to be [${expected}], got [${ops}]`);
}

async function main(): Promise<void> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bp-demo-"));
    let env: LocalS3Env | undefined;
    let proxy: S3Proxy | undefined;
    try {
        banner("Starting a local S3 server (Ceph RadosGW on loopback)");
        env = await startLocalS3(path.join(work, "rgw"), { onLog: (line) => console.log(`    ${line}`) });
        proxy = await startS3Proxy({ target: env.endpoint });
        console.log(`    endpoint ${env.endpoint} (recording proxy ${proxy.endpoint}); users alice (owner) and bob`);

        const alice = s3ClientFor(env, "alice");
        const bob: S3Client = s3ClientFor(env, "bob");
        const bucket = `demo-${Date.now().toString(36)}`;
        await alice.send(new CreateBucketCommand({ Bucket: bucket }));
        await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "public/hello.txt", Body: "hello" }));
        await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "private/secret.txt", Body: "secret" }));
        console.log(`    bucket ${bucket} created by alice, with public/hello.txt and private/secret.txt`);

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

        const engine = new MiniEngine({
            programDir: repoDir,
            stateFile: path.join(work, "state.json"),
            project: PROJECT,
            stack: "demo",
            config: {
                [`${PROJECT}:bucket`]: bucket,
                [`${PROJECT}:policyFile`]: policyFile,
                [`${PROJECT}:endpoint`]: proxy.endpoint,
                [`${PROJECT}:forcePathStyle`]: "true",
                [`${PROJECT}:expectedBucketOwner`]: "111122223333",
                "aws:region": env.region,
            },
            // Credentials reach the provider host through its environment, as with the Pulumi CLI; never through state.
            env: { AWS_ACCESS_KEY_ID: env.users.alice.accessKeyId, AWS_SECRET_ACCESS_KEY: env.users.alice.secretAccessKey, AWS_REGION: env.region },
        });
        console.log("    note: RadosGW ignores x-amz-expected-bucket-owner; AWS would refuse a bucket owned by another account with 403.");

        banner("pulumi preview");
        let steps = await engine.run(false);
        console.log(formatSteps(steps));
        console.log(s3Calls(proxy));
        expectSteps(steps, "create", "the first preview");

        banner("pulumi up (create)");
        steps = await engine.run(true);
        console.log(formatSteps(steps));
        console.log(s3Calls(proxy));
        expectSteps(steps, "create", "the first up");
        const stateAfterUp = fs.readFileSync(path.join(work, "state.json"), "utf8");
        console.log("  Is the policy enforced?");
        const allowed = await tryRequest("bob GET public/hello.txt  (allowed)", () =>
            bob.send(new GetObjectCommand({ Bucket: bucket, Key: "public/hello.txt" })),
        );
        const denied = await tryRequest("bob GET private/secret.txt (denied) ", () =>
            bob.send(new GetObjectCommand({ Bucket: bucket, Key: "private/secret.txt" })),
        );
        if (allowed !== 200 || denied !== 403) throw new Error("demo: the policy is not enforced as declared");

        banner("Reformatted, reordered, equal policy: pulumi preview");
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
        steps = await engine.run(false);
        console.log(formatSteps(steps));
        console.log(s3Calls(proxy));
        expectSteps(steps, "same", "the preview of an equal policy");
        steps = await engine.run(true);
        console.log("  pulumi up:");
        console.log(formatSteps(steps));
        console.log(s3Calls(proxy));
        expectSteps(steps, "same", "the up of an equal policy");

        banner("Real change (bob may also list public/ and read versions): pulumi preview, then up");
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
        steps = await engine.run(false);
        console.log(formatSteps(steps));
        console.log(s3Calls(proxy));
        expectSteps(steps, "update", "the preview of a real change");
        steps = await engine.run(true);
        console.log("  pulumi up:");
        console.log(formatSteps(steps));
        console.log(s3Calls(proxy));
        expectSteps(steps, "update", "the up of a real change");
        await tryRequest("bob LIST prefix public/ (now allowed)", () => bob.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "public/" })));

        banner("Out-of-band change (someone removes the Deny in the console): pulumi refresh");
        await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ ...v2, Statement: [v2.Statement[0], v2.Statement[2]] }) }));
        proxy.reset();
        steps = await engine.refresh();
        console.log(formatSteps(steps));
        console.log(s3Calls(proxy));
        expectSteps(steps, "refresh-drift", "the refresh after an out-of-band change");
        steps = await engine.run(true);
        console.log("  pulumi up (restores the declared policy):");
        console.log(formatSteps(steps));
        console.log(s3Calls(proxy));
        expectSteps(steps, "update", "the up after drift");
        await tryRequest("bob GET private/secret.txt (denied again)", () => bob.send(new GetObjectCommand({ Bucket: bucket, Key: "private/secret.txt" })));

        banner("pulumi destroy");
        steps = await engine.destroy();
        console.log(formatSteps(steps));
        console.log(s3Calls(proxy));
        const afterDestroy = await tryRequest("bob GET public/hello.txt (no policy: denied)", () =>
            bob.send(new GetObjectCommand({ Bucket: bucket, Key: "public/hello.txt" })),
        );
        if (afterDestroy !== 403) throw new Error("demo: the policy is still in effect after destroy");

        const credentialsInState = [env.users.alice.secretAccessKey, env.users.alice.accessKeyId].some((secret) => stateAfterUp.includes(secret));
        console.log(
            `\n  State after up: ${stateAfterUp.length} bytes, ${JSON.parse(stateAfterUp).resources[0].outputs.__provider.length} of them __provider; credentials in it: ${credentialsInState ? "YES" : "none"}`,
        );
        if (credentialsInState) throw new Error("demo: credentials leaked into state");
        banner("Demo finished: every step behaved as expected");
    } finally {
        await proxy?.close();
        if (env) await stopLocalS3(env);
        fs.rmSync(work, { recursive: true, force: true });
    }
}

main().catch((error) => {
    console.error(`\nDEMO FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
});
