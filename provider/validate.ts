/**
 * `check`'s rules: every input is validated before any call to S3, and each failure names the property (and, for the
 * policy, the statement) and what is wrong. Pure: no SDK, no Pulumi.
 */
import { formatPolicy, parsePolicy } from "./policy";
import { CHECKSUM_ALGORITHMS, INPUT_NAMES, UNKNOWN, containsUnknown } from "./inputs";

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
const POLICY_OPERATIONS = ["s3:putbucketpolicy", "s3:getbucketpolicy", "s3:deletebucketpolicy"];

/** Bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export function bucketNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 63) return `must be 3 to 63 characters long, got ${name.length}`;
    if (!/^[a-z0-9.-]+$/.test(name)) return "may contain only lowercase letters, digits, dots and hyphens";
    if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return "must begin and end with a letter or digit";
    if (name.includes("..")) return "must not contain two adjacent dots";
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not be formatted as an IP address";
    if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "must not start with xn--, sthree- or amzn-s3-demo-";
    if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return "must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)";
    return undefined;
}

function describeValue(value: unknown): string {
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
        failures.push({ property: "checksumAlgorithm", reason: `checksumAlgorithm must be one of ${CHECKSUM_ALGORITHMS.join(", ")}, got ${describeValue(checksum)}` });
    }
    const endpoint = news.endpoint;
    if (typeof endpoint === "string" && endpoint !== UNKNOWN && endpoint !== "") {
        let url: URL | undefined;
        try {
            url = new URL(endpoint);
        } catch {
            url = undefined;
        }
        if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
            failures.push({ property: "endpoint", reason: `endpoint must be an http:// or https:// URL, got ${describeValue(endpoint)}` });
        } else if (url.username || url.password) {
            failures.push({ property: "endpoint", reason: "endpoint must not contain credentials; use the AWS credential chain" });
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
        checkStringList(where, `${element}.${type}`, ids, problems);
    }
}

function checkCondition(where: string, value: unknown, problems: string[]): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${where}: Condition must be an object of operators, got ${describeValue(value)}`);
        return;
    }
    for (const [operator, block] of Object.entries(value)) {
        if (block === null || typeof block !== "object" || Array.isArray(block)) {
            problems.push(`${where}: Condition.${operator} must be an object of condition keys, got ${describeValue(block)}`);
            continue;
        }
        for (const [key, values] of Object.entries(block)) {
            const items = asList(values);
            if (items.length === 0) problems.push(`${where}: Condition.${operator}.${key} must not be an empty list`);
            for (const item of items) {
                if (!["string", "number", "boolean"].includes(typeof item)) {
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

/** True when an S3 ARN resource (possibly with wildcards) can name `bucket` or its objects. */
function resourceNamesBucket(resource: string, bucket: string): boolean {
    if (resource === "*") return true;
    const match = /^arn:[^:]+:s3:::(.*)$/.exec(resource);
    if (!match) return false;
    const bucketPart = match[1].split("/")[0];
    const pattern = new RegExp(`^${bucketPart.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
    return pattern.test(bucket);
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
 * policy except the account's root user. Returns a description of the first such statement.
 */
export function lockoutRisk(document: Record<string, unknown>): string | undefined {
    const statements = asList(document.Statement);
    for (let index = 0; index < statements.length; index++) {
        const statement = statements[index] as Record<string, unknown>;
        if (!statement || statement.Effect !== "Deny" || statement.Condition !== undefined || statement.Action === undefined) continue;
        const principal = statement.Principal as unknown;
        const everyone = principal === "*" || (typeof principal === "object" && principal !== null && asList((principal as Record<string, unknown>).AWS).includes("*"));
        if (!everyone) continue;
        const actions = asList(statement.Action).map((a) => String(a).toLowerCase());
        const denied = POLICY_OPERATIONS.filter((op) => actions.some((a) => a === "*" || a === "s3:*" || a === op || (a.endsWith("*") && op.startsWith(a.slice(0, -1)))));
        if (denied.length > 0) return `${statementLabel(index, statement)} denies ${denied.join(", ")} to everyone ("*") without a condition`;
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
    if (containsUnknown(policy)) return { policy: policy as string, failures: [] };
    if (typeof policy !== "string" && (typeof policy !== "object" || Array.isArray(policy))) {
        return { failures: [{ property: "policy", reason: `policy must be a JSON string or an object, got ${describeValue(policy)}` }] };
    }
    let document: Record<string, unknown>;
    try {
        document = parsePolicy(policy as string | object) as unknown as Record<string, unknown>;
    } catch (e) {
        return { failures: [{ property: "policy", reason: `policy is not a valid policy document: ${(e as Error).message}` }] };
    }
    const problems = policyProblems(document, typeof bucket === "string" && bucket !== UNKNOWN ? bucket : undefined);
    if (problems.length > 0) {
        return { failures: problems.map((problem) => ({ property: "policy", reason: `policy ${problem}` })) };
    }
    const text = formatPolicy(document);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > MAX_POLICY_BYTES) {
        return { failures: [{ property: "policy", reason: `policy is ${bytes} bytes once compacted; S3 accepts at most ${MAX_POLICY_BYTES} bytes` }] };
    }
    const lockout = lockoutRisk(document);
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
