/**
 * Distinctive credentials (LocalStack's alice keys with a canary session token in the environment; the same through a
 * canary profile of a temporary shared-credentials file; and canary keys RadosGW rejects) must never show up in the
 * serialized provider, in any output or check result, in any error message, in the host's stderr, or in what the
 * proxies recorded. The first two run on LocalStack, so the refusal on their failure path is LocalStack's own owner
 * check; the rejected keys run on RadosGW, the server that checks credentials. Both servers accept a session token
 * they did not issue, which is what lets the canary token travel on every real request here.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { DynamicProviderHost, HostCallError, Props } from "../support/providerHost";
import { hostEnvFor, serializeProvider, startProviderHost, useHostFixture } from "../support/hostFixture";
import { BucketTracker, LocalS3Env, bobReads, bucketTracker, loadLocalS3Env, s3ClientFor } from "../support/localS3";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";

const CANARY = randomBytes(6).toString("hex");
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjCanarySessionToken${CANARY}`;
const PROFILE = `canary-profile-${CANARY}`;
const REJECTED_KEY_ID = `AKIACANARY${CANARY.toUpperCase()}`.slice(0, 20);
const REJECTED_SECRET = `canarySecretKey/${CANARY}/wJalrXUtnFEMIK7MDENGbPxRfiCY`;

/** Everything the run produced that a user, a log or the state could see. */
class Seen {
    private readonly texts: string[] = [];
    add(label: string, value: unknown): void {
        this.texts.push(`${label}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    }
    async outcome<T>(label: string, call: Promise<T>): Promise<T | HostCallError> {
        try {
            const result = await call;
            this.add(label, result ?? "(no result)");
            return result;
        } catch (error) {
            const e = error as HostCallError;
            this.add(`${label} error`, { message: e.message, initFailed: e.initFailed, stack: e.stack });
            return e;
        }
    }
    get all(): string {
        return this.texts.join("\n");
    }
}

describe("secrets: credentials never leak, through the real host (LocalStack, and RadosGW for rejected keys)", () => {
    /**
     * LocalStack behind the recording proxy; the hosts are started per test, with the environment each test is about.
     * Its inputs: alice's account as the expected owner, which LocalStack checks, and the provider serialized below.
     */
    const fx = useHostFixture({
        server: "localstack",
        startHost: false,
        inputs: (bucket: string): Props => ({
            policy: policyFor(bucket),
            expectedBucketOwner: fx.env.users.alice.accountId,
            retryTimeoutSeconds: 1,
            __provider: serializedProvider,
        }),
    });
    let rgw: LocalS3Env;
    let rgwProxy: S3Proxy;
    let rgwBuckets: BucketTracker;
    let serializedProvider: string;
    let tempDir: string;
    const seen = new Seen();
    const secretsOf = () => [
        fx.env.users.alice.secretAccessKey,
        fx.env.users.alice.accessKeyId,
        rgw.users.alice.secretAccessKey,
        rgw.users.alice.accessKeyId,
        SESSION_TOKEN,
        REJECTED_SECRET,
        REJECTED_KEY_ID,
    ];

    const policyFor = (bucket: string, actions: string[] = ["s3:GetObject"]) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(fx.env, bucket, { action: actions })] });
    const newBucket = (prefix: string) => fx.buckets.newBucket(prefix);
    /**
     * No credential from the environment of the test process itself, nor alice's that {@link startProviderHost} gives
     * by default: only what each host is given after it.
     */
    const noEnvCredentials = { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_SESSION_TOKEN: "", AWS_PROFILE: "" };

    /** Every RPC the engine makes, on the success and the failure paths, with everything seen recorded. */
    async function exercise(host: DynamicProviderHost, label: string, extra: Props = {}): Promise<void> {
        const bucket = await newBucket(`secrets-${label}`);
        const checked = (await seen.outcome(`${label} check`, host.check(bucket, {}, fx.inputs(bucket, extra)))) as { inputs: Props; failures: unknown[] };
        expect(checked.failures).toEqual([]);
        const created = (await seen.outcome(`${label} create`, host.create(bucket, checked.inputs))) as { id: string; outputs: Props };
        expect(created.id).toBe(bucket);
        await seen.outcome(`${label} read`, host.read(bucket, bucket, created.outputs, checked.inputs));
        const changed = (await seen.outcome(
            `${label} check 2`,
            host.check(bucket, checked.inputs, fx.inputs(bucket, { ...extra, policy: policyFor(bucket, ["s3:GetObject", "s3:GetObjectTagging"]) })),
        )) as { inputs: Props };
        await seen.outcome(`${label} diff`, host.diff(bucket, bucket, created.outputs, changed.inputs));
        const updated = (await seen.outcome(`${label} update`, host.update(bucket, bucket, created.outputs, changed.inputs))) as Props;
        // Failure paths: throttled until the budget is spent (injected); bob's account as the expected owner (LocalStack's
        // own 403); drift on delete.
        fx.proxy.setRules([{ bucket, operation: "PutBucketPolicy", fault: "SlowDown" }]);
        const failed = await seen.outcome(`${label} update throttled`, host.update(bucket, bucket, updated, checked.inputs));
        expect(failed).toBeInstanceOf(HostCallError);
        fx.proxy.setRules([]);
        const notOwned = { ...updated, expectedBucketOwner: fx.env.users.bob.accountId };
        const refused = await seen.outcome(`${label} read refused`, host.read(bucket, bucket, notOwned));
        expect(refused).toBeInstanceOf(HostCallError);
        expect((refused as HostCallError).message).toMatch(/failed: AccessDenied \(HTTP 403\).*is not owned by account/);
        expect(await seen.outcome(`${label} delete refused`, host.delete(bucket, bucket, notOwned))).toBeInstanceOf(HostCallError);
        await fx.alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyFor(bucket, ["s3:PutObject"]) }));
        await seen.outcome(`${label} delete drifted`, host.delete(bucket, bucket, updated));
        await seen.outcome(`${label} delete`, host.delete(bucket, bucket, { ...updated, policy: policyFor(bucket, ["s3:PutObject"]) }));
    }

    beforeAll(async () => {
        rgw = loadLocalS3Env();
        rgwBuckets = bucketTracker(s3ClientFor(rgw, "alice"));
        rgwProxy = await startS3Proxy({ target: rgw.endpoint });
        tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"));
        // Serialize the provider the way a Pulumi program does, with the credentials in that process's environment.
        const saved = { ...process.env };
        Object.assign(process.env, {
            AWS_ACCESS_KEY_ID: fx.env.users.alice.accessKeyId,
            AWS_SECRET_ACCESS_KEY: fx.env.users.alice.secretAccessKey,
            AWS_SESSION_TOKEN: SESSION_TOKEN,
        });
        try {
            serializedProvider = await serializeProvider();
        } finally {
            for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) {
                if (saved[key] === undefined) delete process.env[key];
                else process.env[key] = saved[key];
            }
        }
        seen.add("__provider", serializedProvider);
    });
    afterAll(async () => {
        await rgwProxy?.close();
        await rgwBuckets?.destroyAll();
        if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    });

    it("environment credentials with a session token: nothing leaks", async () => {
        const host = await startProviderHost(fx.env, { env: { ...noEnvCredentials, ...hostEnvFor(fx.env, "alice"), AWS_SESSION_TOKEN: SESSION_TOKEN } });
        try {
            await exercise(host, "env");
        } finally {
            await host.stop();
            seen.add("env host stderr", host.stderr);
        }
        // The canary token really travelled: the proxy saw the header on the wire (and recorded it redacted).
        expect(fx.proxy.requests.some((r) => r.headers["x-amz-security-token"] === "REDACTED")).toBe(true);
    });

    it("a profile in a shared credentials file (input profile): nothing leaks, the profile name is an ordinary input", async () => {
        const credentials = path.join(tempDir, "credentials");
        fs.writeFileSync(
            credentials,
            `[${PROFILE}]\naws_access_key_id = ${fx.env.users.alice.accessKeyId}\naws_secret_access_key = ${fx.env.users.alice.secretAccessKey}\naws_session_token = ${SESSION_TOKEN}\n`,
            { mode: 0o600 },
        );
        fs.writeFileSync(path.join(tempDir, "config"), "");
        const host = await startProviderHost(fx.env, {
            env: { ...noEnvCredentials, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: path.join(tempDir, "config"), AWS_REGION: fx.env.region },
        });
        try {
            await exercise(host, "profile", { profile: PROFILE });
        } finally {
            await host.stop();
            seen.add("profile host stderr", host.stderr);
        }
        expect(seen.all).toContain(PROFILE);
    });

    it("credentials S3 rejects (RadosGW: LocalStack checks none): the errors say so without repeating them", async () => {
        const host = await startProviderHost(rgw, {
            env: {
                ...noEnvCredentials,
                AWS_ACCESS_KEY_ID: REJECTED_KEY_ID,
                AWS_SECRET_ACCESS_KEY: REJECTED_SECRET,
                AWS_SESSION_TOKEN: SESSION_TOKEN,
                AWS_REGION: rgw.region,
            },
        });
        try {
            const bucket = await rgwBuckets.newBucket("secrets-rejected");
            // No expected owner: RadosGW would ignore it.
            const { expectedBucketOwner: _ignored, ...onRadosGW } = fx.inputs(bucket, { endpoint: rgwProxy.endpoint });
            const checked = await host.check(bucket, {}, onRadosGW);
            const error = await seen.outcome("rejected create", host.create(bucket, checked.inputs));
            expect(error).toBeInstanceOf(HostCallError);
            expect((error as HostCallError).message).toMatch(
                /^GetBucketPolicy on bucket .* failed: InvalidAccessKeyId \(HTTP 403\)\. The AWS credentials were rejected or could not be loaded\./,
            );
            expect(await seen.outcome("rejected read", host.read(bucket, bucket, { ...checked.inputs, canonicalPolicy: "{}" }))).toBeInstanceOf(HostCallError);
            expect(await seen.outcome("rejected delete", host.delete(bucket, bucket, { ...checked.inputs, canonicalPolicy: "{}" }))).toBeInstanceOf(
                HostCallError,
            );
        } finally {
            await host.stop();
            seen.add("rejected host stderr", host.stderr);
        }
    });

    it("found none of the credentials in the serialized provider, outputs, errors, host stderr or the proxy's records", () => {
        seen.add("proxy records", [...fx.proxy.requests, ...rgwProxy.requests]);
        const everything = seen.all;
        // The searches are meaningful: the run produced outputs, errors and stderr (the failed reads and deletes log there).
        expect(everything).toMatch(/env create: .*"outputs":\{.*"policy"/);
        expect(everything).toMatch(/rejected create error: .*failed: /);
        expect(everything).toMatch(/host stderr: .*\S/);
        for (const secret of secretsOf()) expect(everything).not.toContain(secret);
        // Nor a recognisable part of them (a truncated or re-encoded secret).
        for (const secret of [fx.env.users.alice.secretAccessKey, REJECTED_SECRET]) expect(everything).not.toContain(secret.slice(0, 16));
        expect(everything).not.toContain(CANARY.toUpperCase());
        expect(everything).not.toContain(`CanarySessionToken${CANARY}`);
    });
});
