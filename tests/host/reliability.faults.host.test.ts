/**
 * Through the real dynamic-provider host, against RadosGW behind the fault-injecting proxy: each retryable fault class
 * is retried and then succeeds (the S3 calls counted on the wire); a fault that outlasts `retryTimeoutSeconds` ends in
 * an error that says what was retried and why it stopped; a non-retryable answer fails after exactly one call. Answers
 * neither local server gives (405 to another account, AWS's MalformedPolicy wording) come from the proxy's AWS
 * stand-ins, and the tests say so in their names. The 403 of an owner mismatch is LocalStack's own, in
 * expectedBucketOwner.host.test.ts.
 */
import { policiesEquivalent } from "../../provider/policy";
import { DynamicProviderHost, Props } from "../support/providerHost";
import { checkAndCreate, checkNew, hostFailure, policyCalls, startProviderHost, useHostFixture } from "../support/hostFixture";
import { bobReads, livePolicy, uniqueBucketName } from "../support/localS3";
import { FaultRule, methodNotAllowedTo } from "../support/s3proxy";

describe("reliability: faults through the real host", () => {
    const fx = useHostFixture({ inputs: (bucket: string): Props => ({ policy: policyFor(bucket), retryTimeoutSeconds: 20 }) });

    const policyFor = (bucket: string, actions: string[] = ["s3:GetObject"]) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(fx.env, bucket, { action: actions })] });
    const calls = (bucket: string) => policyCalls(fx.proxy, bucket);
    const ops = (bucket: string) => calls(bucket).map((r) => r.operation);
    const newBucket = (prefix: string) => fx.buckets.newBucket(prefix);
    const create = (target: DynamicProviderHost, bucket: string, extra: Props = {}) => checkAndCreate(target, bucket, fx.inputs(bucket, extra));
    const failedCreate = async (target: DynamicProviderHost, bucket: string, extra: Props = {}) =>
        hostFailure(target.create(bucket, await checkNew(target, bucket, fx.inputs(bucket, extra))));

    describe("each retryable fault is retried, then the call succeeds", () => {
        it.each<{ name: string; rule: Omit<FaultRule, "bucket">; expected: string[] }>([
            {
                name: "503 SlowDown (throttling)",
                rule: { operation: "PutBucketPolicy", fault: "SlowDown", times: 2 },
                expected: ["GetBucketPolicy", "PutBucketPolicy", "PutBucketPolicy", "PutBucketPolicy"],
            },
            {
                name: "500 InternalError",
                rule: { operation: "PutBucketPolicy", fault: "InternalError", times: 2 },
                expected: ["GetBucketPolicy", "PutBucketPolicy", "PutBucketPolicy", "PutBucketPolicy"],
            },
            {
                name: "409 OperationAborted",
                rule: { operation: "PutBucketPolicy", fault: "OperationAborted", times: 2 },
                expected: ["GetBucketPolicy", "PutBucketPolicy", "PutBucketPolicy", "PutBucketPolicy"],
            },
            {
                name: "404 NoSuchBucket on the first puts (a new bucket not visible yet)",
                rule: { operation: ["GetBucketPolicy", "PutBucketPolicy"], fault: "NoSuchBucket", times: 4 },
                // The read's NoSuchBucket means "no policy"; the puts' NoSuchBucket is waited out.
                expected: ["GetBucketPolicy", "PutBucketPolicy", "PutBucketPolicy", "PutBucketPolicy", "PutBucketPolicy"],
            },
            {
                name: '400 MalformedPolicy "Invalid principal in policy" (AWS stand-in: a new IAM principal not propagated yet)',
                rule: { operation: "PutBucketPolicy", fault: "MalformedPolicy", message: "Invalid principal in policy", times: 2 },
                expected: ["GetBucketPolicy", "PutBucketPolicy", "PutBucketPolicy", "PutBucketPolicy"],
            },
            {
                name: "a connection reset before the answer",
                rule: { operation: "PutBucketPolicy", fault: "reset", times: 2 },
                expected: ["GetBucketPolicy", "PutBucketPolicy", "PutBucketPolicy", "PutBucketPolicy"],
            },
            {
                name: "503 SlowDown on the read before the put",
                rule: { operation: "GetBucketPolicy", fault: "SlowDown", times: 2 },
                expected: ["GetBucketPolicy", "GetBucketPolicy", "GetBucketPolicy", "PutBucketPolicy"],
            },
        ])("$name", async ({ rule, expected }) => {
            const bucket = await newBucket("rel-retry");
            fx.proxy.setRules([{ ...rule, bucket }]);
            const { checked, created } = await create(fx.host, bucket);
            expect(created.id).toBe(bucket);
            expect(ops(bucket)).toEqual(expected);
            const injected = calls(bucket).filter((r) => r.injected !== undefined);
            expect(injected).toHaveLength(rule.times as number);
            expect(calls(bucket).at(-1)?.status).toBe(204);
            expect(policiesEquivalent((await livePolicy(fx.alice, bucket)) as string, checked.policy as string)).toBe(true);
        });

        it("retries faults on the read, the put and the delete of one create → update → delete cycle", async () => {
            const bucket = await newBucket("rel-cycle");
            fx.proxy.setRules([
                { bucket, operation: "GetBucketPolicy", fault: "InternalError", times: 1 },
                { bucket, operation: "PutBucketPolicy", fault: "OperationAborted", times: 2 },
                { bucket, operation: "DeleteBucketPolicy", fault: "SlowDown", times: 1 },
            ]);
            const { created } = await create(fx.host, bucket);
            const changed = await fx.host.check(bucket, {}, fx.inputs(bucket, { policy: policyFor(bucket, ["s3:GetObject", "s3:GetObjectTagging"]) }));
            const updated = await fx.host.update(bucket, bucket, created.outputs, changed.inputs);
            await fx.host.delete(bucket, bucket, updated);
            expect(ops(bucket)).toEqual([
                "GetBucketPolicy", // InternalError
                "GetBucketPolicy",
                "PutBucketPolicy", // OperationAborted
                "PutBucketPolicy", // OperationAborted
                "PutBucketPolicy",
                "PutBucketPolicy", // update: no fault left
                "GetBucketPolicy", // delete: is it still ours?
                "DeleteBucketPolicy", // SlowDown
                "DeleteBucketPolicy",
            ]);
            expect(calls(bucket).map((r) => r.injected ?? "-")).toEqual([
                "InternalError",
                "-",
                "OperationAborted",
                "OperationAborted",
                "-",
                "-",
                "-",
                "SlowDown",
                "-",
            ]);
            expect(await livePolicy(fx.alice, bucket)).toBeUndefined();
        });

        it("retries a request that outlasts the request time-out (BUCKET_POLICY_REQUEST_TIMEOUT_MS in the host's env)", async () => {
            const bucket = await newBucket("rel-timeout");
            const timeoutHost = await startProviderHost(fx.env, { env: { BUCKET_POLICY_REQUEST_TIMEOUT_MS: "800" } });
            try {
                fx.proxy.setRules([{ bucket, operation: "PutBucketPolicy", fault: { delayMs: 2_500 }, times: 1 }]);
                const started = Date.now();
                const { checked } = await create(timeoutHost, bucket);
                const elapsed = Date.now() - started;
                expect(ops(bucket)).toEqual(["GetBucketPolicy", "PutBucketPolicy", "PutBucketPolicy"]);
                expect(calls(bucket)[1].injected).toBe("delay");
                // The first put was abandoned at the time-out, not waited for: the whole create took far less than the delay.
                expect(elapsed).toBeGreaterThanOrEqual(800);
                expect(elapsed).toBeLessThan(2_500);
                expect(policiesEquivalent((await livePolicy(fx.alice, bucket)) as string, checked.policy as string)).toBe(true);
                // The delayed request still reaches RadosGW afterwards (the proxy forwards it late): the same policy, no harm.
                await new Promise((resolve) => setTimeout(resolve, 2_600 - elapsed));
                expect(policiesEquivalent((await livePolicy(fx.alice, bucket)) as string, checked.policy as string)).toBe(true);
            } finally {
                await timeoutHost.stop();
            }
        });
    });

    describe("giving up after the retry budget", () => {
        it("gives up on requests that time out, and says so; known limit: an abandoned put can still land later, and the next create then refuses to clobber it", async () => {
            const bucket = await newBucket("rel-timeout-giveup");
            const timeoutHost = await startProviderHost(fx.env, { env: { BUCKET_POLICY_REQUEST_TIMEOUT_MS: "500" } });
            try {
                fx.proxy.setRules([{ bucket, operation: "PutBucketPolicy", fault: { delayMs: 1_500 } }]);
                const error = await failedCreate(timeoutHost, bucket, { retryTimeoutSeconds: 1 });
                const puts = calls(bucket).filter((r) => r.operation === "PutBucketPolicy").length;
                expect(error.message).toMatch(
                    /^PutBucketPolicy on bucket .* failed: ETIMEDOUT: .*requestTimeout\. S3 did not answer within the request time-out\./,
                );
                expect(error.message).toMatch(new RegExp(`Retried: ${puts} × ETIMEDOUT \\(network error\\)\\.$`));
                expect(error.initFailed).toBeUndefined(); // the read-back right after giving up found no policy
                // The proxy forwards each abandoned put after its delay: S3 ends up holding the policy after all.
                fx.proxy.setRules([]);
                await new Promise((resolve) => setTimeout(resolve, 1_600));
                expect(await livePolicy(fx.alice, bucket)).toEqual(expect.any(String));
                const again = await failedCreate(timeoutHost, bucket);
                expect(again.message).toMatch(/already has a bucket policy \(1 statement\(s\): Sids "BobReads"\).*adoptExisting/);
            } finally {
                await timeoutHost.stop();
            }
        });

        it("says what it retried, how often and why it stopped (throttled on every put; retryTimeoutSeconds: 1)", async () => {
            const bucket = await newBucket("rel-giveup");
            fx.proxy.setRules([{ bucket, operation: "PutBucketPolicy", fault: "SlowDown" }]);
            const started = Date.now();
            const error = await failedCreate(fx.host, bucket, { retryTimeoutSeconds: 1 });
            const elapsed = Date.now() - started;
            const puts = calls(bucket).filter((r) => r.operation === "PutBucketPolicy").length;
            expect(puts).toBeGreaterThan(1);
            expect(error.message).toMatch(
                new RegExp(
                    `^PutBucketPolicy on bucket "${bucket}" failed: SlowDown \\(HTTP 503\\): Please reduce your request rate\\. .*` +
                        `Gave up after ${puts} attempts in [\\d.]+ s: another wait would pass the retry budget of 1 s \\(retryTimeoutSeconds\\)\\. ` +
                        `Retried: ${puts} × SlowDown 503 \\(throttling\\)\\.$`,
                ),
            );
            expect(error.initFailed).toBeUndefined(); // nothing was applied: the engine records no resource
            expect(elapsed).toBeLessThan(5_000);
            expect(await livePolicy(fx.alice, bucket)).toBeUndefined();
        });

        it("names every kind of fault it retried when they differ", async () => {
            const bucket = await newBucket("rel-giveup-mixed");
            fx.proxy.setRules([
                { bucket, operation: "PutBucketPolicy", fault: "SlowDown", times: 1 },
                { bucket, operation: "PutBucketPolicy", fault: "reset", times: 1 },
                { bucket, operation: "PutBucketPolicy", fault: "InternalError" },
            ]);
            const error = await failedCreate(fx.host, bucket, { retryTimeoutSeconds: 2 });
            const puts = calls(bucket).filter((r) => r.operation === "PutBucketPolicy").length;
            expect(error.message).toMatch(/failed: InternalError \(HTTP 500\)/);
            expect(error.message).toContain(
                `Retried: 1 × SlowDown 503 (throttling), 1 × ECONNRESET (network error), ${puts - 2} × InternalError 500 (transient server error).`,
            );
        });

        it("gives up on a bucket that never appears (RadosGW's own NoSuchBucket), saying the bucket does not exist", async () => {
            const bucket = uniqueBucketName("rel-never-created");
            const error = await failedCreate(fx.host, bucket, { retryTimeoutSeconds: 1 });
            const puts = calls(bucket).filter((r) => r.operation === "PutBucketPolicy");
            expect(puts.every((r) => r.injected === undefined && r.errorCode === "NoSuchBucket")).toBe(true);
            expect(error.message).toMatch(
                /failed: NoSuchBucket \(HTTP 404\)\. Bucket ".*" does not exist .* Gave up after \d+ attempts .* Retried: \d+ × NoSuchBucket \(bucket not visible yet\)\.$/,
            );
        });

        it("with retryTimeoutSeconds: 0 makes exactly one attempt", async () => {
            const bucket = await newBucket("rel-no-retry");
            fx.proxy.setRules([{ bucket, operation: "PutBucketPolicy", fault: "SlowDown" }]);
            const error = await failedCreate(fx.host, bucket, { retryTimeoutSeconds: 0 });
            expect(ops(bucket).filter((op) => op === "PutBucketPolicy")).toHaveLength(1);
            expect(error.message).toMatch(/Gave up after 1 attempt in [\d.]+ s: another wait would pass the retry budget of 0 s/);
        });
    });

    describe("a non-retryable answer fails at once: exactly one call of that operation", () => {
        // 403 AccessDenied for an owner mismatch is LocalStack's own answer: expectedBucketOwner.host.test.ts.
        it("405 MethodNotAllowed (AWS stand-in: the caller's account does not own the bucket)", async () => {
            const bucket = await newBucket("rel-405");
            // As if alice's key belonged to another account than the bucket's.
            fx.proxy.setRules([methodNotAllowedTo(fx.env.users.alice.accessKeyId, bucket)]);
            const error = await failedCreate(fx.host, bucket);
            expect(calls(bucket).map((r) => `${r.operation} ${r.injected}`)).toEqual(["GetBucketPolicy MethodNotAllowed"]);
            expect(error.message).toMatch(/failed: MethodNotAllowed \(HTTP 405\).*only the bucket owner's account may manage its policy/);
        });

        it('400 MalformedPolicy "Policy has invalid action" (AWS stand-in: a really malformed policy)', async () => {
            const bucket = await newBucket("rel-400");
            fx.proxy.setRules([{ bucket, operation: "PutBucketPolicy", fault: "MalformedPolicy" }]);
            const error = await failedCreate(fx.host, bucket);
            expect(ops(bucket).filter((op) => op === "PutBucketPolicy")).toHaveLength(1);
            expect(error.message).toMatch(/failed: MalformedPolicy \(HTTP 400\): Policy has invalid action\. S3 rejected the policy document/);
            expect(error.initFailed).toBeUndefined();
        });

        it("400 InvalidArgument from RadosGW itself, for a policy check accepts (an unknown condition operator)", async () => {
            const bucket = await newBucket("rel-400-rgw");
            const policy = JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: "*",
                        Action: "s3:GetObject",
                        Resource: `arn:aws:s3:::${bucket}/*`,
                        Condition: { FooEquals: { "aws:UserAgent": "x" } },
                    },
                ],
            });
            // Public by S3's rule (an unknown operator restricts nothing): allowed, so the put reaches RadosGW.
            const error = await failedCreate(fx.host, bucket, { policy, allowPublicAccess: true });
            expect(calls(bucket).map((r) => `${r.operation} ${r.errorCode ?? r.status}`)).toEqual([
                "GetBucketPolicy NoSuchBucketPolicy",
                "PutBucketPolicy InvalidArgument",
                "GetBucketPolicy NoSuchBucketPolicy",
            ]);
            expect(error.message).toMatch(/failed: InvalidArgument \(HTTP 400\)\. S3 rejected the policy document/);
        });
    });
});
