/** `check`'s rules for the inputs other than the policy: each failure names the input and what is wrong with it. */
import { isAccountId } from "../policy/arn";
import { describeValue, shownText } from "../policy/json";
import { CHECKSUM_ALGORITHMS, INPUT_NAMES, INTERNAL_INPUTS, SECRET_POLICY_MARKER, UNKNOWN } from "../inputs";
import { environmentEndpoint } from "../endpoint";
import { isOwnershipId } from "../ownership";

/** One problem with one input, as the engine reports it. */
export interface Failure {
    property: string;
    reason: string;
}

/** The longest bucket name any S3 server has: AWS's legacy us-east-1 names (created before March 2018) ran to 255. */
export const MAX_BUCKET_NAME_CHARS = 255;

/**
 * What can never be a bucket name on any S3 server; everything else is left to S3 to answer. AWS's current rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html: 3–63 lowercase letters, digits, dots
 * and hyphens, …) apply only to buckets created since March 2018: older us-east-1 buckets may have capitals and
 * underscores and up to 255 characters, AWS still serves them, and other servers (a custom `endpoint`) have rules of
 * their own. Names of letters, digits, `.`, `-` and `_` up to 255 characters cover them all, except `.` and `..`, which
 * never reach a bucket; S3 refuses the rest of what it does not have (`InvalidBucketName`, `NoSuchBucket`), and the
 * error says so.
 */
export function bucketNameProblem(name: string): string | undefined {
    // A common slip: the bucket's ARN or URL where its name belongs.
    const named = /^(?:arn:[^:]*:s3:::|s3:\/\/|https?:\/\/)([^/]*)/.exec(name);
    if (named) return `is an ARN or URL; give the bucket's name alone${named[1] ? ` ("${named[1]}")` : ""}`;
    if (name.length > MAX_BUCKET_NAME_CHARS) return `must be at most ${MAX_BUCKET_NAME_CHARS} characters long, got ${name.length}`;
    const bad = /[^A-Za-z0-9._-]/.exec(name);
    if (bad) return `may contain only letters, digits, dots, hyphens and underscores, got ${JSON.stringify(bad[0])} at position ${bad.index + 1}`;
    // Path-style, the bucket is the request path's first segment, and a URL resolves "." and ".." away: the SDK would send
    // GET /?policy to the service root, not to a bucket (no S3 server has a bucket of that name).
    if (name === "." || name === "..")
        return `is ${JSON.stringify(name)}, which a URL path resolves away: the request would go to the S3 service root, not to a bucket`;
    return undefined;
}

function optionalType(failures: Failure[], news: Record<string, unknown>, property: string, type: "string" | "boolean" | "number"): void {
    const value = news[property];
    if (value === undefined || value === null || value === UNKNOWN) return;
    if (typeof value !== type) failures.push({ property, reason: `${property} must be a ${type}, got ${describeValue(value)}` });
}

/** What is wrong with an endpoint URL; `named` is how the message names it (the input, or the variable it came from). */
export function endpointProblem(endpoint: string, named = "endpoint"): string | undefined {
    let url: URL | undefined;
    try {
        url = new URL(endpoint);
    } catch {
        url = undefined;
    }
    if (url && (url.username || url.password)) return `${named} must not contain credentials; use the AWS credential chain`;
    if (url && (url.protocol === "http:" || url.protocol === "https:")) return undefined;
    // Never echo what may be credentials (user:secret@host) into a message.
    const shown = endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@\s]*@/i, "$1…@");
    return `${named} must be an http:// or https:// URL, got ${shownText(shown)}`;
}

/** The endpoint input's problem; unset, the problem of the endpoint the environment names (provider/endpoint.ts). */
function endpointFailureOf(value: unknown): string | undefined {
    if (value === UNKNOWN) return undefined;
    if (typeof value === "string" && value !== "") return endpointProblem(value);
    if (value !== undefined && value !== null && value !== "") return undefined; // a wrong type is named by optionalType
    const fromEnvironment = environmentEndpoint();
    if (!fromEnvironment) return undefined;
    const problem = endpointProblem(fromEnvironment.url, fromEnvironment.variable);
    return problem && `endpoint is unset, so the environment's ${fromEnvironment.variable} applies, and ${problem}`;
}

