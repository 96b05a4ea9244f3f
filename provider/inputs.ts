/**
 * The provider-side shapes of the resource's inputs and outputs (plain values: the engine resolves every Input and
 * strips secrets before it calls the provider).
 */

/** Pulumi's "not known yet" sentinel: `check` and `diff` receive it during preview for values computed by other resources. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value, or any value nested in it, is not known yet. */
export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** Checksum algorithms `PutBucketPolicy` accepts (`x-amz-sdk-checksum-algorithm`). */
export const CHECKSUM_ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** The resource's inputs after `check`: `policy` is always the JSON text that will be put. */
export interface BucketPolicyInputs {
    bucket: string;
    policy: string;
    expectedBucketOwner?: string;
    confirmRemoveSelfBucketAccess?: boolean;
    allowPublicAccess?: boolean;
    checksumAlgorithm?: ChecksumAlgorithm;
    adoptExisting?: boolean;
    region?: string;
    endpoint?: string;
    forcePathStyle?: boolean;
    profile?: string;
    retryTimeoutSeconds?: number;
    /** Fail `check` when a change of the policy grants, or may grant, new access (default: `bucketPolicy:denyNewAccess`). */
    denyNewAccess?: boolean;
    /** Fingerprints of reviewed new access that `denyNewAccess` lets through. */
    acceptNewAccess?: string[];
    /**
     * Not set by users: the Id this resource writes into a policy without one (`BucketPolicy` sends it; see
     * provider/ownership.ts). In state, it says the last put wrote it; absent when no put did (an adopted policy kept
     * as it was, state from before 0.4.0).
     */
    ownershipId?: string;
}

/** What the resource stores in state: the inputs as applied, `policy` as put, and what is derived from it. */
export interface BucketPolicyOutputs extends BucketPolicyInputs {
    canonicalPolicy: string;
    /** Whether S3 would call the policy public (`analyzePublicAccess`); absent in state written by 0.1.0. */
    isPublic?: boolean;
    /** `not public`, or which statements make the policy public and why; absent in state written by 0.1.0. */
    publicAccess?: string;
}

/** The outputs derived from `policy`: never inputs a user sets, never compared by `diff`. */
export const DERIVED_OUTPUTS = ["canonicalPolicy", "isPublic", "publicAccess"] as const;

/** Every input name the provider understands, in the order they are documented. */
export const INPUT_NAMES: ReadonlyArray<keyof BucketPolicyInputs> = [
    "bucket",
    "policy",
    "expectedBucketOwner",
    "confirmRemoveSelfBucketAccess",
    "allowPublicAccess",
    "checksumAlgorithm",
    "adoptExisting",
    "region",
    "endpoint",
    "forcePathStyle",
    "profile",
    "retryTimeoutSeconds",
    "denyNewAccess",
    "acceptNewAccess",
];

/**
 * Inputs that only gate `check` (the access-change analysis at preview): never stored in state, never a reason for a
 * diff, an update or a replacement, never an S3 call. Like a stack-config setting, their current value is what counts.
 */
export const CHECK_ONLY_INPUTS = ["denyNewAccess", "acceptNewAccess"] as const;

/**
 * Not inputs a user sets: `BucketPolicy` sends them, empty and secret, when `policy` is secret, so that the engine keeps
 * the outputs derived from the policy secret too (it marks an output secret only when the same-named input was).
 */
export const SECRECY_MARKERS: readonly string[] = DERIVED_OUTPUTS;

/** Inputs `BucketPolicy` sends itself, never documented as a user's: the ownership id. */
export const INTERNAL_INPUTS: readonly string[] = ["ownershipId"];

/** Inputs that change where the policy lives: a change replaces the resource. */
export const REPLACE_ON_CHANGE: ReadonlyArray<keyof BucketPolicyInputs> = ["bucket", "endpoint"];

/** The host turns outputs into a protobuf Struct, which rejects `undefined`: drop such keys. */
export function withoutUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
