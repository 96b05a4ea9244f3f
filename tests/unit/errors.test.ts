/**
 * What `describeS3Error` returns besides its wording (which tests/unit/errors.wording.test.ts checks): one
 * `BucketPolicyError` carrying the S3 code, the HTTP status, the bucket and the operation, the SDK's error as its
 * `cause` and S3's request id; and which explanation a code gets when several could apply.
 */
import { BucketPolicyError, describeS3Error } from "../../provider/errors";

const s3Error = (name: string, status?: number, message = "UnknownError") => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe("describeS3Error", () => {
    it("returns a BucketPolicyError with the code, status, bucket and operation as fields", () => {
        const error = describeS3Error(s3Error("AccessDenied", 403, "Access Denied"), {
            bucket: "b1",
            operation: "PutBucketPolicy",
            expectedBucketOwner: "111122223333",
        });
        expect(error).toBeInstanceOf(BucketPolicyError);
        expect(error).toMatchObject({ name: "BucketPolicyError", code: "AccessDenied", httpStatus: 403, bucket: "b1", operation: "PutBucketPolicy" });
    });

    it("keeps the SDK error as the cause and S3's request id, which the message names", () => {
        const sdkError = Object.assign(s3Error("AccessDenied", 403), { $metadata: { httpStatusCode: 403, requestId: "4442587FB7D0A2F9" } });
        const error = describeS3Error(sdkError, { bucket: "b1", operation: "GetBucketPolicy" });
        expect(error.cause).toBe(sdkError);
        expect(error.requestId).toBe("4442587FB7D0A2F9");
        expect(error.message).toMatch(/S3 request id: 4442587FB7D0A2F9\.$/);
    });

    it("has no request id when S3 gave none", () => {
        const error = describeS3Error(s3Error("NoSuchBucket", 404), { bucket: "b1", operation: "PutBucketPolicy" });
        expect(error.requestId).toBeUndefined();
        expect(error.message).not.toContain("request id");
    });

    it("explains 403 RequestTimeTooSkewed as the clock, and 403 credential codes as credentials, before the 403 permission advice", () => {
        for (const code of ["RequestTimeTooSkewed", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"]) {
            const error = describeS3Error(s3Error(code, 403), { bucket: "b1", operation: "PutBucketPolicy" });
            expect(error.message).not.toMatch(/lacks s3:PutBucketPolicy/);
        }
    });

    it("names BlockPublicPolicy only when S3's message mentions public access", () => {
        const blocked = describeS3Error(s3Error("AccessDenied", 403, "public policies are blocked by the BlockPublicPolicy block public access setting."), {
            bucket: "b1",
            operation: "PutBucketPolicy",
        });
        expect(blocked.message).toMatch(/BlockPublicPolicy rejects/);
        expect(describeS3Error(s3Error("AccessDenied", 403, "Access Denied"), { bucket: "b1", operation: "PutBucketPolicy" }).message).not.toMatch(
            /BlockPublicPolicy/,
        );
    });

    it("gives a code it has no explanation for the head alone", () => {
        const error = describeS3Error(s3Error("SomethingNew", 418, "I'm a teapot"), { bucket: "b1", operation: "GetBucketPolicy" });
        expect(error.message).toBe('GetBucketPolicy on bucket "b1" failed: SomethingNew (HTTP 418): I\'m a teapot.');
    });
});
