/**
 * Test helpers around the local S3 server (Ceph RadosGW on loopback, started by `scripts/local-s3.sh`): start and
 * stop it, load the env file the jest global setup wrote, make clients for its two users, create or destroy
 * throw-away buckets (one by one or through a {@link bucketTracker}), read a bucket's live policy, and build the
 * statement that grants bob access.
 *
 * RadosGW is a real policy engine but not an AWS-exact oracle (no `x-amz-expected-bucket-owner` check, no 405 for a
 * non-owner account, `InvalidArgument` instead of `MalformedPolicy`): see `tests/support/s3proxy.ts` for stand-ins.
 */
import { ownershipIdIn, withoutOwnershipId } from "../../provider/ownership";
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    CreateBucketCommand,
    DeleteBucketCommand,
    DeleteBucketPolicyCommand,
    DeleteObjectCommand,
    GetBucketPolicyCommand,
    ListObjectVersionsCommand,
    S3Client,
    S3ClientConfig,
} from "@aws-sdk/client-s3";

/** The script that starts and stops the server; resolved from this file so it works from jest and from ts-node. */
export const LOCAL_S3_SCRIPT = path.resolve(__dirname, "../../scripts/local-s3.sh");

/** Ceph's unix admin sockets (DIR/run/*.asok) are limited to 107 bytes; the script refuses a longer DIR. */
export const MAX_LOCAL_S3_DIR_CHARS = 70;

/** Generous: the first start on a fresh machine installs ~64 Debian packages (10–40 s) before the ~2 s cluster start. */
export const START_TIMEOUT_MS = 10 * 60_000;
/** The script itself gives each daemon 10 s to honour SIGTERM before SIGKILL; a stop takes ~2 s. */
export const STOP_TIMEOUT_MS = 60_000;
/** How long a timed-out script gets to clean up after SIGTERM before SIGKILL. */
const SCRIPT_KILL_GRACE_MS = 20_000;

/** One S3 user of the local server. */
export interface LocalS3User {
    accessKeyId: string;
    secretAccessKey: string;
    /** The canonical owner id (`ListBuckets().Owner.ID`): on RadosGW the uid itself, never a 12-digit account id. */
    ownerId: string;
    /** The principal that names this user in a bucket policy, e.g. `arn:aws:iam:::user/bob`. */
    principalArn: string;
    /** The 12-digit account the user's access key belongs to: LocalStack only (RadosGW has no account ids). */
    accountId?: string;
}

/** Which local S3 server an env describes: RadosGW enforces policies; LocalStack checks owners and documents as AWS. */
export type LocalS3ServerKind = "radosgw" | "localstack";

/** The user names the script creates: alice owns the test buckets, bob is the other account. */
export type LocalS3UserName = "alice" | "bob";

/** A running local S3 server, as described by the `KEY=value` lines of `scripts/local-s3.sh start`. */
export interface LocalS3Env {
    server: LocalS3ServerKind;
    /** `http://127.0.0.1:PORT` */
    endpoint: string;
    /** Always `us-east-1`: RadosGW refuses a CreateBucket LocationConstraint for any other region. */
    region: string;
    /** The server's directory (ceph.conf, logs, pid files, `env`). */
    dir: string;
    users: Record<LocalS3UserName, LocalS3User>;
}

/** Options of {@link startLocalS3}. */
export interface StartLocalS3Options {
    /** Fixed ports; by default the script picks free ones, so parallel runs do not clash. */
    rgwPort?: number;
    monPort?: number;
    /** Receives each progress line the script writes to stderr (install, daemons up, timings). */
    onLog?: (line: string) => void;
    timeoutMs?: number;
}

/** Options of {@link stopLocalS3}. */
export interface StopLocalS3Options {
    /** Delete the server's directory afterwards. Default `true`: the server is disposable (memstore). */
    purge?: boolean;
    onLog?: (line: string) => void;
}

/** Parses `KEY=value` lines (blank lines and `#` comments skipped; the value is everything after the first `=`). */
export function parseEnvLines(text: string): Record<string, string> {
    const values: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
        if (match) values[match[1]] = match[2];
    }
    return values;
}

/**
 * Builds a {@link LocalS3Env} from the script's `KEY=value` lines.
 * @throws Error naming the missing keys when the lines do not describe a server.
 */
