/**
 * The S3 calls as the provider makes them (`provider/calls.ts` over `provider/s3.ts`'s client), against RadosGW behind
 * the fault proxy, without the host: the request time-out really ends a request that gets no answer (since
 * @smithy/node-http-handler 4.x `requestTimeout` alone only logs a warning, and the call would wait without bound), the time-out is read from the
 * environment at call time, and RadosGW's own errors are classified as the provider expects.
 */
import { GetBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { CallContext, findBucketPolicy, putBucketPolicy, deleteBucketPolicy } from "../../provider/calls";
import { REQUEST_TIMEOUT_ENV, REQUEST_TIMEOUT_MS, createS3Client, requestTimeoutMs } from "../../provider/s3";
import { ENDPOINT_ENV_VARS } from "../../provider/endpoint";
import {
    BucketTracker,
    LocalS3Env,
    bobReads,
    bucketTracker,
    createTestBucket,
    destroyBucket,
    loadLocalS3Env,
    s3ClientFor,
    uniqueBucketName,
} from "../support/localS3";
import { LocalStackEnv, loadLocalStackEnv } from "../support/localStack";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";

describe("the provider's S3 calls against RadosGW", () => {
    let env: LocalS3Env;
    let proxy: S3Proxy;
    let alice: S3Client;
    let bucket: string;
    const saved = { ...process.env };

    /** A call context as the provider builds it: its own client (credentials from the environment), no fake clock. */
    const context = (extra: Partial<CallContext> = {}): CallContext => ({
        client: createS3Client({ endpoint: proxy.endpoint, region: env.region }),
        bucket,
        retryTimeoutMs: 5_000,
        ...extra,
    });
    const policy = () => JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(env, bucket)] });

    beforeAll(async () => {
        env = loadLocalS3Env();
        alice = s3ClientFor(env, "alice");
        bucket = await createTestBucket(alice, "calls");
        proxy = await startS3Proxy({ target: env.endpoint });
        process.env.AWS_ACCESS_KEY_ID = env.users.alice.accessKeyId;
        process.env.AWS_SECRET_ACCESS_KEY = env.users.alice.secretAccessKey;
    });
    afterAll(async () => {
        for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", REQUEST_TIMEOUT_ENV, ...ENDPOINT_ENV_VARS]) {
            if (saved[key] === undefined) delete process.env[key];
            else process.env[key] = saved[key];
        }
        await proxy?.close();
        if (bucket) await destroyBucket(alice, bucket);
    });
    afterEach(async () => {
        // A delayed request is still forwarded after the client gave up on it: let it finish, so nothing outlives the test.
        for (let waited = 0; waited < 5_000 && proxy.requests.some((r) => r.status === 0); waited += 100)
            await new Promise((resolve) => setTimeout(resolve, 100));
    });
    beforeEach(() => {
        proxy.setRules([]);
        proxy.reset();
        delete process.env[REQUEST_TIMEOUT_ENV];
    });

    describe(requestTimeoutMs.name, () => {
        it.each([
            [undefined, REQUEST_TIMEOUT_MS],
            ["1500", 1500],
            ["0", REQUEST_TIMEOUT_MS],
            ["-5", REQUEST_TIMEOUT_MS],
            ["soon", REQUEST_TIMEOUT_MS],
            ["2.5", REQUEST_TIMEOUT_MS],
        ])("%j → %d ms", (value, expected) => {
            expect(requestTimeoutMs(value === undefined ? {} : { [REQUEST_TIMEOUT_ENV]: value })).toBe(expected);
        });
    });

    it("ends a request that gets no answer at the request time-out, read from the environment when the client is made", async () => {
        process.env[REQUEST_TIMEOUT_ENV] = "400";
        proxy.setRules([{ bucket, operation: "GetBucketPolicy", fault: { delayMs: 2_000 } }]);
        const client = createS3Client({ endpoint: proxy.endpoint, region: env.region });
        const started = Date.now();
        const error = (await client.send(new GetBucketPolicyCommand({ Bucket: bucket })).catch((e: unknown) => e)) as { name: string; code?: string };
        const elapsed = Date.now() - started;
        expect(error).toMatchObject({ name: "TimeoutError", code: "ETIMEDOUT" });
        expect(elapsed).toBeGreaterThanOrEqual(400);
        expect(elapsed).toBeLessThan(2_000);
    });

    it("retries the time-out, then succeeds", async () => {
        process.env[REQUEST_TIMEOUT_ENV] = "400";
        proxy.setRules([{ bucket, operation: "GetBucketPolicy", fault: { delayMs: 1_500 }, times: 1 }]);
        expect(await findBucketPolicy(context())).toBeUndefined();
        expect(proxy.requests.filter((r) => r.operation === "GetBucketPolicy").map((r) => r.injected ?? r.errorCode)).toEqual(["delay", "NoSuchBucketPolicy"]);
    });

    it("puts, reads back and removes a policy, one call each when nothing fails", async () => {
        await putBucketPolicy(context(), { policy: policy() });
        expect(await findBucketPolicy(context())).toBe(policy());
        await deleteBucketPolicy(context());
        expect(await findBucketPolicy(context())).toBeUndefined();
        expect(proxy.requests.map((r) => r.operation)).toEqual(["PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy", "GetBucketPolicy"]);
    });

    it("without the endpoint input, calls the endpoint AWS_ENDPOINT_URL_S3 names, path-style as for the input", async () => {
        // A host name, not an IP: with an IP the SDK goes path-style by itself; with a name it would put the bucket in the
        // host (mybucket.localhost), which no S3-compatible server here answers.
        const named = proxy.endpoint.replace("127.0.0.1", "localhost");
        process.env.AWS_ENDPOINT_URL_S3 = named;
        try {
            const client = createS3Client({ region: env.region });
            await putBucketPolicy(context({ client }), { policy: policy() });
            expect(await findBucketPolicy(context({ client }))).toBe(policy());
            await deleteBucketPolicy(context({ client }));
        } finally {
            delete process.env.AWS_ENDPOINT_URL_S3;
        }
        const host = new URL(named).host;
        expect(proxy.requests.map((r) => `${r.operation} ${r.path} ${r.headers.host}`)).toEqual([
            `PutBucketPolicy /${bucket}/ ${host}`,
            `GetBucketPolicy /${bucket}/ ${host}`,
            `DeleteBucketPolicy /${bucket}/ ${host}`,
        ]);
    });

    it("retries RadosGW's real 403 RequestTimeTooSkewed once the SDK corrected its clock from the answer's Date (regression)", async () => {
        const client = createS3Client({ endpoint: proxy.endpoint, region: env.region });
        // This client's clock runs an hour slow: RadosGW refuses the first signature, as AWS does beyond 15 minutes.
        (client.config as { systemClockOffset: number }).systemClockOffset = -60 * 60_000;
        await putBucketPolicy(context({ client }), { policy: policy() });
        expect(proxy.requests.map((r) => `${r.operation} ${r.status} ${r.errorCode ?? "-"}`)).toEqual([
            "PutBucketPolicy 403 RequestTimeTooSkewed",
            "PutBucketPolicy 204 -",
        ]);
        expect(await findBucketPolicy(context())).toBe(policy());
    });

    it("takes RadosGW's NoSuchBucket on a read or a delete as 'no policy', at once", async () => {
        const missing = context({ bucket: uniqueBucketName("calls-missing") });
        expect(await findBucketPolicy(missing)).toBeUndefined();
        await expect(deleteBucketPolicy(missing)).resolves.toBeUndefined();
        expect(proxy.requests.map((r) => `${r.operation} ${r.errorCode}`)).toEqual(["GetBucketPolicy NoSuchBucket", "DeleteBucketPolicy NoSuchBucket"]);
    });

    it("does not retry RadosGW's 400 InvalidArgument for a policy it rejects", async () => {
        const rejected = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:FooBar", Resource: `arn:aws:s3:::${bucket}/*` }],
        });
        const error = (await putBucketPolicy(context(), { policy: rejected }).catch((e: unknown) => e)) as Error & { code: string; httpStatus: number };
        expect(error).toMatchObject({ name: "BucketPolicyError", code: "InvalidArgument", httpStatus: 400 });
        expect(proxy.requests.map((r) => r.operation)).toEqual(["PutBucketPolicy"]);
    });

    it("(proxy: a 200 without a body to GetBucketPolicy, over a bucket that has a policy) fails once with MissingPolicyDocument, not 'no policy'", async () => {
        await putBucketPolicy(context(), { policy: policy() });
        proxy.setRules([{ bucket, operation: "GetBucketPolicy", fault: { reply: { status: 200 } } }]);
        const error = (await findBucketPolicy(context()).catch((e: unknown) => e)) as Error & { code: string; httpStatus: number; requestId?: string };
        expect(error).toMatchObject({ name: "BucketPolicyError", code: "MissingPolicyDocument", httpStatus: 200, bucket, operation: "GetBucketPolicy" });
        expect(error.message).toMatch(
            new RegExp(`^GetBucketPolicy on bucket "${bucket}" failed: MissingPolicyDocument \\(HTTP 200\\): S3 answered 200 without a policy document\\.`),
        );
        expect(error.message).toContain(`S3 request id: ${error.requestId}.`);
        expect(proxy.requests.map((r) => `${r.operation} ${r.injected ?? r.status}`)).toEqual(["PutBucketPolicy 204", "GetBucketPolicy reply 200"]);
        proxy.setRules([]);
        expect(await findBucketPolicy(context())).toBe(policy());
        await deleteBucketPolicy(context());
    });
});

