/**
 * A recording, fault-injecting HTTP proxy on loopback in front of a local S3 server, RadosGW or LocalStack (node:http
 * only).
 *
 * It forwards each request unchanged (method, URL, raw headers including the client's `Host`, body bytes), so SigV4
 * signatures still validate at RadosGW, and records what went over the wire: the operation, the bucket, the headers
 * (with credentials redacted) and the status. Rules can replace a response with an S3 error (`SlowDown`,
 * `InternalError`, `OperationAborted`, `NoSuchBucket`, `MalformedPolicy`, `MethodNotAllowed`, any other) or with a
 * reply of any status and body (a 200 without the body S3 would send), reset the connection, or delay it.
 *
 * It stands in for AWS only where neither local server can show AWS's answer, and a test using it says "AWS stand-in"
 * in its title:
 * - faults on demand (throttling, server errors, resets, time-outs) and AWS's exact wording where the provider reads
 *   it (`MalformedPolicy` "Invalid principal in policy", a principal not propagated yet, is retried);
 * - 405 `MethodNotAllowed` to a bucket-policy call by an account other than the bucket owner's ({@link methodNotAllowedTo}):
 *   RadosGW applies the bucket policy instead, LocalStack answers as if the caller owned the bucket.
 * The expected-bucket-owner check is not stood in for: LocalStack makes it for real (403 `AccessDenied` for another
 * account, 400 `InvalidBucketOwnerAWSAccountID` for a value that is not an account id), so put the proxy in front of
 * LocalStack to see it.
 */
import * as http from "http";
import { randomBytes } from "crypto";
import type { AddressInfo } from "net";
import type { Socket } from "net";
import { seededRandom } from "./seededRandom";

/** The S3 errors a rule can answer with by name, with AWS's status and message for each. */
export const S3_FAULTS = {
    SlowDown: { status: 503, message: "Please reduce your request rate." },
    InternalError: { status: 500, message: "We encountered an internal error. Please try again." },
    OperationAborted: { status: 409, message: "A conflicting conditional operation is currently in progress against this resource. Please try again." },
    NoSuchBucket: { status: 404, message: "The specified bucket does not exist" },
    MalformedPolicy: { status: 400, message: "Policy has invalid action" },
    MethodNotAllowed: { status: 405, message: "The specified method is not allowed against this resource." },
} as const;

/** A named S3 error from {@link S3_FAULTS}. */
export type S3FaultCode = keyof typeof S3_FAULTS;

/**
 * What a rule does to a matching request:
 * - an {@link S3FaultCode}: answer that S3 error (XML envelope, the code's status) without forwarding;
 * - `"reset"`: destroy the client's socket without answering (the SDK sees a network error, no HTTP status);
 * - `{ delayMs }`: wait, then forward as usual;
 * - `{ status, code, message? }`: answer any other S3 error;
 * - `{ reply: { status, body? } }`: answer that status with that body (default none) without forwarding, e.g. a 200 to
 *   GetBucketPolicy without the policy document, which no S3 server sends but a broken proxy or server could.
 */
export type Fault =
    S3FaultCode | "reset" | { delayMs: number } | { status: number; code: string; message?: string } | { reply: { status: number; body?: string } };

/** Which requests a rule applies to; an unset field matches anything. */
export interface RequestMatcher {
    /** e.g. `"PutBucketPolicy"`, or several. See {@link s3Operation} for the names. */
    operation?: string | string[];
    bucket?: string;
    /** HTTP method, case-insensitive. */
    method?: string;
    /** The caller's access key id (from the SigV4 `Authorization` header or a presigned URL's credential). */
    accessKeyId?: string;
}

/**
 * A fault rule. Rules are tried in order; the first that matches and fires decides. Without `times` and
 * `probability` it fires on every matching request.
 */
export interface FaultRule extends RequestMatcher {
    fault: Fault;
    /** Overrides the error's `<Message>` (e.g. `"Invalid principal in policy"` for `MalformedPolicy`). */
    message?: string;
    /** Fire on the first N matching requests only. */
    times?: number;
    /** Fire on each matching request with this probability (0–1), drawn from the proxy's seeded generator. */
    probability?: number;
}

