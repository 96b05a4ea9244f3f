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
    /** Not set by users: `true` when the program's policy is secret (see {@link SECRET_POLICY_MARKER}). */
    secretPolicy?: boolean;
}

/**
 * What the resource stores in state: the inputs as applied and `policy` as put. Nothing derivable from the policy is
 * stored (since 0.5.0): `BucketPolicy` derives {@link DERIVED_OUTPUTS} in the program.
 */
export type BucketPolicyOutputs = BucketPolicyInputs;

/**
 * The outputs derived from `policy`, made in the program (resource.ts). State written by 0.1.0–0.4.0 holds them (and a
 * secret policy's inputs hold them empty): the provider never compares them and drops them from what it returns.
 */
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
 * Not an input a user sets: `BucketPolicy` sends it, `true`, when `policy` is secret. The engine strips secrets before
 * it calls a dynamic provider, and `check` must not print the access-change analysis of a secret policy. Kept in the
 * state's inputs only; never an output, never a reason for a diff.
 */
export const SECRET_POLICY_MARKER = "secretPolicy";

/** Inputs `BucketPolicy` sends itself, never documented as a user's: the ownership id and the secret-policy marker. */
export const INTERNAL_INPUTS: readonly string[] = ["ownershipId", SECRET_POLICY_MARKER];

/** What the provider never returns as an output: inputs that only gate `check`, the marker, derived outputs of old state. */
export const NOT_OUTPUTS: readonly string[] = [...CHECK_ONLY_INPUTS, SECRET_POLICY_MARKER, ...DERIVED_OUTPUTS, "__provider"];

/** Inputs that change where the policy lives: a change replaces the resource. */
export const REPLACE_ON_CHANGE: ReadonlyArray<keyof BucketPolicyInputs> = ["bucket", "endpoint"];

/** The host turns outputs into a protobuf Struct, which rejects `undefined`: drop such keys. */
export function withoutUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
