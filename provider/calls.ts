/**
 * The three S3 calls as the provider makes them: retried when the failure is transient, explained when it is not.
 */
import {
    BucketPolicyError,
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
import { BucketTarget, PutOptions, S3Sender, deleteBucketPolicy, findBucketPolicy, putBucketPolicy } from "./s3";

/** One resource's view of S3: the client, the bucket and owner, and how long to keep retrying. */
export interface CallContext extends BucketTarget {
    client: S3Sender;
    retryTimeoutMs?: number;
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

async function retried<T>(context: CallContext, operation: S3Operation, call: () => Promise<T>): Promise<T> {
    const timeoutMs = context.retryTimeoutMs ?? DEFAULT_RETRY_TIMEOUT_MS;
    try {
        return await withRetries(call, {
            timeoutMs,
            retryReason: (error) => retryReason(error, operation),
            onGiveUp: (lastError, summary) => {
                const described = describeS3Error(
                    lastError,
                    context.expectedBucketOwner
                        ? { bucket: context.bucket, operation, expectedBucketOwner: context.expectedBucketOwner }
                        : { bucket: context.bucket, operation },
                );
                described.message =
                    `${described.message} Gave up after ${summary.attempts} attempt${summary.attempts === 1 ? "" : "s"} in ${seconds(summary.elapsedMs)} s: ` +
                    `another wait would pass the retry budget of ${seconds(timeoutMs)} s (retryTimeoutSeconds). Retried: ${summarizeReasons(summary.reasons)}.`;
                return described;
            },
            ...context.retry,
        });
    } catch (error) {
        if (error instanceof BucketPolicyError) throw error;
        // Codes the callers handle themselves travel on unchanged.
        if (isNoSuchBucketPolicy(error) || (operation !== "PutBucketPolicy" && isNoSuchBucket(error))) throw error;
        throw describeS3Error(error, { bucket: context.bucket, operation, expectedBucketOwner: context.expectedBucketOwner });
    }
}

/** The live policy text, or undefined when the bucket has none or does not exist. */
export async function getLivePolicy(context: CallContext): Promise<string | undefined> {
    try {
        return await retried(context, "GetBucketPolicy", () => findBucketPolicy(context.client, context));
    } catch (error) {
        if (isNoSuchBucketPolicy(error) || isNoSuchBucket(error)) return undefined;
        throw error;
    }
}

/** Puts the policy, retrying what eventual consistency and throttling cause. */
export async function putPolicy(context: CallContext, options: PutOptions): Promise<void> {
    await retried(context, "PutBucketPolicy", () => putBucketPolicy(context.client, context, options));
}

/** Deletes the policy; a policy or bucket that is already gone is success. */
export async function removePolicy(context: CallContext): Promise<void> {
    try {
        await retried(context, "DeleteBucketPolicy", () => deleteBucketPolicy(context.client, context));
    } catch (error) {
        if (isNoSuchBucketPolicy(error) || isNoSuchBucket(error)) return;
        throw error;
    }
}