describe("the provider's S3 calls against LocalStack, which checks x-amz-expected-bucket-owner", () => {
    let env: LocalStackEnv;
    let proxy: S3Proxy;
    let tracker: BucketTracker;
    let bucket: string;

    /** The provider's own client, with alice's LocalStack credentials given as the provider's chain would find them. */
    const context = (expectedBucketOwner?: string): CallContext => ({
        client: createS3Client({ endpoint: proxy.endpoint, region: env.region }),
        bucket,
        retryTimeoutMs: 5_000,
        ...(expectedBucketOwner ? { expectedBucketOwner } : {}),
    });
    const policy = () => JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(env, bucket)] });
    const saved = { ...process.env };

    beforeAll(async () => {
        env = loadLocalStackEnv();
        tracker = bucketTracker(s3ClientFor(env, "alice"));
        bucket = await tracker.newBucket("calls-owner");
        proxy = await startS3Proxy({ target: env.endpoint });
        process.env.AWS_ACCESS_KEY_ID = env.users.alice.accessKeyId;
        process.env.AWS_SECRET_ACCESS_KEY = env.users.alice.secretAccessKey;
    });
    afterAll(async () => {
        for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
            if (saved[key] === undefined) delete process.env[key];
            else process.env[key] = saved[key];
        }
        await proxy?.close();
        await tracker?.destroyAll();
    });
    beforeEach(() => proxy.reset());

    it("puts, reads back and removes with the owner's account in the header of each call", async () => {
        const owner = env.users.alice.accountId;
        await putBucketPolicy(context(owner), { policy: policy() });
        expect(await findBucketPolicy(context(owner))).toBe(policy());
        await deleteBucketPolicy(context(owner));
        expect(await findBucketPolicy(context(owner))).toBeUndefined();
        expect(proxy.requests.map((r) => `${r.operation} ${r.headers["x-amz-expected-bucket-owner"]} ${r.status}`)).toEqual([
            `PutBucketPolicy ${owner} 204`,
            `GetBucketPolicy ${owner} 200`,
            `DeleteBucketPolicy ${owner} 204`,
            `GetBucketPolicy ${owner} 404`,
        ]);
    });

    it.each(["PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy"] as const)(
        "%s with another account as the expected owner: LocalStack's 403, once, explained as an owner mismatch",
        async (operation) => {
            const other = env.users.bob.accountId;
            const call =
                operation === "PutBucketPolicy"
                    ? putBucketPolicy(context(other), { policy: policy() })
                    : operation === "GetBucketPolicy"
                      ? findBucketPolicy(context(other))
                      : deleteBucketPolicy(context(other));
            const error = (await call.then(
                () => undefined,
                (e: unknown) => e,
            )) as (Error & { code: string; httpStatus: number }) | undefined;
            expect(error).toMatchObject({ name: "BucketPolicyError", code: "AccessDenied", httpStatus: 403 });
            expect(error?.message).toContain(other);
            expect(error?.message).toMatch(/expectedBucketOwner|expected bucket owner/i);
            expect(proxy.requests.map((r) => `${r.operation} ${r.headers["x-amz-expected-bucket-owner"]} ${r.status} ${r.errorCode}`)).toEqual([
                `${operation} ${other} 403 AccessDenied`,
            ]);
        },
    );
});