/** One request as it went over the wire. */
export interface RecordedRequest {
    method: string;
    /** The URL path as sent (percent-encoded), without the query. */
    path: string;
    /** The query, parsed; presigned-URL credentials and signatures are redacted. */
    query: Record<string, string>;
    /** The S3 operation, from the `x-id` query parameter when the SDK sent one, else from the method, path and query. */
    operation: string;
    /** The bucket (path-style), when there is one. */
    bucket?: string;
    /** The object key, when there is one. */
    key?: string;
    /** Header names lowercased; `authorization` and `x-amz-security-token` values replaced by `REDACTED`. */
    headers: Record<string, string>;
    /** The request body as UTF-8, for the bucket-policy operations only (the policy text as put on the wire). */
    body?: string;
    /** The HTTP status the client got; 0 while pending or when the connection was reset. */
    status: number;
    /** The `<Code>` of an error response, forwarded or injected. */
    errorCode?: string;
    /** What the proxy did instead of forwarding as is: a fault code, `"reset"`, `"delay"` or `"reply <status>"`. */
    injected?: string;
}

/** Options of {@link startS3Proxy}. */
export interface S3ProxyOptions {
    /** The S3 endpoint to forward to, e.g. the local RadosGW's or LocalStack's `http://127.0.0.1:PORT`. */
    target: string;
    rules?: FaultRule[];
    /** Seed of the generator behind `probability` rules (default 1): the same seed gives the same faults. */
    seed?: number;
}

/** A running proxy. */
export interface S3Proxy {
    /** `http://127.0.0.1:PORT`: give it to the client as its endpoint (with `forcePathStyle: true`). */
    endpoint: string;
    /** Every request so far, in arrival order; the same array across {@link S3Proxy.reset}. */
    requests: RecordedRequest[];
    /** Forgets the recorded requests (rules stay). */
    reset(): void;
    /** Replaces the rules, restarting their `times` counts and the random generator (with `seed`, if given). */
    setRules(rules: FaultRule[], seed?: number): void;
    /** Stops listening and closes every connection. */
    close(): Promise<void>;
}

const REDACTED = "REDACTED";
const SECRET_HEADERS = new Set(["authorization", "x-amz-security-token"]);
const SECRET_QUERY = new Set(["x-amz-signature", "x-amz-credential", "x-amz-security-token"]);
/** The operations AWS answers with 405 when the caller's account does not own the bucket. */
export const BUCKET_POLICY_OPERATIONS = ["GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"] as const;
const IS_BUCKET_POLICY_OPERATION = new Set<string>(BUCKET_POLICY_OPERATIONS);
const MAX_ERROR_BODY_BYTES = 16 * 1024;

/** Bucket-level subresources and the operation each names, per method. */
const BUCKET_SUBRESOURCES: Record<string, Record<string, string>> = {
    policy: { GET: "GetBucketPolicy", PUT: "PutBucketPolicy", DELETE: "DeleteBucketPolicy" },
    policyStatus: { GET: "GetBucketPolicyStatus" },
    acl: { GET: "GetBucketAcl", PUT: "PutBucketAcl" },
    versioning: { GET: "GetBucketVersioning", PUT: "PutBucketVersioning" },
    tagging: { GET: "GetBucketTagging", PUT: "PutBucketTagging", DELETE: "DeleteBucketTagging" },
    location: { GET: "GetBucketLocation" },
    ownershipControls: { GET: "GetBucketOwnershipControls", PUT: "PutBucketOwnershipControls", DELETE: "DeleteBucketOwnershipControls" },
    publicAccessBlock: { GET: "GetPublicAccessBlock", PUT: "PutPublicAccessBlock", DELETE: "DeletePublicAccessBlock" },
    cors: { GET: "GetBucketCors", PUT: "PutBucketCors", DELETE: "DeleteBucketCors" },
    lifecycle: { GET: "GetBucketLifecycleConfiguration", PUT: "PutBucketLifecycleConfiguration", DELETE: "DeleteBucketLifecycle" },
    encryption: { GET: "GetBucketEncryption", PUT: "PutBucketEncryption", DELETE: "DeleteBucketEncryption" },
    object_lock: { GET: "GetObjectLockConfiguration", PUT: "PutObjectLockConfiguration" },
    delete: { POST: "DeleteObjects" },
    versions: { GET: "ListObjectVersions" },
    uploads: { GET: "ListMultipartUploads" },
};

