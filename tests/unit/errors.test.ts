/**
 * What `describeS3Error` returns besides its wording (which tests/unit/errors.wording.test.ts checks): one
 * `BucketPolicyError` carrying the S3 code, the HTTP status, the bucket and the operation, the SDK's error as its
 * `cause` and S3's request id; and which explanation a code gets when several could apply. Also the error class's own
 * options, and the refusal to overwrite a policy (`clobberRefusal`), which is a `BucketPolicyError` too.
 */
import { BucketPolicyError, clobberRefusal, describeS3Error } from "../../provider/errors";

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

describe("BucketPolicyError", () => {
    it("takes its facts as options and keeps them as the public fields, the cause as the standard one", () => {
        const cause = new Error("underneath");
        const error = new BucketPolicyError("m", { code: "SlowDown", httpStatus: 503, bucket: "b1", operation: "PutBucketPolicy", cause, requestId: "R1" });
        expect(error).toBeInstanceOf(Error);
        expect(error).toMatchObject({ name: "BucketPolicyError", message: "m", code: "SlowDown", httpStatus: 503, bucket: "b1", operation: "PutBucketPolicy" });
        expect(error.requestId).toBe("R1");
        expect(error.cause).toBe(cause);
    });

    it("has no cause, status or request id unless given", () => {
        const error = new BucketPolicyError("m", { code: "ECONNRESET", bucket: "b1", operation: "GetBucketPolicy" });
        expect(error.httpStatus).toBeUndefined();
        expect(error.requestId).toBeUndefined();
        expect(error.cause).toBeUndefined();
    });
});

describe("clobberRefusal", () => {
    it("is a BucketPolicyError with code PolicyExists, operation CreateBucketPolicy (no S3 call failed) and no HTTP status", () => {
        const error = clobberRefusal("b1", '1 statement(s): Sids "Read"');
        expect(error).toBeInstanceOf(BucketPolicyError);
        expect(error).toMatchObject({ name: "BucketPolicyError", code: "PolicyExists", bucket: "b1", operation: "CreateBucketPolicy" });
        expect(error.httpStatus).toBeUndefined();
        expect(error.requestId).toBeUndefined();
        expect(error.cause).toBeUndefined();
    });

    it("says what the provider's create said as a plain Error, word for word", () => {
        expect(clobberRefusal("b1", '1 statement(s): Sids "Read"').message).toBe(
            'Bucket "b1" already has a bucket policy (1 statement(s): Sids "Read"), and BucketPolicy does not overwrite a policy it did not ' +
                "create. It does not carry the Id this resource writes into a policy without one. To take it over, set adoptExisting: true: when the declared policy is equivalent to the live one nothing is written, " +
                "otherwise the live policy is replaced. If a deployment of this resource was interrupted after its put, see " +
                '"Recovering an interrupted deployment" in docs/usage.md. (Pulumi cannot import dynamic resources.)',
        );
    });
});
