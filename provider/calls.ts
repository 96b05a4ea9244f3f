/**
 * The three S3 calls as the provider makes them: retried when the failure is transient, explained when it is not, and
 * "not found" answered in one place. `./s3` sends one request each (`sendGetBucketPolicy`, …); these are the calls.
 */
import {
    BucketPolicyError,
    ErrorContext,
    S3Operation,
    describeS3Error,
    errorCode,
    httpStatus,
    isClockSkew,
    isCorrectedClockSkew,
    isNetworkError,
    isNoSuchBucket,
    isNoSuchBucketPolicy,
    isPrincipalNotYetPropagated,
    isThrottling,
    isTransientServerError,
} from "./errors";
import { DEFAULT_RETRY_TIMEOUT_MS, RetryOptions, summarizeReasons, withRetries } from "./retry";
import { BucketTarget, PutOptions, S3Sender, sendDeleteBucketPolicy, sendGetBucketPolicy, sendPutBucketPolicy } from "./s3";

/** One resource's view of S3: the client, the bucket and owner, and how long to keep retrying. */
export interface CallContext extends BucketTarget {
    client: S3Sender;
    retryTimeoutMs?: number;
    /** The policy a put sends is public (`analyzePublicAccess`), which explains a 403 from Block Public Access. */
    publicPolicy?: boolean;
    /** Test seams for the retry loop. */
    retry?: Pick<RetryOptions, "sleep" | "random" | "now">;
}

/** Why an error is worth retrying for this operation, or undefined. */
export function retryReason(error: unknown, operation: S3Operation): string | undefined {
    const code = errorCode(error);
    const status = httpStatus(error);
    if (isThrottling(error)) return `${code}${status ? ` ${status}` : ""} (throttling)`;
    if (isTransientServerError(error)) return `${code}${status ? ` ${status}` : ""} (transient server error)`;
    if (isNetworkError(error)) return `${code} (network error)`;
    // A clock-skew refusal carries S3's Date, from which the SDK corrects the client's clock offset (it does so without
    // always flagging clockSkewCorrected, as seen with RadosGW): the next attempt is signed with the right time.
    if (isCorrectedClockSkew(error) || isClockSkew(error)) return `${code}${status ? ` ${status}` : ""} (clock skew; the SDK corrected its clock)`;
    // A bucket created moments ago by the same program may not be visible yet (eventual consistency). For a put this is
    // worth waiting for; for a get or delete, a missing bucket means the policy is gone.
    if (operation === "PutBucketPolicy" && isNoSuchBucket(error)) return "NoSuchBucket (bucket not visible yet)";
    if (operation === "PutBucketPolicy" && isPrincipalNotYetPropagated(error)) return "MalformedPolicy: Invalid principal (principal not propagated yet)";
    return undefined;
}

/** "2", "0.5", "12.3": seconds for a message, without a misleading rounding to a whole second. */
function seconds(ms: number): string {
    return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1);
}

/**
 * The one answer to "not found": a missing policy, or a missing bucket, means there is no policy to read or delete. A
 * put needs the bucket, so there `NoSuchBucket` is a failure (retried first: a new bucket may not be visible yet).
 */
function isNotFound(error: unknown, operation: S3Operation): boolean {
    return isNoSuchBucketPolicy(error) || (operation !== "PutBucketPolicy" && isNoSuchBucket(error));
}

/**
 * Runs one S3 call with retries. A not-found answer (see {@link isNotFound}) resolves to `undefined`; any other failure
 * becomes a {@link BucketPolicyError} that says what happened and what to do.
 */
async function retried<T>(context: CallContext, operation: S3Operation, call: () => Promise<T>): Promise<T | undefined> {
    const timeoutMs = context.retryTimeoutMs ?? DEFAULT_RETRY_TIMEOUT_MS;
    const facts: ErrorContext = { bucket: context.bucket, operation };
    if (context.expectedBucketOwner) facts.expectedBucketOwner = context.expectedBucketOwner;
    if (context.publicPolicy && operation === "PutBucketPolicy") facts.publicPolicy = true;
    const explain = (error: unknown) => describeS3Error(error, facts);
    try {
        return await withRetries(call, {
            timeoutMs,
            retryReason: (error) => retryReason(error, operation),
            onGiveUp: (lastError, summary) => {
                const described = explain(lastError);
                described.message =
                    `${described.message} Gave up after ${summary.attempts} attempt${summary.attempts === 1 ? "" : "s"} in ${seconds(summary.elapsedMs)} s: ` +
                    `another wait would pass the retry budget of ${seconds(timeoutMs)} s (retryTimeoutSeconds). Retried: ${summarizeReasons(summary.reasons)}.`;
                return described;
            },
            ...context.retry,
        });
    } catch (error) {
        if (error instanceof BucketPolicyError) throw error;
        if (isNotFound(error, operation)) return undefined;
        throw explain(error);
    }
}

/** The live policy text, or `undefined` when the bucket has no policy or does not exist: the one finder. */
export async function findBucketPolicy(context: CallContext): Promise<string | undefined> {
    return retried(context, "GetBucketPolicy", () => sendGetBucketPolicy(context.client, context));
}

/** Puts the policy, retrying what eventual consistency and throttling cause. */
export async function putBucketPolicy(context: CallContext, options: PutOptions): Promise<void> {
    await retried(context, "PutBucketPolicy", () => sendPutBucketPolicy(context.client, context, options));
}

/** Deletes the policy; a policy or bucket that is already gone is success. */
export async function deleteBucketPolicy(context: CallContext): Promise<void> {
    await retried(context, "DeleteBucketPolicy", () => sendDeleteBucketPolicy(context.client, context));
}
