import { describeS3Error } from "../../provider/errors";

const s3Error = (name: string, status?: number, message = "UnknownError") => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe("describeS3Error", () => {
    it("explains a 403 with an expected owner as a possible owner mismatch", () => {
        const error = describeS3Error(s3Error("AccessDenied", 403, "Access Denied"), {
            bucket: "b1",
            operation: "PutBucketPolicy",
            expectedBucketOwner: "111122223333",
        });
        expect(error.message).toBe(
            'PutBucketPolicy on bucket "b1" failed: AccessDenied (HTTP 403): Access Denied. Either bucket "b1" is not owned by account 111122223333 (expectedBucketOwner), or the caller lacks s3:PutBucketPolicy. Check the bucket\'s owner, the caller\'s IAM permissions and the bucket policy\'s Deny statements.',
        );
        expect(error).toMatchObject({ name: "BucketPolicyError", code: "AccessDenied", httpStatus: 403, bucket: "b1", operation: "PutBucketPolicy" });
    });

    it("names BlockPublicPolicy when Block Public Access refuses the policy", () => {
        const error = describeS3Error(
            s3Error(
                "AccessDenied",
                403,
                "User is not authorized to perform s3:PutBucketPolicy because public policies are blocked by the BlockPublicPolicy block public access setting.",
            ),
            {
                bucket: "b1",
                operation: "PutBucketPolicy",
            },
        );
        expect(error.message).toMatch(/Block Public Access setting BlockPublicPolicy/);
    });

    it("explains 405 as a caller from another account", () => {
        const error = describeS3Error(s3Error("MethodNotAllowed", 405), { bucket: "b1", operation: "DeleteBucketPolicy" });
        expect(error.message).toMatch(
            /^DeleteBucketPolicy on bucket "b1" failed: MethodNotAllowed \(HTTP 405\)\. The caller is not in the account that owns bucket "b1"/,
        );
    });

    it("explains InvalidBucketName: the name S3 refused, AWS's current rules, and that older buckets may differ", () => {
        const error = describeS3Error(s3Error("InvalidBucketName", 400), { bucket: "Legacy_Bucket", operation: "PutBucketPolicy" });
        expect(error.message).toMatch(/^PutBucketPolicy on bucket "Legacy_Bucket" failed: InvalidBucketName \(HTTP 400\)/);
        expect(error.message).toMatch(
            /S3 does not accept "Legacy_Bucket" as a bucket name\. .*since March 2018 .*3 to 63 lowercase .*older us-east-1 buckets may differ/,
        );
    });

    it("explains 403 RequestTimeTooSkewed as the machine's clock, not as a missing permission (regression)", () => {
        const error = describeS3Error(s3Error("RequestTimeTooSkewed", 403), { bucket: "b1", operation: "PutBucketPolicy" });
        expect(error.message).toMatch(/clock differs from S3's/);
        expect(error.message).not.toMatch(/lacks s3:PutBucketPolicy/);
    });

    it("keeps the SDK error as the cause and S3's request id, which the message names", () => {
        const sdkError = Object.assign(s3Error("AccessDenied", 403), { $metadata: { httpStatusCode: 403, requestId: "4442587FB7D0A2F9" } });
        const error = describeS3Error(sdkError, { bucket: "b1", operation: "GetBucketPolicy" });
        expect(error.cause).toBe(sdkError);
        expect(error.requestId).toBe("4442587FB7D0A2F9");
        expect(error.message).toMatch(/^GetBucketPolicy on bucket "b1" failed: AccessDenied \(HTTP 403\)\. .* S3 request id: 4442587FB7D0A2F9\.$/);
    });

    it("leaves out the SDK's 'UnknownError' placeholder for an empty server message", () => {
        const error = describeS3Error(s3Error("NoSuchBucket", 404), { bucket: "b1", operation: "PutBucketPolicy" });
        expect(error.message).toBe(
            'PutBucketPolicy on bucket "b1" failed: NoSuchBucket (HTTP 404). Bucket "b1" does not exist (or is in another partition). Create it first, or fix the bucket name.',
        );
    });

    it("points at the policy document for MalformedPolicy", () => {
        const error = describeS3Error(s3Error("MalformedPolicy", 400, "Policy has invalid resource"), { bucket: "b1", operation: "PutBucketPolicy" });
        expect(error.message).toMatch(/MalformedPolicy \(HTTP 400\): Policy has invalid resource\. S3 rejected the policy document/);
    });
});
