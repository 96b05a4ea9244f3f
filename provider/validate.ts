/**
 * `check`'s rules: every input is validated before any call to S3, and each failure names the property (and, for the
 * policy, the statement) and what is wrong. Pure: no SDK, no Pulumi.
 */
import { formatPolicy, parsePolicy } from "./policy";
import { MAX_POLICY_DEPTH, isJsonNumber, isPlainObject, nestingDepth } from "./policy/json";
import { CHECKSUM_ALGORITHMS, INPUT_NAMES, SECRECY_MARKER, UNKNOWN, containsUnknown } from "./inputs";

export interface Failure {
    property: string;
    reason: string;
}

/** S3's documented limit for a bucket policy document, in bytes. */
export const MAX_POLICY_BYTES = 20 * 1024;
const VERSIONS = ["2012-10-17", "2008-10-17"];
const STATEMENT_KEYS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
const DOCUMENT_KEYS = ["Version", "Id", "Statement"];
const PRINCIPAL_TYPES = ["AWS", "Service", "Federated", "CanonicalUser"];
const POLICY_OPERATIONS = ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"];

/** The longest bucket name any S3 server has: AWS's legacy us-east-1 names (created before March 2018) ran to 255. */
export const MAX_BUCKET_NAME_CHARS = 255;

/**
 * What can never be a bucket name on any S3 server; everything else is left to S3 to answer. AWS's current rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html: 3–63 lowercase letters, digits, dots
 * and hyphens, …) apply only to buckets created since March 2018: older us-east-1 buckets may have capitals and
 * underscores and up to 255 characters, AWS still serves them, and other servers (a custom `endpoint`) have rules of
 * their own. Names of letters, digits, `.`, `-` and `_` up to 255 characters cover them all; S3 refuses the rest of
 * what it does not have (`InvalidBucketName`, `NoSuchBucket`), and the error says so.
 */
export function bucketNameProblem(name: string): string | undefined {
    // A common slip: the bucket's ARN or URL where its name belongs.
    const named = /^(?:arn:[^:]*:s3:::|s3:\/\/|https?:\/\/)([^/]*)/.exec(name);
    if (named) return `is an ARN or URL; give the bucket's name alone${named[1] ? ` ("${named[1]}")` : ""}`;
    if (name.length > MAX_BUCKET_NAME_CHARS) return `must be at most ${MAX_BUCKET_NAME_CHARS} characters long, got ${name.length}`;
    const bad = /[^A-Za-z0-9._-]/.exec(name);
    if (bad) return `may contain only letters, digits, dots, hyphens and underscores, got ${JSON.stringify(bad[0])} at position ${bad.index + 1}`;
    return undefined;
}

function describeValue(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

function optionalType(failures: Failure[], news: Record<string, unknown>, property: string, type: "string" | "boolean" | "number"): void {
    const value = news[property];
    if (value === undefined || value === null || value === UNKNOWN) return;
    if (typeof value !== type) failures.push({ property, reason: `${property} must be a ${type}, got ${describeValue(value)}` });
}

/** Validates the scalar inputs. */
export function validateSettings(news: Record<string, unknown>): Failure[] {
    const failures: Failure[] = [];
    for (const key of Object.keys(news)) {
        if (key === SECRECY_MARKER && (news[key] === "" || news[key] === UNKNOWN)) continue;
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
    for (const property of ["confirmRemoveSelfBucketAccess", "adoptExisting", "forcePathStyle"]) optionalType(failures, news, property, "boolean");
    optionalType(failures, news, "retryTimeoutSeconds", "number");

    const owner = news.expectedBucketOwner;
    if (typeof owner === "string" && owner !== UNKNOWN && !/^\d{12}$/.test(owner)) {
        failures.push({ property: "expectedBucketOwner", reason: `expectedBucketOwner must be a 12-digit AWS account id, got ${describeValue(owner)}` });
    }
    const checksum = news.checksumAlgorithm;
    if (typeof checksum === "string" && checksum !== UNKNOWN && !(CHECKSUM_ALGORITHMS as readonly string[]).includes(checksum)) {
        failures.push({
            property: "checksumAlgorithm",
            reason: `checksumAlgorithm must be one of ${CHECKSUM_ALGORITHMS.join(", ")}, got ${describeValue(checksum)}`,
        });
    }
    const endpoint = news.endpoint;
    if (typeof endpoint === "string" && endpoint !== UNKNOWN && endpoint !== "") {
        let url: URL | undefined;
        try {
            url = new URL(endpoint);
        } catch {
            url = undefined;
        }
        if (url && (url.username || url.password)) {
            failures.push({ property: "endpoint", reason: "endpoint must not contain credentials; use the AWS credential chain" });
        } else if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
            // Never echo what may be credentials (user:secret@host) into a message.
            const shown = endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@\s]*@/i, "$1…@");
            failures.push({ property: "endpoint", reason: `endpoint must be an http:// or https:// URL, got ${describeValue(shown)}` });
        }
    }
    const region = news.region;
    if (typeof region === "string" && region !== UNKNOWN && region !== "" && !/^[a-z]{2}(-[a-z0-9]+)+-\d+$|^[a-z0-9-]+$/.test(region)) {
        failures.push({ property: "region", reason: `region must look like an AWS region such as us-east-1, got ${describeValue(region)}` });
    }
    const timeout = news.retryTimeoutSeconds;
    if (typeof timeout === "number" && !(Number.isFinite(timeout) && timeout >= 0 && timeout <= 3600)) {
        failures.push({ property: "retryTimeoutSeconds", reason: `retryTimeoutSeconds must be between 0 and 3600, got ${timeout}` });
    }
    return failures;
}

