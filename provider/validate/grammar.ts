/**
 * `check`'s rules for the policy document: the IAM policy grammar and what S3 accepts in a bucket policy. Each problem
 * names the statement and the element.
 */
import { asciiLower, describeValue, isJsonNumber, isPlainObject } from "../policy/json";
import { DOCUMENT_ELEMENTS, STATEMENT_ELEMENTS } from "../policy/model";
import { listOf } from "../policy/rules";
import { wildcardMatches } from "./patterns";

const VERSIONS = ["2012-10-17", "2008-10-17"];
const PRINCIPAL_TYPES = ["AWS", "Service", "Federated", "CanonicalUser"];

/** How problems name a statement: `Statement[2]`, with its Sid when it has one. */
export function statementLabel(index: number, statement: Record<string, unknown>): string {
    return typeof statement.Sid === "string" && statement.Sid !== "" ? `Statement[${index}] (Sid "${statement.Sid}")` : `Statement[${index}]`;
}

/** The problems of one statement, each without the statement's label, which is added only when there is one. */
type Problems = string[];

function checkStringList(element: string, value: unknown, problems: Problems): string[] {
    const items = listOf(value);
    if (items.length === 0) problems.push(`${element} must not be an empty array`);
    const strings: string[] = [];
    for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (typeof item !== "string" || item === "") problems.push(`each ${element} must be a non-empty string, got ${describeValue(item)}`);
        else strings.push(item);
    }
    return strings;
}

function isDigits(text: string, from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
        const code = text.charCodeAt(i);
        if (code < 48 || code > 57) return false;
    }
    return true;
}

/**
 * True for the forms AWS accepts in an `AWS` principal: `"*"`, a 12-digit account id, an ARN (IAM, STS, or the
 * CloudFront origin access identity `arn:aws:iam::cloudfront:user/…`), or an IAM unique id (how a deleted principal
 * reads back). Anything else gets 400 MalformedPolicy "Invalid principal in policy" from AWS, which the provider
 * retries as a principal not propagated yet: refusing it here saves the whole retry budget.
 */
function isAwsPrincipalId(id: string): boolean {
    return id === "*" || (id.length === 12 && isDigits(id, 0, 12)) || /^arn:[^:\s]+:[^:\s]+:/.test(id) || /^A[A-Z0-9]{15,127}$/.test(id);
}

function checkPrincipal(element: string, value: unknown, problems: Problems): void {
    if (value === "*") return;
    if (!isPlainObject(value)) {
        problems.push(`${element} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}, got ${describeValue(value)}`);
        return;
    }
    const types = Object.keys(value);
    if (types.length === 0) problems.push(`${element} must name at least one principal`);
    for (let i = 0; i < types.length; i++) {
        const type = types[i];
        if (!PRINCIPAL_TYPES.includes(type)) problems.push(`${element} type "${type}" is not one of ${PRINCIPAL_TYPES.join(", ")}`);
        const names = checkStringList(element + "." + type, value[type], problems);
        if (type !== "AWS") continue;
        for (let j = 0; j < names.length; j++) {
            if (!isAwsPrincipalId(names[j])) {
                problems.push(
                    `${element}.AWS ${JSON.stringify(names[j])} is not "*", a 12-digit account id or an ARN such as "arn:aws:iam::111122223333:root"`,
                );
            }
        }
    }
}

function checkCondition(value: unknown, problems: Problems): void {
    if (!isPlainObject(value)) {
        problems.push(`Condition must be an object of operators, got ${describeValue(value)}`);
        return;
    }
    for (const operator of Object.keys(value)) {
        const block = value[operator];
        if (!isPlainObject(block)) {
            problems.push(`Condition.${operator} must be an object of condition keys, got ${describeValue(block)}`);
            continue;
        }
        for (const key of Object.keys(block)) {
            const items = listOf(block[key]);
            if (items.length === 0) problems.push(`Condition.${operator}.${key} must not be an empty array`);
            for (let i = 0; i < items.length; i++) {
                const type = typeof items[i];
                if (type !== "string" && type !== "number" && type !== "boolean" && !isJsonNumber(items[i])) {
                    problems.push(`Condition.${operator}.${key} values must be strings, numbers or booleans, got ${describeValue(items[i])}`);
                }
            }
        }
    }
}

function exactlyOne(a: string, aValue: unknown, b: string, bValue: unknown, problems: Problems): void {
    if (aValue !== undefined && bValue !== undefined) problems.push(`has both ${a} and ${b}; use exactly one`);
    if (aValue === undefined && bValue === undefined) problems.push(`must have ${a} or ${b}`);
}