export function localS3EnvFromLines(text: string, source: string): LocalS3Env {
    const values = parseEnvLines(text);
    const required = ["RGW_DIR", "RGW_ENDPOINT", "RGW_REGION"];
    for (const n of [1, 2]) required.push(...["ACCESS_KEY", "SECRET_KEY", "OWNER_ID", "PRINCIPAL_ARN"].map((k) => `USER${n}_${k}`));
    const missing = required.filter((key) => !values[key]);
    if (missing.length) throw new Error(`${source} does not describe a local S3 server: ${missing.join(", ")} missing`);
    const user = (n: 1 | 2): LocalS3User => ({
        accessKeyId: values[`USER${n}_ACCESS_KEY`],
        secretAccessKey: values[`USER${n}_SECRET_KEY`],
        ownerId: values[`USER${n}_OWNER_ID`],
        principalArn: values[`USER${n}_PRINCIPAL_ARN`],
    });
    return { server: "radosgw", endpoint: values.RGW_ENDPOINT, region: values.RGW_REGION, dir: values.RGW_DIR, users: { alice: user(1), bob: user(2) } };
}

/** @internal */
export interface ScriptResult {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

/** Runs `bash scripts/local-s3.sh ARGS`, collecting stdout and stderr and passing progress lines to `onLog`. */
function runScript(args: string[], timeoutMs: number, onLog?: (line: string) => void): Promise<ScriptResult> {
    return runServerScript(LOCAL_S3_SCRIPT, args, timeoutMs, onLog);
}

/**
 * Runs `bash SCRIPT ARGS` (a server script of `scripts/`: KEY=value lines on stdout, `[name HH:MM:SS] ...` progress
 * lines on stderr), collecting both and passing each progress line to `onLog`. A script that outlives `timeoutMs` gets
 * SIGTERM (its trap stops what it started), then SIGKILL.
 * @internal
 */
export function runServerScript(script: string, args: string[], timeoutMs: number, onLog?: (line: string) => void): Promise<ScriptResult> {
    return new Promise((resolve, reject) => {
        // Not detached: a Ctrl-C reaches the script too, and its trap stops the daemons it had started.
        const child = spawn("bash", [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let partial = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
            stderr += chunk;
            if (!onLog) return;
            const lines = (partial + chunk).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) if (/^\[[a-z0-9-]+ \d\d:\d\d:\d\d\]/.test(line)) onLog(line);
        });
        let killer: NodeJS.Timeout | undefined;
        const timer = setTimeout(() => {
            // SIGTERM first: the script's trap then stops the daemons it had started.
            stderr += `\n[localS3.ts] ${path.basename(script)} timed out after ${timeoutMs} ms; stopping it\n`;
            child.kill("SIGTERM");
            killer = setTimeout(() => child.kill("SIGKILL"), SCRIPT_KILL_GRACE_MS);
        }, timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            clearTimeout(killer);
            reject(new Error(`could not run bash ${script}: ${error.message}`));
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            clearTimeout(killer);
            resolve({ code, signal, stdout, stderr });
        });
    });
}

/** The script's own error lines first (they say why, e.g. "apt-get install … failed"), then the end of its stderr. @internal */
export function explainFailure(what: string, result: ScriptResult): string {
    const lines = result.stderr.split("\n").filter((line) => line.trim() !== "");
    const errors = lines.filter((line) => /\bERROR\b|timed out/.test(line));
    const status = result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
    return [`${what} failed (${status})${errors.length ? `: ${errors.join(" | ")}` : ""}`, "--- last lines of its stderr ---", ...lines.slice(-40)].join("\n");
}

/**
 * Starts a disposable RadosGW with users alice and bob, via `scripts/local-s3.sh start` (which installs the Debian
 * packages first when they are missing).
 * @param dir The server's directory, at most {@link MAX_LOCAL_S3_DIR_CHARS} characters; default a new `/tmp/ls3-XXXXXX`.
 * @throws Error with the script's ERROR lines and the end of its stderr when the start fails; the script has then
 *   already stopped whatever it had started.
 */
