/**
 * The only module that talks to S3. It builds the client from the connection inputs at call time, so credentials are
 * resolved per call by the SDK's chain and never held, and wraps the three bucket-policy operations.
 *
 * The SDK is loaded on the first client or command, not with this module: a program that declares resources and a
 * preview (whose provider host makes no S3 call) never need it, and loading it costs 100–250 ms of CPU in each process
 * (docs/performance.md, "State and cost at scale").
 */
import type { ChecksumAlgorithm, GetBucketPolicyCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { environmentEndpoint } from "./endpoint";
import { missingPolicyDocument } from "./errors";

type S3Sdk = typeof import("@aws-sdk/client-s3");
let loadedSdk: S3Sdk | undefined;

/** The S3 SDK, required on first use (see the module's comment). */
function s3Sdk(): S3Sdk {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load on first use; see above
    return (loadedSdk ??= require("@aws-sdk/client-s3") as S3Sdk);
}

/** Where and as whom to call S3. Credentials are never part of it: the SDK's default chain resolves them per call. */
export interface Connection {
    region?: string;
    endpoint?: string;
    forcePathStyle?: boolean;
    profile?: string;
}

/** Anything with the SDK client's `send`, so tests can pass a recorder. */
export interface S3Sender {
    send(command: unknown): Promise<unknown>;
}

export const REQUEST_TIMEOUT_MS = 30_000;
export const CONNECTION_TIMEOUT_MS = 5_000;
/**
 * Overrides {@link REQUEST_TIMEOUT_MS} for the provider process, in milliseconds (a positive integer). Read each time a
 * client is made, so a test can start the provider host with a short time-out; an unset or invalid value is ignored.
 */
export const REQUEST_TIMEOUT_ENV = "BUCKET_POLICY_REQUEST_TIMEOUT_MS";

/** The time one S3 request may take before it fails with `TimeoutError` (then retried like any network error). */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
    const value = Number(env[REQUEST_TIMEOUT_ENV]);
    return Number.isInteger(value) && value > 0 ? value : REQUEST_TIMEOUT_MS;
}

/**
 * Creates an S3 client for one operation. The SDK's own retries are off: {@link withRetries} owns retrying, so the
 * attempts are bounded in one place and counted.
 */
export function createS3Client(connection: Connection): S3Client {
    // An endpoint the environment names is one the user chose, as much as the input: same path style, same redirects.
    const endpoint = connection.endpoint || environmentEndpoint()?.url || undefined;
    return new (s3Sdk().S3Client)({
        // Unset: the SDK resolves it (AWS_REGION, then the profile's region); AWS_DEFAULT_REGION is honoured as the CLI does.
        region: connection.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined,
        endpoint,
        forcePathStyle: connection.forcePathStyle ?? Boolean(endpoint),
        profile: connection.profile || undefined,
        followRegionRedirects: !endpoint,
        maxAttempts: 1,
        // throwOnRequestTimeout: since @smithy/node-http-handler 4.x, requestTimeout alone only logs a warning and the
        // request goes on waiting, without bound, for a server that never answers.
        requestHandler: { requestTimeout: requestTimeoutMs(), connectionTimeout: CONNECTION_TIMEOUT_MS, throwOnRequestTimeout: true },
    });
}

/** The parameters common to the three calls: the bucket, and the owner check when one is set. */
export interface BucketTarget {
    bucket: string;
    expectedBucketOwner?: string;
}

/** Adds `ExpectedBucketOwner` to every request when it is set: one concern, one place. */
function bucketParams(target: BucketTarget): { Bucket: string; ExpectedBucketOwner?: string } {
    return target.expectedBucketOwner ? { Bucket: target.bucket, ExpectedBucketOwner: target.expectedBucketOwner } : { Bucket: target.bucket };
}

/**
 * One GetBucketPolicy request: the live policy text. Throws the SDK error (`NoSuchBucketPolicy`, `NoSuchBucket`, …), and
 * {@link missingPolicyDocument} for a success without a policy document (the SDK gives `Policy` undefined for an empty
 * body): that is not the empty document, nor "no policy", which S3 answers with 404 `NoSuchBucketPolicy`.
 */
export async function sendGetBucketPolicy(client: S3Sender, target: BucketTarget): Promise<string> {
    const output = (await client.send(new (s3Sdk().GetBucketPolicyCommand)(bucketParams(target)))) as GetBucketPolicyCommandOutput;
    if (typeof output?.Policy !== "string" || output.Policy.trim() === "") throw missingPolicyDocument(output?.$metadata);
    return output.Policy;
}

/** What `PutBucketPolicy` takes besides the bucket. */
export interface PutOptions {
    policy: string;
    confirmRemoveSelfBucketAccess?: boolean;
    checksumAlgorithm?: string;
}

/** One PutBucketPolicy request, with the policy text as it is. Throws the SDK error. */
export async function sendPutBucketPolicy(client: S3Sender, target: BucketTarget, options: PutOptions): Promise<void> {
    await client.send(
        new (s3Sdk().PutBucketPolicyCommand)({
            ...bucketParams(target),
            Policy: options.policy,
            ...(options.confirmRemoveSelfBucketAccess !== undefined ? { ConfirmRemoveSelfBucketAccess: options.confirmRemoveSelfBucketAccess } : {}),
            ...(options.checksumAlgorithm ? { ChecksumAlgorithm: options.checksumAlgorithm as ChecksumAlgorithm } : {}),
        }),
    );
}

/** One DeleteBucketPolicy request. Throws the SDK error. */
export async function sendDeleteBucketPolicy(client: S3Sender, target: BucketTarget): Promise<void> {
    await client.send(new (s3Sdk().DeleteBucketPolicyCommand)(bucketParams(target)));
}
