/**
 * `check`'s rules for the policy document: the IAM policy grammar and what S3 accepts in a bucket policy. Each problem
 * names the statement and the element.
 */
import { describeValue, isJsonNumber, isPlainObject } from "../policy/json";
import { listOf } from "../policy/rules";
import { wildcardMatches } from "./patterns";

const VERSIONS = ["2012-10-17", "2008-10-17"];
const STATEMENT_KEYS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
const DOCUMENT_KEYS = ["Version", "Id", "Statement"];
const PRINCIPAL_TYPES = ["AWS", "Service", "Federated", "CanonicalUser"];
const S3_ACTION = /^s3(express)?:[A-Za-z0-9*?]+$/i;
const S3_ARN = /^arn:([^:]+):s3:::/;

/** How problems name a statement: `Statement[2]`, with its Sid when it has one. */
export function statementLabel(index: number, statement: Record<string, unknown>): string {
    return typeof statement.Sid === "string" && statement.Sid !== "" ? `Statement[${index}] (Sid "${statement.Sid}")` : `Statement[${index}]`;
}

function checkStringList(where: string, element: string, value: unknown, problems: string[]): string[] {
    const items = listOf(value);
    if (items.length === 0) problems.push(`${where}: ${element} must not be an empty array`);
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
    if (!isPlainObject(value)) {
        problems.push(`${where}: ${element} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}, got ${describeValue(value)}`);
        return;
    }
    const entries = Object.entries(value);
    if (entries.length === 0) problems.push(`${where}: ${element} must name at least one principal`);
    for (const [type, ids] of entries) {
        if (!PRINCIPAL_TYPES.includes(type)) problems.push(`${where}: ${element} type "${type}" is not one of ${PRINCIPAL_TYPES.join(", ")}`);
        const names = checkStringList(where, `${element}.${type}`, ids, problems);
        if (type !== "AWS") continue;
        for (const id of names) {
            if (!isAwsPrincipalId(id)) {
                problems.push(
                    `${where}: ${element}.AWS ${JSON.stringify(id)} is not "*", a 12-digit account id or an ARN such as "arn:aws:iam::111122223333:root"`,
                );
            }
        }
    }
}

function checkCondition(where: string, value: unknown, problems: string[]): void {
    if (!isPlainObject(value)) {
        problems.push(`${where}: Condition must be an object of operators, got ${describeValue(value)}`);
        return;
    }
    for (const operator of Object.keys(value)) {
        const block = value[operator];
        if (!isPlainObject(block)) {
            problems.push(`${where}: Condition.${operator} must be an object of condition keys, got ${describeValue(block)}`);
            continue;
        }
        for (const key of Object.keys(block)) {
            const items = listOf(block[key]);
            if (items.length === 0) problems.push(`${where}: Condition.${operator}.${key} must not be an empty array`);
            for (const item of items) {
                const type = typeof item;
                if (type !== "string" && type !== "number" && type !== "boolean" && !isJsonNumber(item)) {
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
    const match = S3_ARN.exec(resource);
    if (!match) return false;
    const path = resource.slice(match[0].length);
    const slash = path.indexOf("/");
    return wildcardMatches(slash < 0 ? path : path.slice(0, slash), bucket);
}

function checkStatement(index: number, raw: unknown, bucket: string | undefined, problems: string[]): void {
    if (!isPlainObject(raw)) {
        problems.push(`Statement[${index}] must be an object, got ${describeValue(raw)}`);
        return;
    }
    const statement = raw;
    const where = statementLabel(index, statement);
    for (const key of Object.keys(statement)) {
        if (!STATEMENT_KEYS.includes(key)) problems.push(`${where}: unknown element "${key}" (allowed: ${STATEMENT_KEYS.join(", ")})`);
    }
    if (statement.Sid !== undefined && typeof statement.Sid !== "string") problems.push(`${where}: Sid must be a string, got ${describeValue(statement.Sid)}`);
    if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
        problems.push(`${where}: Effect must be "Allow" or "Deny", got ${describeValue(statement.Effect)}`);
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
            if (action !== "*" && !S3_ACTION.test(action)) {
                problems.push(`${where}: ${element} "${action}" is not an S3 action (bucket policies accept "s3:<Action>" or "*")`);
            }
        }
    }
    for (const element of ["Resource", "NotResource"]) {
        if (statement[element] === undefined) continue;
        for (const resource of checkStringList(where, element, statement[element], problems)) {
            if (resource !== "*" && !S3_ARN.test(resource)) {
                problems.push(`${where}: ${element} "${resource}" is not an S3 ARN (arn:aws:s3:::bucket or arn:aws:s3:::bucket/key)`);
            } else if (element === "Resource" && bucket !== undefined && !resourceNamesBucket(resource, bucket)) {
                problems.push(`${where}: Resource "${resource}" does not name bucket "${bucket}" (a bucket policy can only grant access to its own bucket)`);
            }
        }
    }
    if (statement.Condition !== undefined) checkCondition(where, statement.Condition, problems);
}

/**
 * Validates a parsed policy document against the grammar and S3's rules; returns one line per problem.
 *
 * @param bucket the bucket the policy is for, when known: every `Resource` must be able to name it
 */
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
    const list = listOf(statements);
    if (list.length === 0) problems.push("Statement must contain at least one statement");
    const sids = new Map<string, number>();
    const repeatedSids: string[] = [];
    for (let index = 0; index < list.length; index++) {
        checkStatement(index, list[index], bucket, problems);
        const statement = list[index];
        const sid = isPlainObject(statement) ? statement.Sid : undefined;
        if (typeof sid !== "string" || sid === "") continue;
        const first = sids.get(sid);
        if (first !== undefined) repeatedSids.push(`Statement[${index}]: Sid "${sid}" is already used by Statement[${first}]; Sids must be unique`);
        else sids.set(sid, index);
    }
    problems.push(...repeatedSids);
    return problems;
}
