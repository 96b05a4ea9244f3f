/**
 * `scripts/localstack.sh` itself (LocalStack's S3, the second local S3 server the s3 tier runs against) and the
 * helpers of `tests/support/localStack.ts`: the env lines, the server the jest global setup started (it answers, it
 * listens on 127.0.0.1 only, its access key ids are AWS-format and encode the accounts), and a second server started
 * here (the loopback guard's one refusal, its object store under DIR/s3, stop --purge leaves nothing), `stop --purge`
 * on a directory that is not the script's, and `status`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, GetBucketPolicyCommand, ListBucketsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
    BucketTracker,
    alive,
    bucketTracker,
    destroyBucket,
    parseEnvLines,
    runServerScript,
    s3ClientFor,
    s3Failure,
    uniqueBucketName,
} from "../support/localS3";
import {
    LOCALSTACK_ENV_FILE,
    LOCALSTACK_SCRIPT,
    LocalStackEnv,
    loadLocalStackEnv,
    localStackEnvFromLines,
    startLocalStack,
    stopLocalStack,
} from "../support/localStack";

const ALICE_ACCOUNT = "111122223333";
const BOB_ACCOUNT = "444455556666";

/** What each open file descriptor of `pid` points at (`socket:[INODE]`, a path, `… (deleted)`), by fd number. */
function openFiles(pid: number): Map<number, string> {
    const files = new Map<number, string>();
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        try {
            files.set(Number(fd), fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        } catch {
            // closed meanwhile
        }
    }
    return files;
}

/**
 * An address of /proc/net/tcp{,6}: hex, in 32-bit words of the host's byte order (little-endian on x86 and arm64).
 * `0100007F` → `127.0.0.1`; IPv6 as eight uncompressed groups.
 */
