import { backoffDelayMs, withRetries } from "../../provider/retry";
import { retryReason } from "../../provider/calls";

function fakeClock() {
    let now = 0;
    const sleeps: number[] = [];
    return { sleeps, now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)) };
}

const s3Error = (name: string, status?: number, message = "UnknownError") => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe("backoffDelayMs", () => {
    it("grows exponentially up to the cap, scaled by the jitter", () => {
        expect(backoffDelayMs(0, 1, 100, 1000)).toBe(100);
        expect(backoffDelayMs(3, 1, 100, 1000)).toBe(800);
        expect(backoffDelayMs(10, 1, 100, 1000)).toBe(1000);
        expect(backoffDelayMs(10, 0.5, 100, 1000)).toBe(500);
        expect(backoffDelayMs(10, 0, 100, 1000)).toBe(0);
    });
});

describe("withRetries", () => {
    it("retries a retryable error until the call succeeds", async () => {
        const clock = fakeClock();
        let calls = 0;
        const result = await withRetries(async () => (++calls < 3 ? Promise.reject(s3Error("SlowDown", 503)) : "ok"), {
            timeoutMs: 60_000,
            retryReason: () => "throttled",
            onGiveUp: () => new Error("gave up"),
            random: () => 1,
            ...clock,
        });
        expect(result).toBe("ok");
        expect(calls).toBe(3);
        expect(clock.sleeps).toEqual([250, 500]);
    });

    it("throws a non-retryable error at once", async () => {
        let calls = 0;
        const error = s3Error("AccessDenied", 403);
        await expect(
            withRetries(async () => (calls++, Promise.reject(error)), { timeoutMs: 60_000, retryReason: () => undefined, onGiveUp: () => new Error("x") }),
        ).rejects.toBe(error);
        expect(calls).toBe(1);
    });

    it("gives up when the time budget is spent, with every reason it retried", async () => {
        const clock = fakeClock();
        const error = await withRetries(async () => Promise.reject(s3Error("SlowDown", 503)), {
            timeoutMs: 5_000,
            retryReason: () => "SlowDown 503 (throttling)",
            onGiveUp: (_last, summary) => new Error(`gave up after ${summary.attempts}: ${summary.reasons.length} reasons`),
            random: () => 1,
            ...clock,
        }).catch((e: Error) => e);
        expect(error.message).toMatch(/gave up after \d+: \d+ reasons$/);
        expect(clock.now()).toBeLessThan(5_000);
    });
});

describe("retryReason", () => {
    it.each([
        ["503 SlowDown", s3Error("SlowDown", 503), "PutBucketPolicy"],
        ["ThrottlingException", s3Error("ThrottlingException", 400), "GetBucketPolicy"],
        ["409 OperationAborted", s3Error("OperationAborted", 409), "PutBucketPolicy"],
        ["500 InternalError", s3Error("InternalError", 500), "DeleteBucketPolicy"],
        ["503 with no code", s3Error("Unknown", 503), "GetBucketPolicy"],
        ["a connection reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "PutBucketPolicy"],
        ["a time-out", Object.assign(new Error("timed out"), { name: "TimeoutError" }), "PutBucketPolicy"],
        // Network errors the SDK retries too (a hand-kept list once missed them).
        ["an unreachable host (EHOSTUNREACH)", Object.assign(new Error("connect EHOSTUNREACH 10.0.0.1:443"), { code: "EHOSTUNREACH" }), "GetBucketPolicy"],
        ["an unreachable network (ENETUNREACH)", Object.assign(new Error("connect ENETUNREACH 10.0.0.1:443"), { code: "ENETUNREACH" }), "PutBucketPolicy"],
        [
            "403 RequestTimeTooSkewed once the SDK corrected its clock offset",
            Object.assign(new Error("The difference between the request time and the current time is too large."), {
                name: "RequestTimeTooSkewed",
                $metadata: { httpStatusCode: 403, clockSkewCorrected: true },
            }),
            "PutBucketPolicy",
        ],
        [
            "403 RequestTimeTooSkewed without the flag (RadosGW's: the SDK corrects the offset all the same)",
            s3Error("RequestTimeTooSkewed", 403),
            "GetBucketPolicy",
        ],
        ["NoSuchBucket on a put (bucket not visible yet)", s3Error("NoSuchBucket", 404), "PutBucketPolicy"],
        ["Invalid principal on a put (principal not propagated)", s3Error("MalformedPolicy", 400, "Invalid principal in policy"), "PutBucketPolicy"],
    ] as const)("retries %s", (_name, error, operation) => {
        expect(retryReason(error, operation)).toEqual(expect.any(String));
    });

    it.each([
        ["AccessDenied", s3Error("AccessDenied", 403), "PutBucketPolicy"],
        ["405 MethodNotAllowed", s3Error("MethodNotAllowed", 405), "PutBucketPolicy"],
        ["a really malformed policy", s3Error("MalformedPolicy", 400, "Policy has invalid action"), "PutBucketPolicy"],
        ["NoSuchBucket on a get (the policy is gone)", s3Error("NoSuchBucket", 404), "GetBucketPolicy"],
        ["NoSuchBucketPolicy", s3Error("NoSuchBucketPolicy", 404), "GetBucketPolicy"],
    ] as const)("does not retry %s", (_name, error, operation) => {
        expect(retryReason(error, operation)).toBeUndefined();
    });
});