/** `acceptNewAccess`: a list of fingerprints (non-empty strings); a list or an item not known yet is left for the real run. */
function acceptNewAccessProblem(value: unknown): string | undefined {
    if (value === undefined || value === null || value === UNKNOWN) return undefined;
    if (!Array.isArray(value)) return `acceptNewAccess must be a list of strings (fingerprints of reviewed new access), got ${describeValue(value)}`;
    const bad = value.findIndex((item) => item !== UNKNOWN && (typeof item !== "string" || item === ""));
    if (bad >= 0)
        return `acceptNewAccess must be a list of non-empty strings (fingerprints of reviewed new access), got ${describeValue(value[bad])} at index ${bad}`;
    return undefined;
}

/** Validates the inputs other than `policy`; a value not known yet (preview) is left for the real run. */
export function validateSettings(news: Record<string, unknown>): Failure[] {
    const failures: Failure[] = [];
    for (const key of Object.keys(news)) {
        if (INTERNAL_INPUTS.includes(key)) {
            const valid = key === SECRET_POLICY_MARKER ? news[key] === true : isOwnershipId(news[key]);
            if (news[key] !== UNKNOWN && !valid)
                failures.push({ property: key, reason: `${key} is set by BucketPolicy itself; got ${describeValue(news[key])}` });
            continue;
        }
        if (key !== "__provider" && !(INPUT_NAMES as readonly string[]).includes(key)) {
            failures.push({ property: key, reason: `${key} is not an input of BucketPolicy (known inputs: ${INPUT_NAMES.join(", ")})` });
        }
    }
    const bucket = news.bucket;
    if (bucket !== UNKNOWN) {
        if (typeof bucket !== "string" || bucket === "") {
            failures.push({ property: "bucket", reason: `bucket is required and must be a non-empty string, got ${describeValue(bucket)}` });
        } else {
            const problem = bucketNameProblem(bucket);
            if (problem) failures.push({ property: "bucket", reason: `bucket "${bucket}" is not a valid S3 bucket name: it ${problem}` });
        }
    }
    for (const property of ["region", "endpoint", "profile", "expectedBucketOwner", "checksumAlgorithm"]) optionalType(failures, news, property, "string");
    for (const property of ["confirmRemoveSelfBucketAccess", "allowPublicAccess", "adoptExisting", "forcePathStyle", "denyNewAccess"])
        optionalType(failures, news, property, "boolean");
    optionalType(failures, news, "retryTimeoutSeconds", "number");
    const accept = acceptNewAccessProblem(news.acceptNewAccess);
    if (accept) failures.push({ property: "acceptNewAccess", reason: accept });

    const known = (property: string): string | undefined => {
        const value = news[property];
        return typeof value === "string" && value !== UNKNOWN ? value : undefined;
    };
    const owner = known("expectedBucketOwner");
    if (owner !== undefined && !isAccountId(owner)) {
        failures.push({ property: "expectedBucketOwner", reason: `expectedBucketOwner must be a 12-digit AWS account id, got ${shownText(owner)}` });
    }
    const checksum = known("checksumAlgorithm");
    if (checksum !== undefined && !(CHECKSUM_ALGORITHMS as readonly string[]).includes(checksum)) {
        failures.push({
            property: "checksumAlgorithm",
            reason: `checksumAlgorithm must be one of ${CHECKSUM_ALGORITHMS.join(", ")}, got ${shownText(checksum)}`,
        });
    }
    const endpointFailure = endpointFailureOf(news.endpoint);
    if (endpointFailure) failures.push({ property: "endpoint", reason: endpointFailure });
    const region = known("region");
    if (region && !/^[a-z]{2}(-[a-z0-9]+)+-\d+$|^[a-z0-9-]+$/.test(region)) {
        failures.push({ property: "region", reason: `region must look like an AWS region such as us-east-1, got ${shownText(region)}` });
    }
    const timeout = news.retryTimeoutSeconds;
    if (typeof timeout === "number" && !(Number.isFinite(timeout) && timeout >= 0 && timeout <= 3600)) {
        failures.push({ property: "retryTimeoutSeconds", reason: `retryTimeoutSeconds must be between 0 and 3600, got ${timeout}` });
    }
    return failures;
}