function decodeProcAddress(hex: string): string {
    const bytes = Buffer.from(hex, "hex");
    for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
    if (bytes.length === 4) return [...bytes].join(".");
    const groups: string[] = [];
    for (let i = 0; i < bytes.length; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
    return groups.join(":");
}

/** The TCP sockets in LISTEN state (`st` 0A) of this network namespace, IPv4 and IPv6, with their inodes. */
function tcpListeners(): Array<{ family: "tcp" | "tcp6"; address: string; port: number; inode: string }> {
    const listeners: Array<{ family: "tcp" | "tcp6"; address: string; port: number; inode: string }> = [];
    for (const family of ["tcp", "tcp6"] as const) {
        let text: string;
        try {
            text = fs.readFileSync(`/proc/net/${family}`, "utf8");
        } catch {
            continue; // no IPv6 in this kernel
        }
        for (const line of text.split("\n").slice(1)) {
            const fields = line.trim().split(/\s+/);
            if (fields.length < 10 || fields[3] !== "0A") continue;
            const [address, port] = fields[1].split(":");
            listeners.push({ family, address: decodeProcAddress(address), port: parseInt(port, 16), inode: fields[9] });
        }
    }
    return listeners;
}

/** The listening sockets `pid` holds open, as `tcp 127.0.0.1:PORT` / `tcp6 0:0:…:PORT`. */
function listeningSocketsOf(pid: number): string[] {
    const inodes = new Set<string>();
    for (const target of openFiles(pid).values()) {
        const match = /^socket:\[(\d+)\]$/.exec(target);
        if (match) inodes.add(match[1]);
    }
    return tcpListeners()
        .filter((listener) => inodes.has(listener.inode))
        .map((listener) => `${listener.family} ${listener.address}:${listener.port}`)
        .sort();
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * The account an AWS-format access key id encodes, decoded as LocalStack does with PARITY_AWS_ACCESS_KEY_ID
 * (localstack/aws/accounts.py `extract_account_id_from_access_key_id`): characters 5–12 are base32 of
 * `account / 2 + 549755813888` (5 bytes, big-endian), and character 13 is in the alphabet's upper half for an odd account.
 */
function accountOfAccessKeyId(accessKeyId: string): string {
    let value = 0;
    for (const char of accessKeyId.slice(4, 12)) value = value * 32 + BASE32.indexOf(char);
    const account = 2 * (value - 549755813888) + (BASE32.indexOf(accessKeyId[12]) >= 16 ? 1 : 0);
    return String(account).padStart(12, "0");
}

describe(localStackEnvFromLines.name, () => {
    const lines = [
        "# written by scripts/localstack.sh start",
        "LOCALSTACK_DIR=/tmp/localstack-abc",
        "LOCALSTACK_ENDPOINT=http://127.0.0.1:40000",
        "LOCALSTACK_REGION=us-east-1",
        "LOCALSTACK_PORT=40000",
        "LOCALSTACK_PID=1234",
        "",
        "USER1_ID=alice",
        `USER1_ACCOUNT_ID=${ALICE_ACCOUNT}`,
        "USER1_ACCESS_KEY=AKIARTX3GSDSTHHA55EU",
        "USER1_SECRET_KEY=alice=secret",
        `USER1_PRINCIPAL_ARN=arn:aws:iam::${ALICE_ACCOUNT}:root`,
        "USER2_ID=bob",
        `USER2_ACCOUNT_ID=${BOB_ACCOUNT}`,
        "USER2_ACCESS_KEY=AKIAWO645SY5P5AX4QFR",
        "USER2_SECRET_KEY=bob-secret",
        `USER2_PRINCIPAL_ARN=arn:aws:iam::${BOB_ACCOUNT}:root`,
    ];

    it("parses the script's KEY=value lines into a LocalS3Env whose owner id is the account", () => {
        expect(localStackEnvFromLines(lines.join("\n"), "test lines")).toEqual({
            server: "localstack",
            endpoint: "http://127.0.0.1:40000",
            region: "us-east-1",
            dir: "/tmp/localstack-abc",
            users: {
                alice: {
                    accessKeyId: "AKIARTX3GSDSTHHA55EU",
                    // Everything after the first "=".
                    secretAccessKey: "alice=secret",
                    accountId: ALICE_ACCOUNT,
                    ownerId: ALICE_ACCOUNT,
                    principalArn: `arn:aws:iam::${ALICE_ACCOUNT}:root`,
                },
                bob: {
                    accessKeyId: "AKIAWO645SY5P5AX4QFR",
                    secretAccessKey: "bob-secret",
                    accountId: BOB_ACCOUNT,
                    ownerId: BOB_ACCOUNT,
                    principalArn: `arn:aws:iam::${BOB_ACCOUNT}:root`,
                },
            },
        });
    });

    it("names every missing (or empty) key", () => {
        const without = lines
            .filter((line) => !line.startsWith("LOCALSTACK_ENDPOINT="))
            .map((line) => (line.startsWith("USER2_SECRET_KEY=") ? "USER2_SECRET_KEY=" : line));
        expect(() => localStackEnvFromLines(without.join("\n"), "test lines")).toThrow(
            "test lines does not describe a LocalStack server: LOCALSTACK_ENDPOINT, USER2_SECRET_KEY missing",
        );
        expect(() => localStackEnvFromLines("", "an empty file")).toThrow(/^an empty file does not describe a LocalStack server: LOCALSTACK_DIR, /);
    });
});

describe("LocalStack as the jest global setup started it", () => {
    let env: LocalStackEnv;
    let values: Record<string, string>;
    let pid: number;
    let alice: S3Client;
    let bob: S3Client;
    let buckets: BucketTracker;

    beforeAll(() => {
        env = loadLocalStackEnv();
        values = parseEnvLines(fs.readFileSync(process.env[LOCALSTACK_ENV_FILE] as string, "utf8"));
        pid = Number(values.LOCALSTACK_PID);
        alice = s3ClientFor(env, "alice");
        bob = s3ClientFor(env, "bob");
        buckets = bucketTracker(alice);
    });
    afterAll(async () => {
        await buckets?.destroyAll();
    });

    it("answers ListBuckets as alice; bob, another account, does not see her bucket (both get the same canonical owner id)", async () => {
        expect(env.endpoint).toBe(`http://127.0.0.1:${values.LOCALSTACK_PORT}`);
        expect(env.region).toBe("us-east-1");
        const bucket = await buckets.newBucket("lst-list");
        const listed = await alice.send(new ListBucketsCommand({}));
        expect(listed.$metadata.httpStatusCode).toBe(200);
        expect(listed.Buckets?.map((b) => b.Name)).toContain(bucket);
        const bobs = await bob.send(new ListBucketsCommand({}));
        expect(bobs.Buckets?.map((b) => b.Name)).not.toContain(bucket);
        // LocalStack answers one fixed canonical id (64 hex digits) to every account: not the account id that the
        // env calls ownerId, and not a way to tell the accounts apart.
        expect(listed.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
        expect(bobs.Owner?.ID).toBe(listed.Owner?.ID);
    });

    it("listens on 127.0.0.1 only: the server's one listening socket is 127.0.0.1:PORT (from /proc/net/tcp{,6} and its fds)", () => {
        expect(pid).toBeGreaterThan(1);
        expect(fs.readFileSync(`${env.dir}/pid`, "utf8").trim()).toBe(String(pid));
        expect(alive(pid)).toBe(true);
        expect(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")).toContain(path.resolve(__dirname, "../../scripts/localstack/serve.py"));
        expect(listeningSocketsOf(pid)).toEqual([`tcp 127.0.0.1:${values.LOCALSTACK_PORT}`]);
    });

    it("gives AWS-format access key ids (AKIA + 16 base32 characters) that encode the accounts, and the server takes them so", async () => {
        expect(decodeProcAddress("0100007F")).toBe("127.0.0.1");
        // LocalStack's own example: "AKIARZPUZDIKGB2VALC4" => "123456789012".
        expect(accountOfAccessKeyId("AKIARZPUZDIKGB2VALC4")).toBe("123456789012");
        for (const [name, account] of [
            ["alice", ALICE_ACCOUNT],
            ["bob", BOB_ACCOUNT],
        ] as const) {
            const user = env.users[name];
            expect(user.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
            expect(user.accountId).toBe(account);
            expect(user.accessKeyId).not.toContain(account);
            expect(user.secretAccessKey).not.toContain(account);
            expect(accountOfAccessKeyId(user.accessKeyId)).toBe(account);
            expect(user.principalArn).toBe(`arn:aws:iam::${account}:root`);
        }
        expect(env.users.alice.accessKeyId).not.toBe(env.users.bob.accessKeyId);
        // The server reads alice's account from her key id: her bucket is owned by 111122223333, not by bob's account
        // (LocalStack checks ExpectedBucketOwner on the bucket-policy calls; HeadBucket and ListObjectsV2 ignore it).
        const bucket = await buckets.newBucket("lst-owner");
        const policyExpecting = (owner: string) => s3Failure(alice.send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: owner })));
        expect(await policyExpecting(ALICE_ACCOUNT)).toEqual({ name: "NoSuchBucketPolicy", status: 404 });
        expect(await policyExpecting(BOB_ACCOUNT)).toEqual({ name: "AccessDenied", status: 403 });
    });

    // Regression (9f1fdea): cmd_install flocks CACHE/install.lock on fd 9, and the server used to inherit it, so the lock
    // stayed held as long as the server ran and any other `start` with the same cache waited `flock -w 900` (15
    // minutes) and failed: the second server below could not start.
    it("the server does not hold scripts/localstack.sh's install lock (fd 9 of cmd_install) while it runs", () => {
        const locks = [...openFiles(pid)].filter(([, target]) => path.basename(target) === "install.lock");
        expect(locks).toEqual([]);
    });

    it("status prints the env lines and LOCALSTACK_STATUS=running (exit 0); for a directory without a server, stopped (exit 1)", async () => {
        const running = await runServerScript(LOCALSTACK_SCRIPT, ["status", env.dir], 30_000);
        expect(running.code).toBe(0);
        expect(running.stdout).toContain(`LOCALSTACK_ENDPOINT=${env.endpoint}\n`);
        expect(running.stdout.trimEnd().split("\n").pop()).toBe("LOCALSTACK_STATUS=running");

        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "localstack-none-"));
        try {
            const stopped = await runServerScript(LOCALSTACK_SCRIPT, ["status", empty], 30_000);
            expect({ code: stopped.code, stdout: stopped.stdout }).toEqual({ code: 1, stdout: "LOCALSTACK_STATUS=stopped\n" });
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });

    it("stop DIR --purge does not delete a directory without the .localstack marker", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "localstack-not-ours-"));
        try {
            fs.writeFileSync(path.join(dir, "keep.txt"), "mine");
            const result = await runServerScript(LOCALSTACK_SCRIPT, ["stop", dir, "--purge"], 30_000);
            expect(result.code).toBe(0);
            expect(result.stderr).toContain(`not removing ${fs.realpathSync(dir)}: it has no .localstack marker`);
            expect(fs.readFileSync(path.join(dir, "keep.txt"), "utf8")).toBe("mine");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe(`a second server (${startLocalStack.name} in a fresh directory, then ${stopLocalStack.name})`, () => {
        let dir: string;
        let starting: Promise<LocalStackEnv> | undefined;
        let second: LocalStackEnv | undefined;
        let secondPid: number;

        beforeAll(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "localstack-second-"));
            starting = startLocalStack(dir);
            second = await starting;
            secondPid = Number(parseEnvLines(fs.readFileSync(path.join(dir, "env"), "utf8")).LOCALSTACK_PID);
        }, 120_000);
        afterAll(async () => {
            // Also after a failed or timed-out start: wait for the script, then stop whatever it started in DIR.
            await starting?.catch(() => undefined);
            if (fs.existsSync(dir)) await stopLocalStack({ dir }).catch(() => undefined);
            fs.rmSync(dir, { recursive: true, force: true });
        }, 120_000);

        it("starts on another port, in DIR", () => {
            expect(second?.dir).toBe(fs.realpathSync(dir));
            expect(second?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
            expect(second?.endpoint).not.toBe(env.endpoint);
            expect(alive(secondPid)).toBe(true);
            expect(fs.existsSync(path.join(dir, ".localstack"))).toBe(true);
        });

        it("keeps its object store under DIR/s3 (a bucket is a directory there, a large object a file in it), not in /tmp/localstack-s3-storage", async () => {
            const client = s3ClientFor(second as LocalStackEnv, "alice");
            const bucket = uniqueBucketName("lst-store");
            await client.send(new CreateBucketCommand({ Bucket: bucket }));
            try {
                expect(fs.statSync(path.join(dir, "s3", bucket)).isDirectory()).toBe(true);
                // LocalStack keeps an object in memory up to 512 KiB (S3_MAX_FILE_SIZE_BYTES of its ephemeral store),
                // then in an unnamed temporary file (O_TMPFILE) in the bucket's directory: visible as the server's fd.
                const body = Buffer.alloc(600 * 1024, "localstack object store ");
                await client.send(new PutObjectCommand({ Bucket: bucket, Key: "big.bin", Body: body }));
                const stored = [...openFiles(secondPid)].filter(([, target]) => target.startsWith(path.join(fs.realpathSync(dir), "s3", bucket) + "/"));
                expect(stored).toHaveLength(1);
                expect(fs.readFileSync(`/proc/${secondPid}/fd/${stored[0][0]}`).equals(body)).toBe(true);
                // No open file of the server lies in the fixed directory LocalStack would use otherwise.
                expect([...openFiles(secondPid).values()].filter((target) => target.includes("localstack-s3-storage"))).toEqual([]);
                expect(fs.existsSync("/tmp/localstack-s3-storage")).toBe(false);
            } finally {
                await destroyBucket(client, bucket);
            }
        });

        it("logs the loopback guard's one refusal, the DNS lookup of s3.127.0.0.1, and no other", () => {
            const guardLines = fs
                .readFileSync(path.join(dir, "log"), "utf8")
                .split("\n")
                .filter((line) => line.includes("[loopback-guard]"));
            expect(guardLines).toEqual(["[loopback-guard] refused socket.gethostbyname 's3.127.0.0.1'"]);
        });

        it("stops with --purge: the process is gone, DIR is removed, and the setup's server still answers", async () => {
            await stopLocalStack(second as LocalStackEnv);
            second = undefined;
            expect(alive(secondPid)).toBe(false);
            expect(fs.existsSync(dir)).toBe(false);
            expect(alive(pid)).toBe(true);
            expect((await alice.send(new ListBucketsCommand({}))).$metadata.httpStatusCode).toBe(200);
        });
    });
});