export async function startLocalS3(dir?: string, options: StartLocalS3Options = {}): Promise<LocalS3Env> {
    const target = dir ?? makeShortTempDir();
    const args = ["start", target];
    if (options.rgwPort !== undefined || options.monPort !== undefined) args.push(String(options.rgwPort ?? ""), String(options.monPort ?? ""));
    const result = await runScript(args, options.timeoutMs ?? START_TIMEOUT_MS, options.onLog);
    if (result.code !== 0) {
        // The script stops what it started when it fails; this also covers a timeout that killed the script itself.
        await runScript(["stop", target], STOP_TIMEOUT_MS).catch(() => undefined);
        // A directory made here is removed unless the daemons' logs in it explain the failure.
        if (dir === undefined && !fs.existsSync(path.join(target, "log"))) fs.rmSync(target, { recursive: true, force: true });
        throw new Error(explainFailure(`local S3 server (scripts/local-s3.sh start ${target})`, result));
    }
    return localS3EnvFromLines(result.stdout, `the output of scripts/local-s3.sh start ${target}`);
}

/**
 * Stops the server's daemons (only the processes it started: pid files checked against their command line) via
 * `scripts/local-s3.sh stop`, and by default deletes its directory.
 * @throws Error with the end of the script's stderr when the stop fails.
 */
export async function stopLocalS3(env: Pick<LocalS3Env, "dir">, options: StopLocalS3Options = {}): Promise<void> {
    const args = ["stop", env.dir, ...(options.purge === false ? [] : ["--purge"])];
    const result = await runScript(args, STOP_TIMEOUT_MS, options.onLog);
    if (result.code !== 0) throw new Error(explainFailure(`scripts/local-s3.sh ${args.join(" ")}`, result));
}

/** A new, short directory for a server: `$TMPDIR/ls3-XXXXXX`, or under /tmp when `$TMPDIR` is too long. */
export function makeShortTempDir(prefix = "ls3-"): string {
    let base = os.tmpdir();
    if (base.length + prefix.length + 7 > MAX_LOCAL_S3_DIR_CHARS) base = "/tmp";
    return fs.mkdtempSync(path.join(base, prefix));
}

/**
 * Loads the server the jest global setup started (or reused), from the env file named by `LOCAL_S3_ENV_FILE`.
 * @throws Error saying how to get a server when the variable is unset or the file is missing.
 */
export function loadLocalS3Env(): LocalS3Env {
    const file = process.env.LOCAL_S3_ENV_FILE;
    if (!file) {
        throw new Error(
            "LOCAL_S3_ENV_FILE is not set, so no local S3 server is running for this test. Run the s3/host tiers through jest " +
                "(its global setup starts one; LOCAL_S3=skip turns that off), or start one yourself: " +
                "`bash scripts/local-s3.sh start DIR` and `export LOCAL_S3_ENV_FILE=DIR/env`.",
        );
    }
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new Error(`LOCAL_S3_ENV_FILE=${file} cannot be read (${(error as Error).message}); is the local S3 server still running?`);
    }
    return localS3EnvFromLines(text, `LOCAL_S3_ENV_FILE=${file}`);
}

/**
 * An S3 client acting as one of the local users: path-style, `us-east-1`, and `maxAttempts: 1` so that every error
 * (including injected faults) reaches the test as it happened.
 * @param overrides Any client option, applied last (e.g. `{ endpoint: proxy.endpoint }`).
 */
export function s3ClientFor(env: LocalS3Env, user: LocalS3UserName, overrides: Partial<S3ClientConfig> = {}): S3Client {
    const { accessKeyId, secretAccessKey } = env.users[user];
    return new S3Client({
        endpoint: env.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        maxAttempts: 1,
        credentials: { accessKeyId, secretAccessKey },
        ...overrides,
    });
}

const MAX_BUCKET_NAME_CHARS = 63;

/** A unique valid bucket name: `<prefix>-<time>-<random>`, lowercase letters, digits and hyphens, at most 63 chars. */
export function uniqueBucketName(prefix: string): string {
    const suffix = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
    const cleaned = prefix
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-+/, "")
        .slice(0, MAX_BUCKET_NAME_CHARS - suffix.length - 1)
        .replace(/-+$/, "");
    return cleaned ? `${cleaned}-${suffix}` : `b-${suffix}`;
}

/**
 * Creates a bucket with a unique name derived from `prefix` and returns the name. Remove it with {@link destroyBucket}.
 * @throws the SDK error of CreateBucket.
 */
