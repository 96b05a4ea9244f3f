/**
 * What the provider makes of a GetBucketPolicy answered with success but no policy document, with a fake S3 sender (an
 * in-memory stand-in: no S3 server answers so on demand). S3 answers a bucket without a policy with 404
 * `NoSuchBucketPolicy`, so such an answer is neither the empty document nor "no policy": it is a `BucketPolicyError`
 * (code `MissingPolicyDocument`, the provider's own) that names the bucket and the operation, after one attempt, and
 * nothing is written on the strength of it. The real SDK gives `Policy` undefined for an empty 200 body.
 */
import { BucketPolicyError } from "../../provider/errors";
import { CallContext, findBucketPolicy, retryReason } from "../../provider/calls";
import { sendGetBucketPolicy } from "../../provider/s3";
import { BucketPolicyProvider } from "../../provider/provider";

const bucket = "example-bucket";
const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        { Sid: "Read", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` },
    ],
});

/** A fake S3 sender: GetBucketPolicy answers `answer` (a success), anything else is recorded and succeeds. */
function fakeS3(answer: Record<string, unknown>): { send: (command: unknown) => Promise<unknown>; sent: string[] } {
    const sent: string[] = [];
    return {
        sent,
        send: async (command: unknown) => {
            const name = (command as object).constructor.name.replace(/Command$/, "");
            sent.push(name);
            return name === "GetBucketPolicy" ? answer : {};
        },
    };
}

/** A context whose retry clock never waits, so a retried error would show as many attempts, not a slow test. */
function contextWith(client: CallContext["client"]): CallContext {
    let now = 0;
    return { client, bucket, retryTimeoutMs: 60_000, retry: { sleep: async (ms: number) => void (now += ms), random: () => 1, now: () => now } };
}

const answers: Array<[string, Record<string, unknown>]> = [
    ["200 with no Policy (the SDK's reading of an empty body)", { $metadata: { httpStatusCode: 200, requestId: "REQ123" } }],
    ["200 with an empty Policy", { Policy: "", $metadata: { httpStatusCode: 200, requestId: "REQ123" } }],
    ["200 with a Policy of white space only", { Policy: " \n", $metadata: { httpStatusCode: 200, requestId: "REQ123" } }],
];

describe("GetBucketPolicy answered without a policy document", () => {
    it.each(answers)("(fake S3: %s) sendGetBucketPolicy throws, and does not return an empty document", async (_, answer) => {
        const error = await sendGetBucketPolicy(fakeS3(answer), { bucket }).catch((e) => e);
        expect(error).toMatchObject({ name: "MissingPolicyDocument", message: "S3 answered 200 without a policy document" });
        expect(retryReason(error, "GetBucketPolicy")).toBeUndefined();
    });

    it.each(answers)(
        "(fake S3: %s) findBucketPolicy throws a BucketPolicyError naming the bucket and operation, after one attempt, not 'no policy'",
        async (_, answer) => {
            const s3 = fakeS3(answer);
            const error = await findBucketPolicy(contextWith(s3)).then(
                (found) => new Error(`expected a failure, got ${JSON.stringify(found)}`),
                (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(BucketPolicyError);
            expect(error).toMatchObject({ code: "MissingPolicyDocument", httpStatus: 200, bucket, operation: "GetBucketPolicy", requestId: "REQ123" });
            const { message } = error as BucketPolicyError;
            expect(message).toMatch(
                new RegExp(
                    `^GetBucketPolicy on bucket "${bucket}" failed: MissingPolicyDocument \\(HTTP 200\\): S3 answered 200 without a policy document\\. `,
                ),
            );
            expect(message).toMatch(/neither a policy nor its absence/);
            expect(message).toMatch(/endpoint input, or a proxy.*run the command again/);
            expect(message).toMatch(/S3 request id: REQ123\.$/);
            expect(message).not.toMatch(/Gave up after/);
            expect(s3.sent).toEqual(["GetBucketPolicy"]);
        },
    );

    it("(fake S3: 200 without metadata) still says 200, as the SDK resolves only on success", async () => {
        const error = (await findBucketPolicy(contextWith(fakeS3({}))).catch((e) => e)) as BucketPolicyError;
        expect(error).toMatchObject({ code: "MissingPolicyDocument", httpStatus: 200 });
        expect(error.requestId).toBeUndefined();
    });

    it("(fake S3: a policy document) is read as before", async () => {
        await expect(findBucketPolicy(contextWith(fakeS3({ Policy: policy })))).resolves.toBe(policy);
    });

    it("(fake S3: 200 without a Policy) create fails with that error and writes nothing (neither 'no policy' nor a clobber refusal)", async () => {
        const s3 = fakeS3({ $metadata: { httpStatusCode: 200 } });
        const error = await new BucketPolicyProvider(() => s3).create({ bucket, policy, retryTimeoutSeconds: 60 }).catch((e) => e);
        expect(error).toMatchObject({ name: "BucketPolicyError", code: "MissingPolicyDocument", operation: "GetBucketPolicy" });
        expect(s3.sent).toEqual(["GetBucketPolicy"]);
    });

    it("(fake S3: 200 without a Policy) refresh fails with that error rather than record the policy as gone or as drift", async () => {
        const s3 = fakeS3({ $metadata: { httpStatusCode: 200 } });
        const error = await new BucketPolicyProvider(() => s3).read(bucket, { bucket, policy }).catch((e) => e);
        expect(error).toMatchObject({ name: "BucketPolicyError", code: "MissingPolicyDocument", operation: "GetBucketPolicy" });
        expect(s3.sent).toEqual(["GetBucketPolicy"]);
    });
});