function asList(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [value];
}

function statementLabel(index: number, statement: Record<string, unknown>): string {
    return typeof statement.Sid === "string" && statement.Sid !== "" ? `Statement[${index}] (Sid "${statement.Sid}")` : `Statement[${index}]`;
}

function checkStringList(where: string, element: string, value: unknown, problems: string[]): string[] {
    const items = asList(value);
    if (items.length === 0) problems.push(`${where}: ${element} must not be an empty list`);
    const strings: string[] = [];
    for (const item of items) {
        if (typeof item !== "string" || item === "") problems.push(`${where}: each ${element} must be a non-empty string, got ${describeValue(item)}`);
        else strings.push(item);
    }
    return strings;
}

/**
 * True for the forms AWS accepts in an `AWS` principal: `"*"`, a 12-digit account id, an ARN (IAM, STS, or the
 * CloudFront origin access identity `arn:aws:iam::cloudfront:user/…`), or an IAM unique id (how a deleted principal
 * reads back). Anything else gets 400 MalformedPolicy "Invalid principal in policy" from AWS, which the provider
 * retries as a principal not propagated yet: refusing it here saves the whole retry budget.
 */
function isAwsPrincipalId(id: string): boolean {
    return id === "*" || /^\d{12}$/.test(id) || /^arn:[^:\s]+:[^:\s]+:/.test(id) || /^A[A-Z0-9]{15,127}$/.test(id);
}

function checkPrincipal(where: string, element: string, value: unknown, problems: string[]): void {
    if (value === "*") return;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${where}: ${element} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}, got ${describeValue(value)}`);
        return;
    }
    const entries = Object.entries(value);
    if (entries.length === 0) problems.push(`${where}: ${element} must name at least one principal`);
    for (const [type, ids] of entries) {
        if (!PRINCIPAL_TYPES.includes(type)) problems.push(`${where}: ${element} type "${type}" is not one of ${PRINCIPAL_TYPES.join(", ")}`);
        const names = checkStringList(where, `${element}.${type}`, ids, problems);
        if (type !== "AWS") continue;
        for (const id of names.filter((name) => !isAwsPrincipalId(name))) {
            problems.push(`${where}: ${element}.AWS ${describeValue(id)} is not "*", a 12-digit account id or an ARN such as "arn:aws:iam::111122223333:root"`);
        }
    }
}

function checkCondition(where: string, value: unknown, problems: string[]): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${where}: Condition must be an object of operators, got ${describeValue(value)}`);
        return;
    }
    for (const [operator, block] of Object.entries(value)) {
        if (!isPlainObject(block)) {
            problems.push(`${where}: Condition.${operator} must be an object of condition keys, got ${describeValue(block)}`);
            continue;
        }
        for (const [key, values] of Object.entries(block)) {
            const items = asList(values);
            if (items.length === 0) problems.push(`${where}: Condition.${operator}.${key} must not be an empty list`);
            for (const item of items) {
                if (!["string", "number", "boolean"].includes(typeof item) && !isJsonNumber(item)) {
                    problems.push(`${where}: Condition.${operator}.${key} values must be strings, numbers or booleans, got ${describeValue(item)}`);
                }
            }
        }
    }
}

function exactlyOne(where: string, statement: Record<string, unknown>, a: string, b: string, problems: string[]): void {
    const hasA = statement[a] !== undefined;
    const hasB = statement[b] !== undefined;
    if (hasA && hasB) problems.push(`${where}: has both ${a} and ${b}; use exactly one`);
    if (!hasA && !hasB) problems.push(`${where}: must have ${a} or ${b}`);
}

/** True when an IAM pattern (`*` any run of characters, `?` one character) matches `value`. */
function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
    const source = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