export async function createTestBucket(client: S3Client, prefix: string): Promise<string> {
    const bucket = uniqueBucketName(prefix);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
}

function isNoSuchBucket(error: unknown): boolean {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e?.name === "NoSuchBucket" || (e?.name === "NotFound" && e.$metadata?.httpStatusCode === 404);
}

/**
 * Deletes a test bucket: its policy first (a test policy may deny the owner object access), then every object
 * version, then the bucket. A bucket that does not exist is success.
 * @throws the SDK error of a listing, object deletion or DeleteBucket that fails for another reason.
 */
export async function destroyBucket(client: S3Client, bucket: string): Promise<void> {
    try {
        await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    } catch (error) {
        if (isNoSuchBucket(error)) return;
        // Best effort: a policy that denies even the owner DeleteBucketPolicy may still allow the rest.
    }
    try {
        let keyMarker: string | undefined;
        let versionIdMarker: string | undefined;
        for (;;) {
            const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
            const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
            for (const { Key, VersionId } of entries) {
                if (Key === undefined) continue;
                await client.send(new DeleteObjectCommand({ Bucket: bucket, Key, ...(VersionId && VersionId !== "null" ? { VersionId } : {}) }));
            }
            if (!page.IsTruncated) break;
            keyMarker = page.NextKeyMarker;
            versionIdMarker = page.NextVersionIdMarker;
        }
        await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    } catch (error) {
        if (!isNoSuchBucket(error)) throw error;
    }
}

/** Throw-away buckets of one test file, made by {@link bucketTracker}. */
export interface BucketTracker {
    /** Creates a bucket with a unique name derived from `prefix`, to be removed by {@link BucketTracker.destroyAll}. */
    newBucket(prefix: string): Promise<string>;
    /** Whether `bucket` is one this tracker created. */
    has(bucket: string): boolean;
    /** Destroys every bucket created so far, one after the other (policy, objects, bucket). */
    destroyAll(): Promise<void>;
}

/** Creates buckets through `client` and remembers them, so that an `afterAll` can destroy them all. */
export function bucketTracker(client: S3Client): BucketTracker {
    const buckets: string[] = [];
    return {
        async newBucket(prefix) {
            const bucket = await createTestBucket(client, prefix);
            buckets.push(bucket);
            return bucket;
        },
        has: (bucket) => buckets.includes(bucket),
        async destroyAll() {
            for (const bucket of buckets) await destroyBucket(client, bucket);
        },
    };
}

/** The bucket's policy as S3 holds it now (read through `client`), or `undefined` when it has none. */
/**
 * The live policy as the program declared it: without the Id a `BucketPolicy` writes into a policy that has none
 * (provider/ownership.ts), which is the resource's, not the program's.
 */
export async function declaredLivePolicy(client: S3Client, bucket: string): Promise<string | undefined> {
    const live = await livePolicy(client, bucket);
    return live === undefined ? undefined : withoutOwnershipId(live, ownershipIdIn(live));
}

export async function livePolicy(client: S3Client, bucket: string): Promise<string | undefined> {
    try {
        return (await client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
    } catch (error) {
        if ((error as Error).name === "NoSuchBucketPolicy") return undefined;
        throw error;
    }
}

/**
 * The policy statement most tests grant: bob (the other local user) may `Action` the bucket's objects. Keys in this
 * order: Sid, Effect, Principal, Action, Resource. `action` is used as given (a string or a list).
 */
export function bobReads(env: LocalS3Env, bucket: string, options: { sid?: string; action?: string | string[] } = {}) {
    const { sid = "BobReads", action = "s3:GetObject" } = options;
    return { Sid: sid, Effect: "Allow", Principal: { AWS: env.users.bob.principalArn }, Action: action, Resource: `arn:aws:s3:::${bucket}/*` };
}

/** Resolves to the SDK error a call throws (fails the test when it does not throw). */
export async function s3Failure(call: Promise<unknown>): Promise<{ name: string; status?: number }> {
    const error = await call.then(
        () => {
            throw new Error("expected the S3 call to fail");
        },
        (e: { name: string; $metadata?: { httpStatusCode?: number } }) => e,
    );
    return { name: error.name, status: error.$metadata?.httpStatusCode };
}

/** Whether `pid` is a live process (a zombie is not). */
export const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return false;
    }
};
