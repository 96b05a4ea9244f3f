/**
 * checksumAlgorithm as the SDK sends it on the wire, a header and checksum for each algorithm.
 *
 * The provider passes `checksumAlgorithm` to `PutBucketPolicy` (`provider/s3.ts`, `ChecksumAlgorithm`); here the
 * provider's own call (`provider/calls.ts` `putBucketPolicy`, over `createS3Client`, credentials from the environment) goes
 * through the recording proxy, and the recorded request is checked: `x-amz-sdk-checksum-algorithm` names the algorithm,
 * exactly one `x-amz-checksum-<alg>` header is sent, and its value is the checksum of the recorded body, computed here
 * independently of the SDK (zlib's CRC32, node:crypto's SHA-1/SHA-256, and bitwise reference CRC32C and CRC64-NVME
 * checked against their published check values).
 *
 * With @aws-sdk/client-s3 3.1175 every algorithm of `CHECKSUM_ALGORITHMS` is sent as a header, CRC64NVME included: the
 * SDK's own `@aws-sdk/checksums` computes it in JavaScript (no `@aws-sdk/crc64-nvme-crt` needed). Unset, the SDK
 * still sends CRC32: PutBucketPolicy is modelled `requestChecksumRequired`, and `WHEN_SUPPORTED` is the default.
 *
 * What the servers do with a wrong checksum (AWS: 400 `BadDigest`): neither LocalStack nor RadosGW verifies it on
 * PutBucketPolicy; LocalStack does verify the same wrong header on PutObject, which shows the tampering is effective.
 */
import * as crypto from "crypto";
import * as zlib from "zlib";
import { PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CallContext, putBucketPolicy } from "../../provider/calls";
import { CHECKSUM_ALGORITHMS, ChecksumAlgorithm } from "../../provider/inputs";
import { createS3Client } from "../../provider/s3";
import { BucketTracker, LocalS3Env, bobReads, bucketTracker, livePolicy, loadLocalS3Env, s3ClientFor } from "../support/localS3";
import { loadLocalStackEnv } from "../support/localStack";
import { RecordedRequest, S3Proxy, startS3Proxy } from "../support/s3proxy";
import { replaceHeaderBeforeSigning } from "../support/tamper";

// ------------------------------------------------------------------------------------------- reference checksums

/** CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, init and xorout 0xFFFFFFFF; bit by bit, no table. */
function crc32c(data: Uint8Array): number {
    let crc = 0xffffffff;
    for (const byte of data) {
        crc ^= byte;
        for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
}

const MASK_64 = (1n << 64n) - 1n;

/** CRC-64/NVME: reflected polynomial 0x9A6C9329AC4BC9B5, init and xorout all ones; bit by bit, no table. */
function crc64nvme(data: Uint8Array): bigint {
    let crc = MASK_64;
    for (const byte of data) {
        crc ^= BigInt(byte);
        for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ 0x9a6c9329ac4bc9b5n : crc >> 1n;
    }
    return crc ^ MASK_64;
}

const base64BigEndian32 = (value: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value >>> 0);
    return bytes.toString("base64");
};
const base64BigEndian64 = (value: bigint) => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64BE(value);
    return bytes.toString("base64");
};

/** The value of `x-amz-checksum-<alg>` for `body`, as S3 defines it: base64 of the big-endian digest. */
const expectedChecksum: Record<ChecksumAlgorithm, (body: Buffer) => string> = {
    CRC32: (body) => base64BigEndian32(zlib.crc32(body)),
    CRC32C: (body) => base64BigEndian32(crc32c(body)),
    CRC64NVME: (body) => base64BigEndian64(crc64nvme(body)),
    SHA1: (body) => crypto.createHash("sha1").update(body).digest("base64"),
    SHA256: (body) => crypto.createHash("sha256").update(body).digest("base64"),
};