/** True when an S3 ARN resource (possibly with wildcards) can name `bucket` or its objects. */
function resourceNamesBucket(resource: string, bucket: string): boolean {
    if (resource === "*") return true;
    const match = /^arn:[^:]+:s3:::(.*)$/.exec(resource);
    if (!match) return false;
    return globMatches(match[1].split("/")[0], bucket);
}

/** True when a Resource pattern matches the bucket's own ARN, the resource of the bucket-policy operations. */
function resourceIsBucketItself(resource: string, bucket: string): boolean {
    if (resource === "*") return true;
    const partition = /^arn:([^:]+):s3:::/.exec(resource)?.[1];
    return partition !== undefined && globMatches(resource, `arn:${partition}:s3:::${bucket}`);
}

function checkStatement(index: number, raw: unknown, bucket: string | undefined, problems: string[]): void {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        problems.push(`Statement[${index}] must be an object, got ${describeValue(raw)}`);
        return;
    }
    const statement = raw as Record<string, unknown>;
    const where = statementLabel(index, statement);
    for (const key of Object.keys(statement)) {
        if (!STATEMENT_KEYS.includes(key)) problems.push(`${where}: unknown element "${key}" (allowed: ${STATEMENT_KEYS.join(", ")})`);
    }
    if (statement.Sid !== undefined && typeof statement.Sid !== "string") problems.push(`${where}: Sid must be a string, got ${describeValue(statement.Sid)}`);
    if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
        problems.push(`${where}: Effect must be "Allow" or "Deny", got ${statement.Effect === undefined ? "nothing" : describeValue(statement.Effect)}`);
    }
    exactlyOne(where, statement, "Principal", "NotPrincipal", problems);
    exactlyOne(where, statement, "Action", "NotAction", problems);
    exactlyOne(where, statement, "Resource", "NotResource", problems);
    for (const element of ["Principal", "NotPrincipal"]) {
        if (statement[element] !== undefined) checkPrincipal(where, element, statement[element], problems);
    }
    for (const element of ["Action", "NotAction"]) {
        if (statement[element] === undefined) continue;
        for (const action of checkStringList(where, element, statement[element], problems)) {
            if (action !== "*" && !/^s3(express)?:[A-Za-z0-9*?]+$/i.test(action)) {
                problems.push(`${where}: ${element} "${action}" is not an S3 action (bucket policies accept "s3:<Action>" or "*")`);
            }
        }
    }
    for (const element of ["Resource", "NotResource"]) {
        if (statement[element] === undefined) continue;
        for (const resource of checkStringList(where, element, statement[element], problems)) {
            if (resource !== "*" && !/^arn:[^:]+:s3:::/.test(resource)) {
                problems.push(`${where}: ${element} "${resource}" is not an S3 ARN (arn:aws:s3:::bucket or arn:aws:s3:::bucket/key)`);
            } else if (element === "Resource" && bucket !== undefined && !resourceNamesBucket(resource, bucket)) {
                problems.push(`${where}: Resource "${resource}" does not name bucket "${bucket}" (a bucket policy can only grant access to its own bucket)`);
            }
        }
    }
    if (statement.Condition !== undefined) checkCondition(where, statement.Condition, problems);
}

/** Validates a parsed policy document against the grammar and S3's rules; returns one line per problem. */
export function policyProblems(document: Record<string, unknown>, bucket: string | undefined): string[] {
    const problems: string[] = [];
    for (const key of Object.keys(document)) {
        if (!DOCUMENT_KEYS.includes(key)) problems.push(`unknown top-level element "${key}" (allowed: ${DOCUMENT_KEYS.join(", ")})`);
    }
    if (document.Version !== undefined && !VERSIONS.includes(document.Version as string)) {
        problems.push(`Version must be "2012-10-17" (or the legacy "2008-10-17"), got ${describeValue(document.Version)}`);
    }
    if (document.Id !== undefined && typeof document.Id !== "string") problems.push(`Id must be a string, got ${describeValue(document.Id)}`);
    const statements = document.Statement;
    if (statements === undefined) {
        problems.push("Statement is required");
        return problems;
    }
    const list = asList(statements);
    if (list.length === 0) problems.push("Statement must contain at least one statement");
    list.forEach((statement, index) => checkStatement(index, statement, bucket, problems));
    const seen = new Map<string, number>();
    list.forEach((statement, index) => {
        const sid = (statement as Record<string, unknown> | null)?.Sid;
        if (typeof sid !== "string" || sid === "") return;
        if (seen.has(sid)) problems.push(`Statement[${index}]: Sid "${sid}" is already used by Statement[${seen.get(sid)}]; Sids must be unique`);
        else seen.set(sid, index);
    });
    return problems;
}

