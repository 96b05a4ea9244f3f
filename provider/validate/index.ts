/**
 * `check`'s rules: every input is validated before any call to S3, and each failure names the property (and, for the
 * policy, the statement) and what is wrong. Pure: no SDK, no Pulumi. The inputs other than the policy are in
 * settings.ts, the policy grammar in grammar.ts, the lock-out analysis in lockout.ts; this module puts them together
 * for the policy input.
 */
import { PolicyParseError, PublicAccessAnalysis } from "../policy";
import { formatModel } from "../policy/format";
import { deepNestingError } from "../policy/parse";
import { MAX_POLICY_DEPTH, describeValue, nestingDepth } from "../policy/json";
import { PolicyModel } from "../policy/model";
import { modelOf } from "../policy/read";
import { publicAccessOf } from "../policy/publicAccess";
import { UNKNOWN, containsUnknown } from "../inputs";
import { policyProblems } from "./grammar";
import { lockoutRisk } from "./lockout";
import { publicPolicyFailure } from "./publicAccess";
import type { Failure } from "./settings";

export type { Failure } from "./settings";
export { MAX_BUCKET_NAME_CHARS, bucketNameProblem, validateSettings } from "./settings";
export { policyProblems } from "./grammar";
export { lockoutRisk } from "./lockout";
export { publicAccessSummary, publicPolicyWarning } from "./publicAccess";

/** S3's documented limit for a bucket policy document, in bytes. */
export const MAX_POLICY_BYTES = 20 * 1024;

/** The result of validating the policy input: the text to put, or the failures. */
export interface PolicyCheck {
    policy?: string;
    failures: Failure[];
    /** A confirmed lock-out (`confirmRemoveSelfBucketAccess`), for a warning. */
    lockout?: string;
    /** What makes an allowed public policy public (`allowPublicAccess`), for a warning. */
    publicAccess?: PublicAccessAnalysis;
}

/** The inputs besides the policy that `checkPolicy` reads. */
export interface PolicyCheckOptions {
    bucket?: unknown;
    confirmRemoveSelfBucketAccess?: unknown;
    allowPublicAccess?: unknown;
}

/**
 * A failure about the policy document names no property, and its reason starts with `policy` instead. The engine
 * prints a failure that names a property with that property's whole value before the reason
 * (`<type> resource '<name>': property policy value {<the document, up to 20 KB>} has a problem: <reason>`), and one
 * that names none without it (`<type> resource '<name>' has a problem: <reason>`); `issueCheckFailures`, in the
 * engine's step_generator.go, as the real CLI (v3.274.1) prints it. A path such as `policy.Statement[0]` is no better:
 * the engine looks the whole path up as one top-level input and prints `value {<nil>}` before the reason.
 * The other inputs' failures keep their property (settings.ts): their values are short, and the value helps there.
 */
export const POLICY_FAILURE_PROPERTY = "";

/** A failure about the policy document (see {@link POLICY_FAILURE_PROPERTY}); `reason` says it is about the policy. */
export function policyFailure(reason: string): Failure {
    return { property: POLICY_FAILURE_PROPERTY, reason };
}

function failed(reason: string): PolicyCheck {
    return { failures: [policyFailure(reason)] };
}

/** Validates the policy input (JSON text or object) and returns the text that will be put (see `formatPolicy`). */
export function checkPolicy(policy: unknown, options: PolicyCheckOptions = {}): PolicyCheck {
    const { bucket, confirmRemoveSelfBucketAccess, allowPublicAccess } = options;
    if (policy === undefined || policy === null || policy === "") return failed("policy is required: a policy document object or its JSON text");
    if (typeof policy !== "string" && (typeof policy !== "object" || Array.isArray(policy))) {
        return failed(`policy must be a JSON string or an object, got ${describeValue(policy)}`);
    }
    // Before anything recurses into a program's object: the parser says the same of a text.
    if (typeof policy === "object" && nestingDepth(policy) > MAX_POLICY_DEPTH) {
        return failed(deepNestingError().message);
    }
    if (containsUnknown(policy)) return { policy: policy as string, failures: [] };
    let model: PolicyModel;
    try {
        model = modelOf(policy as string | object);
    } catch (e) {
        if (!(e instanceof PolicyParseError)) throw e;
        const message = e.message;
        // The guards' own wording says what is wrong with the document as a whole.
        return failed(/^policy (nests|has the key)/.test(message) ? message : `policy is not a valid policy document: ${message.replace(/^policy /, "it ")}`);
    }
    const knownBucket = typeof bucket === "string" && bucket !== UNKNOWN ? bucket : undefined;
    const problems = policyProblems(model, knownBucket);
    if (problems.length > 0) return { failures: problems.map((problem) => policyFailure(`policy ${problem}`)) };
    const text = formatModel(model, true);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > MAX_POLICY_BYTES) return failed(`policy is ${bytes} bytes once compacted; S3 accepts at most ${MAX_POLICY_BYTES} bytes`);
    const lockout = lockoutRisk(model, knownBucket);
    if (lockout && confirmRemoveSelfBucketAccess !== true) {
        return failed(
            `policy would lock every caller out of managing it: ${lockout}. Set confirmRemoveSelfBucketAccess: true if that is intended (only the account root user could then change it).`,
        );
    }
    const access = publicAccessOf(model);
    if (access.isPublic && allowPublicAccess !== true) return failed(publicPolicyFailure(access));
    const result: PolicyCheck = { policy: text, failures: [] };
    if (lockout) result.lockout = lockout;
    if (access.isPublic) result.publicAccess = access;
    return result;
}