describe("reference checksums (published check values of the nine bytes '123456789')", () => {
    const check = Buffer.from("123456789", "ascii");

    it("CRC32C: 0xE3069283", () => {
        expect(crc32c(check)).toBe(0xe3069283);
        expect(crc32c(Buffer.alloc(0))).toBe(0);
    });

    it("CRC64-NVME: 0xAE8B14860A799888", () => {
        expect(crc64nvme(check)).toBe(0xae8b14860a799888n);
        expect(crc64nvme(Buffer.alloc(0))).toBe(0n);
    });

    it("CRC32 (zlib.crc32): 0xCBF43926", () => {
        expect(zlib.crc32(check)).toBe(0xcbf43926);
    });

    it("encodes the digest big-endian in base64", () => {
        expect(expectedChecksum.CRC32(check)).toBe(Buffer.from("cbf43926", "hex").toString("base64"));
        expect(expectedChecksum.CRC32C(check)).toBe(Buffer.from("e3069283", "hex").toString("base64"));
        expect(expectedChecksum.CRC64NVME(check)).toBe(Buffer.from("ae8b14860a799888", "hex").toString("base64"));
        expect(expectedChecksum.SHA256(check)).toBe(Buffer.from("15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225", "hex").toString("base64"));
    });
});

// ------------------------------------------------------------------------------------------------- on the wire

/** The `x-amz-checksum-*` headers of a recorded request, name → value. */
const checksumHeaders = (request: RecordedRequest) =>
    Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.startsWith("x-amz-checksum-")));

/** Resolves to the SDK error a call throws, or to `undefined` when it succeeds. */
async function outcome(call: Promise<unknown>): Promise<{ name: string; status?: number; message: string } | undefined> {
    return call.then(
        () => undefined,
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }),
    );
}

const SERVERS = [
    { name: "LocalStack", load: (): LocalS3Env => loadLocalStackEnv() },
    { name: "RadosGW", load: (): LocalS3Env => loadLocalS3Env() },
] as const;

