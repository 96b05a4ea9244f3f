/**
 * Error codes, the error class, classification predicates and the sentences a user reads. S3 errors are matched by
 * `name` and `$metadata.httpStatusCode`; whether one is transient is the SDK's own classification.
 */
import { isClockSkewCorrectedError, isThrottlingError, isTransientError } from "@smithy/core/retry";

/** The SDK's error shape, as its classifiers take it. */
type SdkError = Parameters<typeof isTransientError>[0];

/** An S3 call the provider makes. */
export type S3Operation = "GetBucketPolicy" | "PutBucketPolicy" | "DeleteBucketPolicy";

/**
 * What a {@link BucketPolicyError} happened in: an S3 call, or `"CreateBucketPolicy"`, the resource's create deciding
 * not to put (the refusal to clobber, {@link clobberRefusal}). That is no S3 API: no S3 call failed, and none was made
 * that could have changed the bucket, so it does not claim to be a `PutBucketPolicy`.
 */
export type BucketPolicyOperation = S3Operation | "CreateBucketPolicy";

/** Facts about the call that failed, used to explain the failure. */
export interface ErrorContext {
    bucket: string;
    operation: S3Operation;
    expectedBucketOwner?: string;
    /** The policy being put is public as S3 defines it (`analyzePublicAccess`): a 403 may be Block Public Access. */
    publicPolicy?: boolean;
}

/**
 * The one error class the resource raises for S3 failures. The message names the bucket, the operation, the S3 error
 * code and HTTP status, the likely cause and the fix. It never contains credentials.
 */
export class BucketPolicyError extends Error {
    code: string;
    httpStatus?: number;
    bucket: string;
    operation: string;
    /** S3's id of the failed request (`x-amz-request-id`), for AWS support; also named in the message. */
    requestId?: string;
    constructor(message: string, options: BucketPolicyErrorOptions) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = "BucketPolicyError";
        this.code = options.code;
        this.httpStatus = options.httpStatus;
        this.bucket = options.bucket;
        this.operation = options.operation;
        if (options.requestId !== undefined) this.requestId = options.requestId;
    }
}

/** The facts a {@link BucketPolicyError} carries besides its message. */
export interface BucketPolicyErrorOptions {
    /** S3's error code, the Node error code when S3 never answered, or the provider's own (`PolicyExists`, …). */
    code: string;
    /** The HTTP status S3 answered with; absent when it never answered, or when no S3 call failed. */
    httpStatus?: number;
    bucket: string;
    operation: BucketPolicyOperation;
    /** The error underneath (the SDK's), kept as the standard `cause`. */
    cause?: unknown;
    requestId?: string;
}

/**
 * The refusal to overwrite a policy this resource did not create: create found `liveDescription` (the live policy's
 * statements, e.g. `2 statement(s): Sids "Read"`) on `bucket`, and `adoptExisting` is not set. Code `PolicyExists`,
 * operation `CreateBucketPolicy` (no S3 call failed, and no put was sent), no HTTP status.
 */
export function clobberRefusal(bucket: string, liveDescription: string, anotherResourcesWrite = false): BucketPolicyError {
    const whose = anotherResourcesWrite
        ? "It carries the Id another BucketPolicy resource writes (another name, stack, bucket or endpoint). "
        : "It does not carry the Id this resource writes into a policy without one. ";
    return new BucketPolicyError(
        `Bucket "${bucket}" already has a bucket policy (${liveDescription}), and BucketPolicy does not overwrite ` +
            `a policy it did not create. ${whose}To take it over, set adoptExisting: true: when the declared policy is equivalent to the ` +
            `live one nothing is written, otherwise the live policy is replaced. If a deployment of this resource was interrupted ` +
            `after its put, see "Recovering an interrupted deployment" in docs/usage.md. (Pulumi cannot import dynamic resources.)`,
        { code: "PolicyExists", bucket, operation: "CreateBucketPolicy" },
    );
}

/** The shape of an error thrown by `@aws-sdk/client-s3` (or by the network layer under it). */
export interface S3LikeError {
    name?: string;
    code?: string;
    Code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
}

/** The S3 error code of an SDK or network error: the modelled name, the XML Code, or the Node error code. */
export function errorCode(e: unknown): string {
    const err = (e ?? {}) as S3LikeError;
    if (err.Code) return err.Code;
    // @smithy/node-http-handler renames Node's ECONNRESET, EPIPE and ETIMEDOUT errors "TimeoutError"; the Node code
    // says what happened (a reset is not a time-out).
    if (err.name === "TimeoutError" && err.code && /^E[A-Z]+$/.test(err.code)) return err.code;
    if (err.name && err.name !== "Error" && err.name !== "S3ServiceException") return err.name;
    return err.code ?? err.name ?? "UnknownError";
}