/**
 * A statement that denies everyone (`"*"`) the bucket-policy operations with no condition locks every caller out of the
 * policy except the account's root user. Returns a description of the first such statement. Actions are matched as
 * IAM matches them (wildcards anywhere, case-insensitive; `NotAction` denies what it does not list), and, when the
 * bucket is known, only statements whose Resource (or NotResource) covers the bucket's own ARN count: a Deny on
 * `arn:aws:s3:::bucket/*` covers objects, never the policy.
 */
export function lockoutRisk(document: Record<string, unknown>, bucket?: string): string | undefined {
    const statements = asList(document.Statement);
    for (let index = 0; index < statements.length; index++) {
        const statement = statements[index] as Record<string, unknown>;
        if (!statement || typeof statement !== "object" || statement.Effect !== "Deny" || statement.Condition !== undefined) continue;
        const principal = statement.Principal as unknown;
        const everyone =
            principal === "*" || (typeof principal === "object" && principal !== null && asList((principal as Record<string, unknown>).AWS).includes("*"));
        if (!everyone) continue;
        const listed = (element: string) => asList(statement[element]).filter((item): item is string => typeof item === "string");
        let denied: string[];
        if (statement.Action !== undefined) denied = POLICY_OPERATIONS.filter((op) => listed("Action").some((pattern) => globMatches(pattern, op, true)));
        else if (statement.NotAction !== undefined)
            denied = POLICY_OPERATIONS.filter((op) => !listed("NotAction").some((pattern) => globMatches(pattern, op, true)));
        else continue;
        if (denied.length === 0) continue;
        if (bucket !== undefined) {
            const coversBucket =
                statement.Resource !== undefined
                    ? listed("Resource").some((resource) => resourceIsBucketItself(resource, bucket))
                    : !listed("NotResource").some((resource) => resourceIsBucketItself(resource, bucket));
            if (!coversBucket) continue;
        }
        return `${statementLabel(index, statement)} denies ${denied.join(", ")} to everyone ("*") without a condition`;
    }
    return undefined;
}

/** The result of validating the policy input: the text to put, or the failures. */
export interface PolicyCheck {
    policy?: string;
    failures: Failure[];
    lockout?: string;
}

/** Validates the policy input (JSON text or object) and returns the text that will be put. */
export function checkPolicy(policy: unknown, bucket: unknown, confirmRemoveSelfBucketAccess: unknown): PolicyCheck {
    if (policy === undefined || policy === null || policy === "") {
        return { failures: [{ property: "policy", reason: "policy is required: a policy document object or its JSON text" }] };
    }
    const tooDeep = (value: unknown): PolicyCheck | undefined =>
        nestingDepth(value) > MAX_POLICY_DEPTH
            ? {
                  failures: [
                      {
                          property: "policy",
                          reason: `policy nests more than ${MAX_POLICY_DEPTH} levels deep; a policy document nests 7 at most (document, Statement, statement, Condition, operator, key, values)`,
                      },
                  ],
              }
            : undefined;
    const deepObject = tooDeep(policy);
    if (deepObject) return deepObject;
    if (containsUnknown(policy)) return { policy: policy as string, failures: [] };
    if (typeof policy !== "string" && (typeof policy !== "object" || Array.isArray(policy))) {
        return { failures: [{ property: "policy", reason: `policy must be a JSON string or an object, got ${describeValue(policy)}` }] };
    }
    let document: Record<string, unknown>;
    try {
        document = parsePolicy(policy as string | object) as unknown as Record<string, unknown>;
    } catch (e) {
        const message = (e as Error).message;
        // The guards' own wording says what is wrong with the document as a whole.
        const reason = /^policy (nests|has the key)/.test(message) ? message : `policy is not a valid policy document: ${message.replace(/^policy /, "it ")}`;
        return { failures: [{ property: "policy", reason }] };
    }
    const knownBucket = typeof bucket === "string" && bucket !== UNKNOWN ? bucket : undefined;
    const problems = policyProblems(document, knownBucket);
    if (problems.length > 0) {
        return { failures: problems.map((problem) => ({ property: "policy", reason: `policy ${problem}` })) };
    }
    const text = formatPolicy(document);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > MAX_POLICY_BYTES) {
        return { failures: [{ property: "policy", reason: `policy is ${bytes} bytes once compacted; S3 accepts at most ${MAX_POLICY_BYTES} bytes` }] };
    }
    const lockout = lockoutRisk(document, knownBucket);
    if (lockout && confirmRemoveSelfBucketAccess !== true) {
        return {
            failures: [
                {
                    property: "policy",
                    reason: `policy would lock every caller out of managing it: ${lockout}. Set confirmRemoveSelfBucketAccess: true if that is intended (only the account root user could then change it).`,
                },
            ],
        };
    }
    return { policy: text, failures: [], lockout };
}