describe.each(SERVERS)("checksumAlgorithm on the wire, the provider's putBucketPolicy through a recording proxy in front of $name", ({ name, load }) => {
    let env: LocalS3Env;
    let proxy: S3Proxy;
    let alice: S3Client;
    let buckets: BucketTracker;
    let bucket: string;
    const saved = { AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY };

    /** A call context as the provider builds it: its own client (credentials from the environment). */
    const context = (): CallContext => ({ client: createS3Client({ endpoint: proxy.endpoint, region: env.region }), bucket, retryTimeoutMs: 5_000 });
    /**
     * A policy that differs per test, with non-ASCII text in a condition: the checksum must be of the UTF-8 bytes
     * (a CRC over UTF-16 code units, or over `length` characters, would not match).
     */
    const policy = (sid: string) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ ...bobReads(env, bucket, { sid }), Condition: { StringLike: { "aws:Referer": "https://example.com/café-€/*" } } }],
        });

    beforeAll(async () => {
        env = load();
        alice = s3ClientFor(env, "alice");
        buckets = bucketTracker(alice);
        bucket = await buckets.newBucket(`checksums-${name}`);
        proxy = await startS3Proxy({ target: env.endpoint });
    });
    beforeEach(() => {
        // Per test: the two servers' describe blocks need different credentials, and the provider reads them per client.
        process.env.AWS_ACCESS_KEY_ID = env.users.alice.accessKeyId;
        process.env.AWS_SECRET_ACCESS_KEY = env.users.alice.secretAccessKey;
        proxy.reset();
    });
    afterAll(async () => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
        await proxy?.close();
        await buckets?.destroyAll();
    });

    it.each([
        ...CHECKSUM_ALGORITHMS.map((algorithm) => ({ label: algorithm, algorithm, sent: algorithm })),
        { label: "unset", algorithm: undefined, sent: "CRC32" as const },
    ])(
        "checksumAlgorithm $label: x-amz-sdk-checksum-algorithm $sent and one x-amz-checksum header, the body's checksum; stored",
        async ({ algorithm, sent }) => {
            const text = policy(`Sum${algorithm ?? "Unset"}`);
            await putBucketPolicy(context(), { policy: text, ...(algorithm ? { checksumAlgorithm: algorithm } : {}) });

            expect(proxy.requests.map((r) => `${r.operation} ${r.status}`)).toEqual(["PutBucketPolicy 204"]);
            const [put] = proxy.requests;
            // The body on the wire is the policy text, as UTF-8.
            expect(put.body).toBe(text);
            const body = Buffer.from(put.body ?? "", "utf8");
            expect(put.headers["content-length"]).toBe(String(body.length));
            expect(body.length).toBeGreaterThan(text.length);

            expect(put.headers["x-amz-sdk-checksum-algorithm"]).toBe(sent);
            const header = `x-amz-checksum-${sent.toLowerCase()}`;
            expect(Object.keys(checksumHeaders(put))).toEqual([header]);
            expect(put.headers[header]).toBe(expectedChecksum[sent](body));
            // No legacy Content-MD5 beside it, and no aws-chunked trailer: the checksum is a plain header.
            expect(put.headers["content-md5"]).toBeUndefined();
            expect(put.headers["x-amz-trailer"]).toBeUndefined();

            expect(await livePolicy(alice, bucket)).toBe(text);
        },
    );

    it(`${name} does not verify x-amz-checksum-crc32 on PutBucketPolicy: a wrong (signed) value is answered 204 and the policy stored (AWS: 400 BadDigest)`, async () => {
        const before = policy("BeforeWrongSum");
        await putBucketPolicy(context(), { policy: before });
        const text = policy("WrongSum");
        const wrong = expectedChecksum.CRC32(Buffer.from("not the policy"));
        expect(wrong).not.toBe(expectedChecksum.CRC32(Buffer.from(text, "utf8")));

        const client = s3ClientFor(env, "alice", { endpoint: proxy.endpoint });
        const tampered = replaceHeaderBeforeSigning(client, "x-amz-checksum-crc32", wrong);
        proxy.reset();
        expect(await outcome(client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text })))).toBeUndefined();

        const [put] = proxy.requests;
        expect(put).toMatchObject({ operation: "PutBucketPolicy", status: 204, body: text });
        expect(checksumHeaders(put)).toEqual({ "x-amz-checksum-crc32": wrong });
        expect(put.headers["x-amz-sdk-checksum-algorithm"]).toBe("CRC32");
        // Replaced before signing: the wrong value is what the signature covers (RadosGW checks signatures).
        expect(tampered.signedHeaders()).toContain("x-amz-checksum-crc32");
        expect(await livePolicy(alice, bucket)).toBe(text);
    });

    const verifiesPutObject = name === "LocalStack";
    it(`${name} ${verifiesPutObject ? "does verify the same wrong x-amz-checksum-crc32 on PutObject: 400 BadDigest" : "does not verify it on PutObject either: 200"}`, async () => {
        const client = s3ClientFor(env, "alice", { endpoint: proxy.endpoint });
        replaceHeaderBeforeSigning(client, "x-amz-checksum-crc32", expectedChecksum.CRC32(Buffer.from("not the object")));
        const result = await outcome(
            client.send(new PutObjectCommand({ Bucket: bucket, Key: "wrong-checksum.txt", Body: "the object", ChecksumAlgorithm: "CRC32" })),
        );
        if (verifiesPutObject) {
            expect(result).toEqual({ name: "BadDigest", status: 400, message: "The CRC32 you specified did not match the calculated checksum." });
        } else {
            expect(result).toBeUndefined();
        }
        expect(proxy.requests.map((r) => `${r.operation} ${r.status}`)).toEqual([`PutObject ${verifiesPutObject ? 400 : 200}`]);
    });
});