/**
 * The S3 operation of a path-style request, e.g. `GET /b?policy` → `GetBucketPolicy`, `PUT /b` → `CreateBucket`,
 * `PUT /b/k` with `x-amz-copy-source` → `CopyObject`. The SDK's `x-id` query parameter wins when present.
 */
export function s3Operation(
    method: string,
    bucket: string | undefined,
    key: string | undefined,
    query: Record<string, string>,
    headers: Record<string, string>,
): string {
    if (query["x-id"]) return query["x-id"];
    const m = method.toUpperCase();
    if (!bucket) return m === "GET" ? "ListBuckets" : `${m} /`;
    if (key === undefined) {
        for (const [sub, byMethod] of Object.entries(BUCKET_SUBRESOURCES)) if (sub in query && byMethod[m]) return byMethod[m];
        if (m === "GET") return query["list-type"] === "2" ? "ListObjectsV2" : "ListObjects";
        return { PUT: "CreateBucket", DELETE: "DeleteBucket", HEAD: "HeadBucket" }[m] ?? `${m} bucket`;
    }
    const has = (sub: string) => sub in query;
    switch (m) {
        case "GET":
            return has("acl") ? "GetObjectAcl" : has("tagging") ? "GetObjectTagging" : has("uploadId") ? "ListParts" : "GetObject";
        case "HEAD":
            return "HeadObject";
        case "PUT":
            if (has("partNumber") && has("uploadId")) return headers["x-amz-copy-source"] ? "UploadPartCopy" : "UploadPart";
            return has("acl") ? "PutObjectAcl" : has("tagging") ? "PutObjectTagging" : headers["x-amz-copy-source"] ? "CopyObject" : "PutObject";
        case "DELETE":
            return has("uploadId") ? "AbortMultipartUpload" : has("tagging") ? "DeleteObjectTagging" : "DeleteObject";
        case "POST":
            return has("uploads") ? "CreateMultipartUpload" : has("uploadId") ? "CompleteMultipartUpload" : "PostObject";
        default:
            return `${m} object`;
    }
}

/** The access key id in a SigV4 `Authorization` header (`Credential=AKID/date/region/s3/aws4_request`) or presigned query. */
export function accessKeyIdOf(headers: http.IncomingHttpHeaders, query: URLSearchParams): string | undefined {
    const authorization = headers.authorization ?? "";
    const fromHeader = /Credential=([^/,\s]+)\//.exec(authorization);
    if (fromHeader) return fromHeader[1];
    const credential = query.get("X-Amz-Credential");
    return credential ? credential.split("/")[0] : undefined;
}

function escapeXml(text: string): string {
    return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c] as string);
}

/** S3's error envelope, which `@aws-sdk/client-s3` turns into `err.name === code` with `$metadata.httpStatusCode`. */
export function s3ErrorXml(code: string, message: string, requestId: string, extra: Record<string, string> = {}): string {
    const fields = Object.entries(extra)
        .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
        .join("");
    return (
        `<?xml version="1.0" encoding="UTF-8"?>\n` +
        `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${fields}` +
        `<RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString("base64")}</HostId></Error>`
    );
}

function matches(rule: RequestMatcher, request: RecordedRequest, accessKeyId: string | undefined): boolean {
    if (rule.accessKeyId !== undefined && rule.accessKeyId !== accessKeyId) return false;
    if (rule.operation !== undefined && !(Array.isArray(rule.operation) ? rule.operation : [rule.operation]).includes(request.operation)) return false;
    if (rule.bucket !== undefined && rule.bucket !== request.bucket) return false;
    if (rule.method !== undefined && rule.method.toUpperCase() !== request.method) return false;
    return true;
}

