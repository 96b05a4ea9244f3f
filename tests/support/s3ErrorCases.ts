/**
 * Failed S3 calls, one or more for each explanation `describeS3Error` gives (provider/errors.ts
 * `S3_ERROR_EXPLANATIONS`), with the facts its message must carry: the likely cause and the fix, as patterns of their
 * key words. tests/unit/errors.wording.test.ts checks the facts; tests/unit/docs.errors.test.ts checks docs/errors.md
 * against the messages these produce.
 */
import { ErrorContext, S3Operation, missingPolicyDocument } from "../../provider/errors";

export const BUCKET = "logs-bucket";
export const OWNER = "111122223333";

/** An error shaped as `@aws-sdk/client-s3` throws it: `name` is the S3 code, `$metadata.httpStatusCode` the status. */
export const s3Error = (name: string, status: number | undefined, message: string) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
/** An error from under the SDK (no HTTP answer): a Node system error with its `code`. */
export const networkError = (code: string, message: string) => Object.assign(new Error(message), { code, $metadata: {} });

export const errorContext = (operation: S3Operation, expectedBucketOwner?: string, bucket = BUCKET): ErrorContext =>
    expectedBucketOwner ? { bucket, operation, expectedBucketOwner } : { bucket, operation };

export interface S3ErrorCase {
    name: string;
    error: Error;
    context: ErrorContext;
    /** The S3 code the message names (the Node code for a network error). */
    code: string;
    /** The likely cause and the fix: patterns of their key words, in that order in the message. */
    cause: RegExp;
    fix: RegExp;
}