/** The HTTP status of an SDK error, when the server answered. */
export function httpStatus(e: unknown): number | undefined {
    return ((e ?? {}) as S3LikeError).$metadata?.httpStatusCode;
}

/** The server's own message, unless it is the SDK's placeholder for an empty one. */
function serverMessage(e: unknown): string {
    const message = ((e ?? {}) as S3LikeError).message ?? "";
    return message === "UnknownError" ? "" : message;
}

/** True when the bucket has no policy (S3 models no class for this code). */
export function isNoSuchBucketPolicy(e: unknown): boolean {
    return errorCode(e) === "NoSuchBucketPolicy";
}

/** True when the bucket itself does not exist. */
export function isNoSuchBucket(e: unknown): boolean {
    return errorCode(e) === "NoSuchBucket";
}

/** True when a policy names a principal IAM has not propagated yet (AWS: 400 MalformedPolicy "Invalid principal in policy"). */
export function isPrincipalNotYetPropagated(e: unknown): boolean {
    return errorCode(e) === "MalformedPolicy" && /invalid principal/i.test(serverMessage(e));
}

/*
 * Which failures are worth another attempt is the SDK's own classification (@smithy/core's retry submodule, what the
 * SDK's standard retry strategy uses): throttling codes and 429, transient codes and 5xx, Node's time-out and network
 * codes, a clock skew the SDK has just corrected. The provider keeps only the S3-specific rules on top, each with its
 * reason (calls.ts `retryReason`).
 */

/** True for throttling answers (503 SlowDown, ThrottlingException, 429). */
export function isThrottling(e: unknown): boolean {
    return isThrottlingError(e as SdkError);
}

/** True when the request never got an HTTP answer: a reset, a refused or unreachable host, a time-out. */
export function isNetworkError(e: unknown): boolean {
    if (httpStatus(e) !== undefined) return false;
    if (isTransientError(e as SdkError)) return true;
    return /socket hang up/i.test(((e ?? {}) as S3LikeError).message ?? "");
}

/**
 * True for server-side errors a later attempt may not meet: 5xx (the SDK's transient statuses and other server
 * errors), and S3's 409 `OperationAborted` ("A conflicting conditional operation is currently in progress against
 * this resource. Please try again."), which the SDK does not classify.
 */
export function isTransientServerError(e: unknown): boolean {
    if (errorCode(e) === "OperationAborted") return true;
    const status = httpStatus(e);
    if (status === undefined) return false;
    return status >= 500 || isTransientError(e as SdkError);
}

/**
 * True when the answer was a clock-skew refusal and the SDK has corrected its clock offset from the server's `Date`
 * (the offset lives on the client, so the next attempt is signed with the corrected time).
 */
export function isCorrectedClockSkew(e: unknown): boolean {
    return isClockSkewCorrectedError(e as SdkError) === true;
}

/** True for S3's answers to a request signed at a time too far from its own (403 RequestTimeTooSkewed and kin). */
export function isClockSkew(e: unknown): boolean {
    return CLOCK_SKEW_CODES.has(errorCode(e));
}
const CLOCK_SKEW_CODES = new Set(["RequestTimeTooSkewed", "RequestInTheFuture", "RequestExpired"]);

/** The request id S3 gave the failed call, when it answered. */
export function requestIdOf(e: unknown): string | undefined {
    const metadata = ((e ?? {}) as { $metadata?: { requestId?: string; extendedRequestId?: string } }).$metadata;
    return metadata?.requestId || undefined;
}

/**
 * The provider's own code (S3 has none) for a GetBucketPolicy answered with success but no policy document. S3 answers a
 * bucket without a policy with 404 `NoSuchBucketPolicy`, so an empty success is neither a policy nor its absence.
 */
export const MISSING_POLICY_DOCUMENT = "MissingPolicyDocument";

/**
 * What `sendGetBucketPolicy` throws for a success without a policy document: shaped as the SDK's errors (`name` the code,
 * `$metadata` the answer's status and request id), so `describeS3Error` explains it like any failed call. Its status is
 * not one anything retries, and its code is not "not found".
 */