function splitPath(pathname: string): { bucket?: string; key?: string } {
    const trimmed = pathname.replace(/^\/+/, "");
    if (!trimmed) return {};
    const slash = trimmed.indexOf("/");
    const decode = (s: string) => {
        try {
            return decodeURIComponent(s);
        } catch {
            return s;
        }
    };
    if (slash < 0) return { bucket: decode(trimmed) };
    const key = trimmed.slice(slash + 1);
    return key ? { bucket: decode(trimmed.slice(0, slash)), key: decode(key) } : { bucket: decode(trimmed.slice(0, slash)) };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

/** The extra fields AWS puts in some errors' envelope: `BucketName` of `NoSuchBucket`, `Method` and `ResourceType` of 405. */
function errorFields(code: string, record: RecordedRequest): Record<string, string> {
    if (code === "NoSuchBucket" && record.bucket) return { BucketName: record.bucket };
    if (code === "MethodNotAllowed")
        return { Method: record.method, ...(IS_BUCKET_POLICY_OPERATION.has(record.operation) ? { ResourceType: "BUCKETPOLICY" } : {}) };
    return {};
}

/**
 * AWS stand-in, as a rule: 405 `MethodNotAllowed` to every Get/Put/DeleteBucketPolicy signed with `accessKeyId` (of
 * `bucket`, or of any bucket), as AWS answers a caller whose account does not own the bucket, even when the policy
 * grants it (PutBucketPolicy reference: "If you have the correct permissions, but you're not using an identity that
 * belongs to the bucket owner's account, Amazon S3 returns a 405 Method Not Allowed error."). Neither local server
 * answers 405, so the proxy keeps no owners: the test says whose key is "another account".
 */
export function methodNotAllowedTo(accessKeyId: string, bucket?: string): FaultRule {
    return { operation: [...BUCKET_POLICY_OPERATIONS], accessKeyId, ...(bucket === undefined ? {} : { bucket }), fault: "MethodNotAllowed" };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts the proxy on an ephemeral port of 127.0.0.1.
 * @throws Error when `target` is not an http URL.
 */
export async function startS3Proxy(options: S3ProxyOptions): Promise<S3Proxy> {
    const target = new URL(options.target);
    if (target.protocol !== "http:") throw new Error(`startS3Proxy: target must be an http:// URL, got ${options.target}`);
    const agent = new http.Agent({ keepAlive: true });
    const requests: RecordedRequest[] = [];
    let rules: Array<{ rule: FaultRule; fired: number }> = [];
    let random = seededRandom(options.seed ?? 1);
    const setRules = (next: FaultRule[], seed?: number) => {
        rules = next.map((rule) => ({ rule, fired: 0 }));
        random = seededRandom(seed ?? options.seed ?? 1);
    };
    setRules(options.rules ?? []);

    /** The first rule that matches and fires, counting it. */
    const pickFault = (request: RecordedRequest, accessKeyId: string | undefined): FaultRule | undefined => {
        for (const entry of rules) {
            const { rule } = entry;
            if (!matches(rule, request, accessKeyId)) continue;
            if (rule.times !== undefined && entry.fired >= rule.times) continue;
            if (rule.probability !== undefined && !(random() < rule.probability)) continue;
            entry.fired++;
            return rule;
        }
        return undefined;
    };

    const sendError = (
        req: http.IncomingMessage,
        res: http.ServerResponse,
        record: RecordedRequest,
        status: number,
        code: string,
        message: string,
        extra: Record<string, string> = {},
    ) => {
        const requestId = randomBytes(8).toString("hex").toUpperCase();
        const body = req.method === "HEAD" ? "" : s3ErrorXml(code, message, requestId, extra);
        record.status = status;
        record.errorCode = code;
        res.writeHead(status, {
            "content-type": "application/xml",
            "content-length": Buffer.byteLength(body),
            "x-amz-request-id": requestId,
            "x-amz-id-2": randomBytes(24).toString("base64"),
        });
        res.end(body);
    };

    const forward = (req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest, body: Buffer) => {
        const upstream = http.request(
            {
                protocol: target.protocol,
                hostname: target.hostname,
                port: target.port || 80,
                method: req.method,
                path: req.url,
                // The raw headers as sent, Host included: RadosGW checks the SigV4 signature against them.
                headers: req.rawHeaders,
                agent,
            },
            (response) => {
                record.status = response.statusCode ?? 0;
                const errorChunks: Buffer[] = [];
                let errorBytes = 0;
                if (record.status >= 400) {
                    response.on("data", (chunk: Buffer) => {
                        if (errorBytes < MAX_ERROR_BODY_BYTES) errorChunks.push(chunk);
                        errorBytes += chunk.length;
                    });
                    response.on("end", () => {
                        const code = /<Code>([^<]*)<\/Code>/.exec(Buffer.concat(errorChunks).toString("utf8"));
                        if (code) record.errorCode = code[1];
                    });
                }
                res.writeHead(record.status, response.statusMessage, response.rawHeaders);
                response.pipe(res);
            },
        );
        upstream.on("error", (error) => {
            if (res.headersSent) {
                res.destroy();
                return;
            }
            sendError(req, res, record, 502, "BadGateway", `s3proxy could not reach ${options.target}: ${error.message}`);
        });
        upstream.end(body);
    };

    const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
        const url = new URL(req.url ?? "/", "http://proxy.invalid");
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
            if (value === undefined) continue;
            headers[name] = SECRET_HEADERS.has(name) ? REDACTED : Array.isArray(value) ? value.join(", ") : value;
        }
        const query: Record<string, string> = {};
        for (const [name, value] of url.searchParams) query[name] = SECRET_QUERY.has(name.toLowerCase()) ? REDACTED : value;
        const { bucket, key } = splitPath(url.pathname);
        const method = (req.method ?? "GET").toUpperCase();
        const record: RecordedRequest = { method, path: url.pathname, query, operation: s3Operation(method, bucket, key, query, headers), headers, status: 0 };
        if (bucket !== undefined) record.bucket = bucket;
        if (key !== undefined) record.key = key;
        requests.push(record);
        // Taken before anything is stored: the recorded headers never hold the credential.
        const accessKeyId = accessKeyIdOf(req.headers, url.searchParams);

        const body = await readBody(req);
        if (IS_BUCKET_POLICY_OPERATION.has(record.operation) && body.length > 0) record.body = body.toString("utf8");

        const rule = pickFault(record, accessKeyId);
        if (rule) {
            const { fault } = rule;
            if (fault === "reset") {
                record.injected = "reset";
                req.socket.destroy();
                return;
            }
            if (typeof fault === "object" && "reply" in fault) {
                const { status, body = "" } = fault.reply;
                const requestId = randomBytes(8).toString("hex").toUpperCase();
                record.injected = `reply ${status}`;
                record.status = status;
                res.writeHead(status, { "content-length": Buffer.byteLength(body), "x-amz-request-id": requestId });
                res.end(req.method === "HEAD" ? undefined : body);
                return;
            }
            if (typeof fault === "object" && "delayMs" in fault) {
                record.injected = "delay";
                await sleep(fault.delayMs);
            } else {
                const { status, code, message } =
                    typeof fault === "string"
                        ? { status: S3_FAULTS[fault].status, code: fault, message: S3_FAULTS[fault].message }
                        : { message: undefined, ...fault };
                record.injected = code;
                sendError(req, res, record, status, code, rule.message ?? message ?? "", errorFields(code, record));
                return;
            }
        }
        forward(req, res, record, body);
    };

    const server = http.createServer((req, res) => {
        handle(req, res).catch((error: Error) => {
            if (!res.headersSent) {
                res.writeHead(500, { "content-type": "text/plain" });
                res.end(`s3proxy: ${error.message}`);
            } else {
                res.destroy();
            }
        });
    });
    const { port, sockets } = await listenOnLoopback(server);

    return {
        endpoint: `http://127.0.0.1:${port}`,
        requests,
        reset: () => {
            requests.length = 0;
        },
        setRules,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                for (const socket of sockets) socket.destroy();
                agent.destroy();
            }),
    };
}

/**
 * Starts `server` on a free loopback port and keeps its open sockets, so that a close can end keep-alive connections
 * at once (shared by this proxy and the holding proxy of tests/support/killPoints.ts).
 */
export async function listenOnLoopback(server: http.Server): Promise<{ port: number; sockets: Set<Socket> }> {
    const sockets = new Set<Socket>();
    server.on("connection", (socket: Socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    return { port: (server.address() as AddressInfo).port, sockets };
}
