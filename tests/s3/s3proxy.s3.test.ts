/**
 * The recording, fault-injecting proxy in front of the local servers: it forwards signed requests unchanged (RadosGW
 * checks the signatures), records what went over the wire without credentials, injects each fault kind as the SDK would
 * see it from AWS, and stands in for AWS's 405 to another account, which neither server answers. In front of LocalStack
 * it shows the expected-bucket-owner check LocalStack makes for real, on the header as it went over the wire.
 */
import {
    CreateBucketCommand,
    DeleteBucketPolicyCommand,
    GetBucketPolicyCommand,
    ListObjectsV2Command,
    PutBucketPolicyCommand,
    PutObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { LocalS3Env, bobReads, createTestBucket, destroyBucket, loadLocalS3Env, s3ClientFor, uniqueBucketName } from "../support/localS3";
import { LocalStackEnv, loadLocalStackEnv } from "../support/localStack";
import { FaultRule, S3Proxy, methodNotAllowedTo, s3Operation, startS3Proxy } from "../support/s3proxy";

interface CaughtError {
    name: string;
    message: string;
    code?: string;
    status?: number;
}

/** Resolves to the error a call throws (fails the test when it does not throw). */
async function failure(call: Promise<unknown>): Promise<CaughtError> {
    const error = await call.then(
        () => {
            throw new Error("expected the S3 call to fail");
        },
        (e: { name: string; message: string; code?: string; $metadata?: { httpStatusCode?: number } }) => e,
    );
    return { name: error.name, message: error.message, code: error.code, status: error.$metadata?.httpStatusCode };
}

describe("startS3Proxy", () => {
    let env: LocalS3Env;
    let proxy: S3Proxy;
    let alice: S3Client; // through the proxy
    let bob: S3Client; // through the proxy
    let direct: S3Client; // alice, straight to RadosGW: set-up and clean-up never go through the faults
    let bucket: string;
    const policyFor = (b: string) => JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(env, b)] });
    const ops = () => proxy.requests.map((r) => r.operation);

    beforeAll(async () => {
        env = loadLocalS3Env();
        direct = s3ClientFor(env, "alice");
        bucket = await createTestBucket(direct, "proxy");
        proxy = await startS3Proxy({ target: env.endpoint });
        alice = s3ClientFor(env, "alice", { endpoint: proxy.endpoint });
        bob = s3ClientFor(env, "bob", { endpoint: proxy.endpoint });
    });
    afterAll(async () => {
        await proxy?.close();
        if (bucket) await destroyBucket(direct, bucket);
    });
    beforeEach(() => {
        proxy.reset();
        proxy.setRules([]);
    });

    describe("recording", () => {
        it("forwards signed requests unchanged (RadosGW accepts the signatures) and names each operation", async () => {
            await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyFor(bucket) }));
            expect((await alice.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe(policyFor(bucket));
            await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "dir/a b.txt", Body: "hello" }));
            await alice.send(new ListObjectsV2Command({ Bucket: bucket }));
            await alice.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));

            expect(ops()).toEqual(["PutBucketPolicy", "GetBucketPolicy", "PutObject", "ListObjectsV2", "DeleteBucketPolicy"]);
            expect(proxy.requests.map((r) => r.status)).toEqual([204, 200, 200, 200, 200]);
            expect(proxy.requests[0]).toMatchObject({ method: "PUT", bucket, query: { policy: "" }, body: policyFor(bucket) });
            expect(proxy.requests[2]).toMatchObject({ bucket, key: "dir/a b.txt" });
            expect(proxy.requests[2].body).toBeUndefined();
        });

        it("redacts the Authorization header and keeps no access key id or secret", async () => {
            await alice.send(new ListObjectsV2Command({ Bucket: bucket }));
            const recorded = proxy.requests[0];
            expect(recorded.headers.authorization).toBe("REDACTED");
            expect(recorded.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
            const everything = JSON.stringify(proxy.requests);
            expect(everything).not.toContain(env.users.alice.accessKeyId);
            expect(everything).not.toContain(env.users.alice.secretAccessKey);
        });

        it("records the error code of a forwarded error response", async () => {
            await failure(bob.send(new GetBucketPolicyCommand({ Bucket: bucket })));
            expect(proxy.requests[0]).toMatchObject({ operation: "GetBucketPolicy", status: 403, errorCode: "AccessDenied" });
            expect(proxy.requests[0].injected).toBeUndefined();
        });
    });

    describe("faults", () => {
        it.each([
            { fault: "SlowDown" as const, status: 503 },
            { fault: "InternalError" as const, status: 500 },
            { fault: "OperationAborted" as const, status: 409 },
            { fault: "NoSuchBucket" as const, status: 404 },
            { fault: "MalformedPolicy" as const, status: 400 },
        ])("answers $fault with HTTP $status in S3's XML envelope, as err.name and $metadata.httpStatusCode", async ({ fault, status }) => {
            proxy.setRules([{ operation: "PutBucketPolicy", fault }]);
            const error = await failure(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyFor(bucket) })));
            expect(error).toMatchObject({ name: fault, status });
            expect(error.message).not.toBe("UnknownError");
            expect(proxy.requests[0]).toMatchObject({ operation: "PutBucketPolicy", status, errorCode: fault, injected: fault });
        });

        it("uses the rule's message, e.g. AWS's MalformedPolicy reason", async () => {
            proxy.setRules([{ operation: "PutBucketPolicy", fault: "MalformedPolicy", message: "Invalid principal in policy" }]);
            const error = await failure(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyFor(bucket) })));
            expect(error).toMatchObject({ name: "MalformedPolicy", status: 400, message: "Invalid principal in policy" });
        });

        it("answers any other S3 error given as { status, code, message }", async () => {
            proxy.setRules([{ fault: { status: 400, code: "InvalidRequest", message: "nope" } }]);
            expect(await failure(alice.send(new GetBucketPolicyCommand({ Bucket: bucket })))).toMatchObject({
                name: "InvalidRequest",
                status: 400,
                message: "nope",
            });
        });

        it("answers a reply of any status and body given as { reply }, without forwarding: a 200 without the policy, as the SDK reads it", async () => {
            proxy.setRules([{ operation: "GetBucketPolicy", fault: { reply: { status: 200 } } }]);
            const output = await alice.send(new GetBucketPolicyCommand({ Bucket: bucket }));
            expect(output.Policy).toBeUndefined();
            expect(output.$metadata.httpStatusCode).toBe(200);
            expect(proxy.requests[0]).toMatchObject({ operation: "GetBucketPolicy", status: 200, injected: "reply 200" });
            proxy.setRules([{ operation: "GetBucketPolicy", fault: { reply: { status: 200, body: '{"Version":"2012-10-17","Statement":[]}' } } }]);
            expect((await alice.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe('{"Version":"2012-10-17","Statement":[]}');
        });

        it("resets the connection: the SDK sees a network error with no HTTP status", async () => {
            proxy.setRules([{ operation: "GetBucketPolicy", fault: "reset" }]);
            const error = await failure(alice.send(new GetBucketPolicyCommand({ Bucket: bucket })));
            expect(error.status).toBeUndefined();
            expect(`${error.code} ${error.message}`).toMatch(/ECONNRESET|socket hang up/);
            expect(proxy.requests[0]).toMatchObject({ status: 0, injected: "reset" });
        });

        it("delays a request, then forwards it", async () => {
            proxy.setRules([{ operation: "ListObjectsV2", fault: { delayMs: 300 } }]);
            const started = Date.now();
            const listed = await alice.send(new ListObjectsV2Command({ Bucket: bucket }));
            expect(Date.now() - started).toBeGreaterThanOrEqual(290);
            expect(listed.$metadata.httpStatusCode).toBe(200);
            expect(proxy.requests[0]).toMatchObject({ status: 200, injected: "delay" });
        });

        it("fires a `times` rule on the first N matching requests only, and leaves other requests alone", async () => {
            proxy.setRules([{ operation: "GetBucketPolicy", bucket, method: "GET", fault: "SlowDown", times: 2 }]);
            const get = () =>
                alice.send(new GetBucketPolicyCommand({ Bucket: bucket })).then(
                    () => "ok",
                    (e: Error) => e.name,
                );
            await alice.send(new ListObjectsV2Command({ Bucket: bucket }));
            expect([await get(), await get(), await get()]).toEqual(["SlowDown", "SlowDown", "NoSuchBucketPolicy"]);
            expect(proxy.requests.map((r) => r.injected)).toEqual([undefined, "SlowDown", "SlowDown", undefined]);
        });

        it("only matches the rule's bucket and method", async () => {
            const other = uniqueBucketName("proxy-other");
            proxy.setRules([
                { bucket: other, fault: "InternalError" },
                { method: "DELETE", fault: "OperationAborted" },
            ]);
            await alice.send(new ListObjectsV2Command({ Bucket: bucket }));
            expect(await failure(alice.send(new ListObjectsV2Command({ Bucket: other })))).toMatchObject({ name: "InternalError" });
            expect(await failure(alice.send(new DeleteBucketPolicyCommand({ Bucket: bucket })))).toMatchObject({ name: "OperationAborted", status: 409 });
        });

        it("fires a `probability` rule reproducibly from the seed", async () => {
            const rules: FaultRule[] = [{ operation: "ListObjectsV2", fault: "SlowDown", probability: 0.5 }];
            const run = async (seed: number) => {
                proxy.setRules(rules, seed);
                const outcomes: string[] = [];
                for (let i = 0; i < 12; i++)
                    outcomes.push(
                        await alice.send(new ListObjectsV2Command({ Bucket: bucket })).then(
                            () => "ok",
                            (e: Error) => e.name,
                        ),
                    );
                return outcomes;
            };
            const first = await run(42);
            expect(await run(42)).toEqual(first);
            expect(first).toContain("ok");
            expect(first).toContain("SlowDown");
            proxy.setRules([{ fault: "SlowDown", probability: 0 }]);
            expect((await alice.send(new ListObjectsV2Command({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(200);
        });
    });

    describe("AWS stand-in: 405 to another account's bucket-policy calls", () => {
        beforeAll(async () => {
            // bob may manage the policy as far as RadosGW is concerned: only the stand-in can refuse him.
            const grant = {
                Effect: "Allow",
                Principal: { AWS: env.users.bob.principalArn },
                Action: ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
                Resource: `arn:aws:s3:::${bucket}`,
            };
            await direct.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [grant] }) }));
        });
        afterAll(async () => {
            await direct.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
        });

        it("AWS stand-in: answers 405 MethodNotAllowed to the key's Get/Put/DeleteBucketPolicy, even when the policy grants them, with AWS's envelope", async () => {
            // Without the stand-in, RadosGW lets bob read the policy (AWS would not).
            expect((await bob.send(new GetBucketPolicyCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(200);
            proxy.setRules([methodNotAllowedTo(env.users.bob.accessKeyId, bucket)]);
            for (const call of [
                () => bob.send(new GetBucketPolicyCommand({ Bucket: bucket })),
                () => bob.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyFor(bucket) })),
                () => bob.send(new DeleteBucketPolicyCommand({ Bucket: bucket })),
            ]) {
                expect(await failure(call())).toMatchObject({
                    name: "MethodNotAllowed",
                    status: 405,
                    message: "The specified method is not allowed against this resource.",
                });
            }
            expect(proxy.requests.map((r) => [r.operation, r.status, r.injected])).toEqual([
                ["GetBucketPolicy", 200, undefined],
                ["GetBucketPolicy", 405, "MethodNotAllowed"],
                ["PutBucketPolicy", 405, "MethodNotAllowed"],
                ["DeleteBucketPolicy", 405, "MethodNotAllowed"],
            ]);
        });

        it("AWS stand-in: leaves the owner's calls, the key's object calls and its calls on other buckets to RadosGW", async () => {
            proxy.setRules([methodNotAllowedTo(env.users.bob.accessKeyId, bucket)]);
            expect((await alice.send(new GetBucketPolicyCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(200);
            expect(await failure(bob.send(new ListObjectsV2Command({ Bucket: bucket })))).toMatchObject({ name: "AccessDenied", status: 403 });
            const bobs = uniqueBucketName("proxy-bobs");
            await bob.send(new CreateBucketCommand({ Bucket: bobs }));
            try {
                expect((await bob.send(new PutBucketPolicyCommand({ Bucket: bobs, Policy: policyFor(bobs) }))).$metadata.httpStatusCode).toBe(204);
            } finally {
                await destroyBucket(s3ClientFor(env, "bob"), bobs);
            }
            expect(proxy.requests.map((r) => r.injected)).toEqual([undefined, undefined, undefined, undefined]);
        });
    });
});

describe("startS3Proxy in front of LocalStack: the expected-bucket-owner check is LocalStack's own, on the header as sent", () => {
    let env: LocalStackEnv;
    let proxy: S3Proxy;
    let alice: S3Client; // through the proxy
    let direct: S3Client;
    let bucket: string;
    const policy = () => JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(env, bucket)] });
    const onWire = () => proxy.requests.map((r) => [r.operation, r.headers["x-amz-expected-bucket-owner"], r.status, r.errorCode, r.injected]);

    beforeAll(async () => {
        env = loadLocalStackEnv();
        direct = s3ClientFor(env, "alice");
        bucket = await createTestBucket(direct, "proxy-ls-owner");
        proxy = await startS3Proxy({ target: env.endpoint });
        alice = s3ClientFor(env, "alice", { endpoint: proxy.endpoint });
    });
    afterAll(async () => {
        await proxy?.close();
        if (bucket) await destroyBucket(direct, bucket);
    });
    beforeEach(() => proxy.reset());

    it("LocalStack: the owner's account (alice's) or no header is answered as usual", async () => {
        const owner = env.users.alice.accountId;
        await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy(), ExpectedBucketOwner: owner }));
        expect((await alice.send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: owner }))).Policy).toBe(policy());
        expect((await alice.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe(policy());
        await alice.send(new DeleteBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: owner }));
        expect(onWire()).toEqual([
            ["PutBucketPolicy", owner, 204, undefined, undefined],
            ["GetBucketPolicy", owner, 200, undefined, undefined],
            ["GetBucketPolicy", undefined, 200, undefined, undefined],
            ["DeleteBucketPolicy", owner, 204, undefined, undefined],
        ]);
    });

    it("LocalStack: another account's id (bob's) is its own 403 AccessDenied on Get, Put and Delete; nothing injected, nothing written", async () => {
        const other = env.users.bob.accountId;
        for (const call of [
            () => alice.send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: other })),
            () => alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy(), ExpectedBucketOwner: other })),
            () => alice.send(new DeleteBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: other })),
        ]) {
            expect(await failure(call())).toMatchObject({ name: "AccessDenied", status: 403 });
        }
        expect(onWire()).toEqual([
            ["GetBucketPolicy", other, 403, "AccessDenied", undefined],
            ["PutBucketPolicy", other, 403, "AccessDenied", undefined],
            ["DeleteBucketPolicy", other, 403, "AccessDenied", undefined],
        ]);
        expect(await failure(direct.send(new GetBucketPolicyCommand({ Bucket: bucket })))).toMatchObject({ name: "NoSuchBucketPolicy", status: 404 });
    });

    it.each(["alice", "11112222333", "1111222233334"])(
        "LocalStack: %j, not a 12-digit account id, sent straight from the SDK (the provider's check refuses it before any call), is its own 400 InvalidBucketOwnerAWSAccountID",
        async (owner) => {
            const error = await failure(alice.send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: owner })));
            expect(error).toMatchObject({ name: "InvalidBucketOwnerAWSAccountID", status: 400 });
            expect(error.message).toContain(`[${owner}]`);
            expect(onWire()).toEqual([["GetBucketPolicy", owner, 400, "InvalidBucketOwnerAWSAccountID", undefined]]);
        },
    );
});

describe(s3Operation.name, () => {
    it.each([
        ["GET", undefined, undefined, {}, "ListBuckets"],
        ["PUT", "b", undefined, {}, "CreateBucket"],
        ["DELETE", "b", undefined, {}, "DeleteBucket"],
        ["HEAD", "b", undefined, {}, "HeadBucket"],
        ["GET", "b", undefined, { policy: "" }, "GetBucketPolicy"],
        ["PUT", "b", undefined, { policy: "" }, "PutBucketPolicy"],
        ["DELETE", "b", undefined, { policy: "" }, "DeleteBucketPolicy"],
        ["GET", "b", undefined, { "list-type": "2" }, "ListObjectsV2"],
        ["POST", "b", undefined, { delete: "" }, "DeleteObjects"],
        ["GET", "b", "k", {}, "GetObject"],
        ["PUT", "b", "k", { "x-id": "PutObject" }, "PutObject"],
        ["POST", "b", "k", { uploads: "" }, "CreateMultipartUpload"],
    ])("%s /%s/%s %j is %s", (method, bucket, key, query, operation) => {
        expect(s3Operation(method as string, bucket as string | undefined, key as string | undefined, query as Record<string, string>, {})).toBe(operation);
    });
});