/** True for `s3:<Action>` or `s3express:<Action>` (any case), the action name letters, digits and wildcards. */
function isS3Action(action: string): boolean {
    const colon = action.indexOf(":");
    if (colon < 0) return false;
    const service = asciiLower(action.slice(0, colon));
    if ((service !== "s3" && service !== "s3express") || colon === action.length - 1) return false;
    for (let i = colon + 1; i < action.length; i++) {
        const code = action.charCodeAt(i);
        const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
        if (!letter && !(code >= 48 && code <= 57) && code !== 42 && code !== 63) return false; // digits, * and ?
    }
    return true;
}

/** The length of an S3 ARN's `arn:<partition>:s3:::` prefix, or 0 when `resource` is not an S3 ARN. */
function s3ArnPrefix(resource: string): number {
    if (!resource.startsWith("arn:")) return 0;
    const partitionEnd = resource.indexOf(":", 4);
    return partitionEnd > 4 && resource.startsWith(":s3:::", partitionEnd) ? partitionEnd + 6 : 0;
}

/** True when an S3 ARN resource (possibly with wildcards) after its `arn:…:s3:::` prefix can name `bucket` or its objects. */
function resourceNamesBucket(resource: string, prefix: number, bucket: string): boolean {
    if (resource === "*") return true;
    const slash = resource.indexOf("/", prefix);
    return wildcardMatches(resource.slice(prefix, slash < 0 ? resource.length : slash), bucket);
}

function checkActions(element: string, value: unknown, problems: Problems): void {
    const actions = checkStringList(element, value, problems);
    for (let i = 0; i < actions.length; i++) {
        if (actions[i] !== "*" && !isS3Action(actions[i])) {
            problems.push(`${element} "${actions[i]}" is not an S3 action (bucket policies accept "s3:<Action>" or "*")`);
        }
    }
}

function checkResources(element: string, value: unknown, bucket: string | undefined, problems: Problems): void {
    const resources = checkStringList(element, value, problems);
    for (let i = 0; i < resources.length; i++) {
        const resource = resources[i];
        const prefix = resource === "*" ? 0 : s3ArnPrefix(resource);
        if (resource !== "*" && prefix === 0) {
            problems.push(`${element} "${resource}" is not an S3 ARN (arn:aws:s3:::bucket or arn:aws:s3:::bucket/key)`);
        } else if (element === "Resource" && bucket !== undefined && !resourceNamesBucket(resource, prefix, bucket)) {
            problems.push(`Resource "${resource}" does not name bucket "${bucket}" (a bucket policy can only grant access to its own bucket)`);
        }
    }
}

/** The problems of one statement object, without its label. */
function statementProblems(statement: Record<string, unknown>, bucket: string | undefined, problems: Problems): void {
    const keys = Object.keys(statement);
    for (let i = 0; i < keys.length; i++) {
        if (!STATEMENT_ELEMENTS.includes(keys[i])) problems.push(`unknown element "${keys[i]}" (allowed: ${STATEMENT_ELEMENTS.join(", ")})`);
    }
    const { Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition } = statement;
    if (Sid !== undefined && typeof Sid !== "string") problems.push(`Sid must be a string, got ${describeValue(Sid)}`);
    if (Effect !== "Allow" && Effect !== "Deny") problems.push(`Effect must be "Allow" or "Deny", got ${describeValue(Effect)}`);
    exactlyOne("Principal", Principal, "NotPrincipal", NotPrincipal, problems);
    exactlyOne("Action", Action, "NotAction", NotAction, problems);
    exactlyOne("Resource", Resource, "NotResource", NotResource, problems);
    if (Principal !== undefined) checkPrincipal("Principal", Principal, problems);
    if (NotPrincipal !== undefined) checkPrincipal("NotPrincipal", NotPrincipal, problems);
    if (Action !== undefined) checkActions("Action", Action, problems);
    if (NotAction !== undefined) checkActions("NotAction", NotAction, problems);
    if (Resource !== undefined) checkResources("Resource", Resource, bucket, problems);
    if (NotResource !== undefined) checkResources("NotResource", NotResource, bucket, problems);
    if (Condition !== undefined) checkCondition(Condition, problems);
}

function checkStatement(index: number, raw: unknown, bucket: string | undefined, problems: string[]): void {
    if (!isPlainObject(raw)) {
        problems.push(`Statement[${index}] must be an object, got ${describeValue(raw)}`);
        return;
    }
    const own: Problems = [];
    statementProblems(raw, bucket, own);
    if (own.length === 0) return;
    const where = statementLabel(index, raw);
    for (let i = 0; i < own.length; i++) problems.push(`${where}: ${own[i]}`);
}

/**
 * Validates a parsed policy document against the grammar and S3's rules; returns one line per problem.
 *
 * @param bucket the bucket the policy is for, when known: every `Resource` must be able to name it
 */
export function policyProblems(document: Record<string, unknown>, bucket: string | undefined): string[] {
    const problems: string[] = [];
    for (const key of Object.keys(document)) {
        if (!DOCUMENT_ELEMENTS.includes(key)) problems.push(`unknown top-level element "${key}" (allowed: ${DOCUMENT_ELEMENTS.join(", ")})`);
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