export function missingPolicyDocument(metadata: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string } = {}): Error {
    const status = metadata.httpStatusCode ?? 200;
    return Object.assign(new Error(`S3 answered ${status} without a policy document`), {
        name: MISSING_POLICY_DOCUMENT,
        $metadata: { ...metadata, httpStatusCode: status },
    });
}

/** Explains a failed S3 call: operation, bucket, code, status, likely cause and fix. */
export function describeS3Error(e: unknown, context: ErrorContext): BucketPolicyError {
    const code = errorCode(e);
    const status = httpStatus(e);
    const detail = serverMessage(e);
    const requestId = requestIdOf(e);
    const head = `${context.operation} on bucket "${context.bucket}" failed: ${code}${status ? ` (HTTP ${status})` : ""}${detail ? `: ${detail.replace(/[.\s]+$/, "")}` : ""}.`;
    const advice = adviceFor(code, status, detail, context);
    const message = `${head}${advice ? ` ${advice}` : ""}${requestId ? ` S3 request id: ${requestId}.` : ""}`;
    return new BucketPolicyError(message, { code, httpStatus: status, bucket: context.bucket, operation: context.operation, cause: e, requestId });
}

const CREDENTIAL_CODES = new Set([
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "CredentialsProviderError",
]);

/** What {@link S3ErrorExplanation.applies} looks at: the failed call's S3 code, HTTP status and server message. */
export interface S3Answer {
    code: string;
    status: number | undefined;
    /** The server's message ("" when it gave none). */
    detail: string;
}

/** One explanation a failed S3 call can get: the likely cause, then the fix. */
export interface S3ErrorExplanation {
    /** Which failures it explains, for people (and docs/errors.md's "when" column). */
    name: string;
    applies(answer: S3Answer, context: ErrorContext): boolean;
    /** The cause and the fix, as the message gives them after its head. */
    text(context: ErrorContext): string;
}

const isDenied = ({ code, status }: S3Answer) => code === "AccessDenied" || status === 403;

/**
 * Every explanation {@link describeS3Error} gives, in the order they are tried: the first that applies is used (a
 * failure no entry applies to gets the head alone). docs/errors.md has a row for each (tests/unit/docs.errors.test.ts).
 */