export const S3_ERROR_CASES: S3ErrorCase[] = [
    {
        name: "403 AccessDenied with expectedBucketOwner: another owner, or a missing permission",
        error: s3Error("AccessDenied", 403, "Access Denied"),
        context: errorContext("PutBucketPolicy", OWNER),
        code: "AccessDenied",
        cause: new RegExp(`not owned by account ${OWNER} \\(expectedBucketOwner\\).*lacks s3:PutBucketPolicy`),
        fix: /Check the bucket's owner.*IAM permissions.*Deny statements/,
    },
    {
        name: "403 AccessDenied without an owner: a missing permission or a Deny",
        error: s3Error("AccessDenied", 403, "Access Denied"),
        context: errorContext("GetBucketPolicy"),
        code: "AccessDenied",
        cause: /lacks s3:GetBucketPolicy .*policy denies it/,
        fix: /Check the bucket's owner.*IAM permissions/,
    },
    {
        name: "403 AccessDenied from Block Public Access: BlockPublicPolicy is named",
        error: s3Error(
            "AccessDenied",
            403,
            `User: arn:aws:iam::${OWNER}:user/ci is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${BUCKET}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
        ),
        context: errorContext("PutBucketPolicy", OWNER),
        code: "AccessDenied",
        cause: /Block Public Access setting BlockPublicPolicy rejects policies that grant public access \(allowPublicAccess does not bypass it\)/,
        fix: /Narrow the policy's Principal\/Condition.*turn BlockPublicPolicy off/,
    },
    {
        name: "403 AccessDenied without a reason on the put of a public policy (RadosGW's Block Public Access answer)",
        error: s3Error("AccessDenied", 403, "Access Denied"),
        context: { ...errorContext("PutBucketPolicy", OWNER), publicPolicy: true },
        code: "AccessDenied",
        cause: /The policy is public \(isPublic\).*Block Public Access.*BlockPublicPolicy.*allowPublicAccess does not bypass it/,
        fix: /turn BlockPublicPolicy off.*If Block Public Access is off, the caller lacks s3:PutBucketPolicy/,
    },
    {
        name: "403 InvalidAccessKeyId: rejected credentials, not a missing permission",
        error: s3Error("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
        context: errorContext("PutBucketPolicy"),
        code: "InvalidAccessKeyId",
        cause: /credentials were rejected/,
        fix: /AWS_PROFILE.*profile input/,
    },
    {
        name: "403 SignatureDoesNotMatch: rejected credentials",
        error: s3Error("SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided."),
        context: errorContext("GetBucketPolicy"),
        code: "SignatureDoesNotMatch",
        cause: /credentials were rejected/,
        fix: /AWS_PROFILE.*profile input/,
    },
    {
        name: "403 RequestTimeTooSkewed: the machine's clock, not a missing permission",
        error: s3Error("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."),
        context: errorContext("PutBucketPolicy"),
        code: "RequestTimeTooSkewed",
        cause: /clock differs from S3's/,
        fix: /clock right \(NTP\)/,
    },
    {
        name: "405 MethodNotAllowed: a caller outside the owner account",
        error: s3Error("MethodNotAllowed", 405, "The specified method is not allowed against this resource."),
        context: errorContext("DeleteBucketPolicy"),
        code: "MethodNotAllowed",
        cause: new RegExp(`not in the account that owns bucket "${BUCKET}"`),
        fix: /credentials from the owner account/,
    },
    {
        name: "400 InvalidBucketName: the name S3 refused, AWS's current rules, and that older buckets may differ",
        error: s3Error("InvalidBucketName", 400, "UnknownError"),
        context: errorContext("PutBucketPolicy", undefined, "Legacy_Bucket"),
        code: "InvalidBucketName",
        cause: /does not accept "Legacy_Bucket" as a bucket name.*since March 2018.*3 to 63 lowercase.*older us-east-1 buckets may differ/,
        fix: /Check the bucket input/,
    },
    {
        name: "404 NoSuchBucket",
        error: s3Error("NoSuchBucket", 404, "The specified bucket does not exist"),
        context: errorContext("PutBucketPolicy"),
        code: "NoSuchBucket",
        cause: /does not exist \(or is in another partition\)/,
        fix: /Create it first, or fix the bucket name/,
    },
    {
        name: "200 without a policy document (MissingPolicyDocument, the provider's code): neither a policy nor no policy",
        error: missingPolicyDocument({ httpStatusCode: 200, requestId: "7A1B2C3D4E5F6A7B" }),
        context: errorContext("GetBucketPolicy", OWNER),
        code: "MissingPolicyDocument",
        cause: /S3 answered 200 without a policy document\. S3 answers a bucket without a policy with 404 NoSuchBucketPolicy.*neither a policy nor its absence/,
        fix: /the server at the endpoint input, or a proxy\) dropped the answer's body: check it, and run the command again/,
    },
    {
        name: "400 MalformedPolicy, with S3's own reason",
        error: s3Error("MalformedPolicy", 400, "Policy has invalid resource"),
        context: errorContext("PutBucketPolicy"),
        code: "MalformedPolicy",
        cause: /Policy has invalid resource\. S3 rejected the policy document/,
        fix: /Check each statement's Action, Resource.*Principal and Condition/,
    },
    {
        name: "301 PermanentRedirect: the bucket is in another region",
        error: s3Error("PermanentRedirect", 301, "The bucket you are attempting to access must be addressed using the specified endpoint."),
        context: errorContext("GetBucketPolicy"),
        code: "PermanentRedirect",
        cause: /is in another region/,
        fix: /set the region input \(or aws:region\)/,
    },
    {
        name: "400 AuthorizationHeaderMalformed: S3's reason names the right region",
        error: s3Error("AuthorizationHeaderMalformed", 400, "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'"),
        context: errorContext("GetBucketPolicy"),
        code: "AuthorizationHeaderMalformed",
        cause: /expecting 'eu-west-1'.*is in another region/,
        fix: /set the region input \(or aws:region\)/,
    },
    {
        name: "400 ExpiredToken: expired session credentials",
        error: s3Error("ExpiredToken", 400, "The provided token has expired."),
        context: errorContext("PutBucketPolicy"),
        code: "ExpiredToken",
        cause: /session credentials have expired/,
        fix: /aws sso login.*assume the role again/,
    },
    {
        name: "no credentials at all (CredentialsProviderError, no HTTP answer)",
        error: Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
        context: errorContext("GetBucketPolicy"),
        code: "CredentialsProviderError",
        cause: /credentials were rejected or could not be loaded/,
        fix: /AWS_PROFILE \/ AWS_ACCESS_KEY_ID or the profile input/,
    },
    {
        name: "503 SlowDown: throttling",
        error: s3Error("SlowDown", 503, "Please reduce your request rate."),
        context: errorContext("PutBucketPolicy"),
        code: "SlowDown",
        cause: /kept throttling/,
        fix: /--parallel N.*retryTimeoutSeconds/,
    },
    {
        name: "500 InternalError: a server-side error",
        error: s3Error("InternalError", 500, "We encountered an internal error. Please try again."),
        context: errorContext("GetBucketPolicy"),
        code: "InternalError",
        cause: /server-side or conflicting-operation error/,
        fix: /again later.*retryTimeoutSeconds/,
    },
    {
        name: "network: connection refused (no HTTP answer), with the address S3 was sought at",
        error: networkError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"),
        context: errorContext("GetBucketPolicy"),
        code: "ECONNREFUSED",
        cause: /127\.0\.0\.1:9.*could not be reached/,
        fix: /endpoint\/region inputs and the network/,
    },
    {
        name: "network: host not found",
        error: networkError("ENOTFOUND", `getaddrinfo ENOTFOUND ${BUCKET}.s3.eu-west-9.amazonaws.com`),
        context: errorContext("PutBucketPolicy"),
        code: "ENOTFOUND",
        cause: /s3\.eu-west-9\.amazonaws\.com.*could not be reached/,
        fix: /endpoint\/region inputs and the network/,
    },
    {
        name: "network: request time-out",
        error: Object.assign(new Error("Connection timed out after 5000 ms"), { name: "TimeoutError" }),
        context: errorContext("GetBucketPolicy"),
        code: "TimeoutError",
        cause: /did not answer within the request time-out/,
        fix: /endpoint\/region inputs and the network.*30 s \(BUCKET_POLICY_REQUEST_TIMEOUT_MS/,
    },
];