export const S3_ERROR_EXPLANATIONS: readonly S3ErrorExplanation[] = [
    // Before the 403 advice: S3 answers these with 403 too, and they are about the credentials, not the bucket.
    {
        name: "expired session credentials",
        applies: ({ code }) => code === "ExpiredToken" || code === "ExpiredTokenException" || code === "TokenRefreshRequired",
        text: () => `The session credentials have expired. Refresh them (aws sso login, or assume the role again) and run the command again.`,
    },
    {
        name: "clock skew",
        applies: ({ code }) => CLOCK_SKEW_CODES.has(code),
        text: () =>
            `This machine's clock differs from S3's by more than S3 allows (15 minutes). The SDK corrects its clock offset ` +
            `from S3's answer and the call is retried; if it still fails, set the machine's clock right (NTP).`,
    },
    {
        name: "rejected or missing credentials",
        applies: ({ code }) => CREDENTIAL_CODES.has(code),
        text: () => `The AWS credentials were rejected or could not be loaded. Check AWS_PROFILE / AWS_ACCESS_KEY_ID or the profile input.`,
    },
    {
        name: "403 from Block Public Access",
        applies: (answer) => isDenied(answer) && /public access|BlockPublicPolicy/i.test(answer.detail),
        text: () =>
            `The bucket's (or account's) S3 Block Public Access setting BlockPublicPolicy rejects policies that grant public access ` +
            `(allowPublicAccess does not bypass it). ` +
            `Narrow the policy's Principal/Condition, or turn BlockPublicPolicy off for this bucket if public access is intended.`,
    },
    {
        // S3 compatibles (RadosGW) refuse with a bare "Access Denied"; the policy being public is the likely reason.
        name: "403 on a put of a public policy",
        applies: (answer, context) => isDenied(answer) && context.operation === "PutBucketPolicy" && context.publicPolicy === true,
        text: ({ bucket }) =>
            `The policy is public (isPublic), and S3 Block Public Access refuses public policies where BlockPublicPolicy is on for ` +
            `bucket "${bucket}" or its account (allowPublicAccess does not bypass it). Narrow the policy's Principal/Condition, or turn ` +
            `BlockPublicPolicy off for this bucket if public access is intended. If Block Public Access is off, the caller lacks ` +
            `s3:PutBucketPolicy or the bucket's owner is not the expected one.`,
    },
    {
        name: "403 with expectedBucketOwner",
        applies: (answer, context) => isDenied(answer) && !!context.expectedBucketOwner,
        text: ({ bucket, operation, expectedBucketOwner }) =>
            `Either bucket "${bucket}" is not owned by account ${expectedBucketOwner} (expectedBucketOwner), or the caller lacks s3:${operation}. ` +
            `Check the bucket's owner, the caller's IAM permissions and the bucket policy's Deny statements.`,
    },
    {
        name: "403 without expectedBucketOwner",
        applies: isDenied,
        text: ({ bucket, operation }) =>
            `The caller lacks s3:${operation} on bucket "${bucket}", or the bucket's policy denies it. ` +
            `Check the bucket's owner, the caller's IAM permissions and the bucket policy's Deny statements.`,
    },
    {
        name: "405 MethodNotAllowed",
        applies: ({ code, status }) => code === "MethodNotAllowed" || status === 405,
        text: ({ bucket }) =>
            `The caller is not in the account that owns bucket "${bucket}": only the bucket owner's account may manage its policy. Use credentials from the owner account.`,
    },
    {
        name: "InvalidBucketName",
        applies: ({ code }) => code === "InvalidBucketName",
        text: ({ bucket }) =>
            `S3 does not accept "${bucket}" as a bucket name. On AWS, buckets created since March 2018 have 3 to 63 lowercase letters, ` +
            `digits, dots and hyphens, beginning and ending with a letter or digit; older us-east-1 buckets may differ. Check the bucket input.`,
    },
    {
        name: "NoSuchBucket",
        applies: ({ code }) => code === "NoSuchBucket",
        text: ({ bucket }) => `Bucket "${bucket}" does not exist (or is in another partition). Create it first, or fix the bucket name.`,
    },
    {
        name: "GetBucketPolicy answered without a policy document",
        applies: ({ code }) => code === MISSING_POLICY_DOCUMENT,
        text: () =>
            `S3 answers a bucket without a policy with 404 NoSuchBucketPolicy, never with an empty success, so this answer is neither ` +
            `a policy nor its absence, and BucketPolicy does not guess (taking it for no policy could overwrite or forget one). ` +
            `Something between BucketPolicy and S3 (the server at the endpoint input, or a proxy) dropped the answer's body: check it, and run the command again.`,
    },
    {
        name: "a policy document S3 rejected",
        applies: ({ code }) => code === "MalformedPolicy" || code === "InvalidArgument" || code === "InvalidPolicyDocument",
        text: () => `S3 rejected the policy document. Check each statement's Action, Resource (ARNs of this bucket), Principal and Condition.`,
    },
    {
        name: "the bucket is in another region",
        applies: ({ code, status }) => code === "PermanentRedirect" || code === "AuthorizationHeaderMalformed" || status === 301,
        text: ({ bucket }) => `Bucket "${bucket}" is in another region: set the region input (or aws:region) to the bucket's region.`,
    },
    {
        name: "throttling",
        applies: ({ code, status }) => isThrottling({ name: code, $metadata: { httpStatusCode: status } }),
        text: () => `S3 kept throttling requests. Run with less parallelism (pulumi up --parallel N), or raise retryTimeoutSeconds.`,
    },
    {
        name: "server-side or conflicting-operation errors",
        applies: ({ code, status }) => isTransientServerError({ name: code, $metadata: { httpStatusCode: status } }),
        text: () => `S3 kept failing with a server-side or conflicting-operation error. Run the command again later, or raise retryTimeoutSeconds.`,
    },
    {
        name: "request time-out",
        applies: ({ code }) => code === "TimeoutError" || code === "ETIMEDOUT",
        text: () =>
            `S3 did not answer within the request time-out. Check the endpoint/region inputs and the network; the time-out per request is 30 s (BUCKET_POLICY_REQUEST_TIMEOUT_MS in the provider's environment overrides it).`,
    },
    {
        name: "unreachable endpoint",
        applies: ({ code, detail }) => isNetworkError({ name: code, code, message: detail }),
        text: () => `The S3 endpoint could not be reached. Check the endpoint/region inputs and the network.`,
    },
];

function adviceFor(code: string, status: number | undefined, detail: string, context: ErrorContext): string {
    const answer: S3Answer = { code, status, detail };
    return S3_ERROR_EXPLANATIONS.find((explanation) => explanation.applies(answer, context))?.text(context) ?? "";
}
