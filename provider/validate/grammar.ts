/**
 * `check`'s rules for the policy document: the IAM policy grammar and what S3 accepts in a bucket policy, as a pass
 * over the policy's model. Each problem names the statement and the element.
 */
import { describeValue } from "../policy/json";
import { isAccountId, s3ArnPrefixLength } from "../policy/arn";
import { DOCUMENT_ELEMENTS, ModelElement, ModelList, ModelStatement, PolicyModel, STATEMENT_ELEMENTS, statementLabel } from "../policy/model";
import { wildcardMatches } from "./patterns";

const VERSIONS = ["2012-10-17", "2008-10-17"];
const PRINCIPAL_TYPES = ["AWS", "Service", "Federated", "CanonicalUser"];

/** The problems of one statement, each without the statement's label, which is added only when there is one. */
type Problems = string[];

/** The problems of one list-valued element: empty, or an item that is not a non-empty string. */
function checkStringList(element: string, list: ModelList, problems: Problems): void {
    const { values, items } = list;
    if (values.length === 0) problems.push(`${element} must not be an empty array`);
    for (let i = 0; i < values.length; i++) {
        if (items[i] === undefined || items[i] === "") problems.push(`each ${element} must be a non-empty string, got ${describeValue(values[i])}`);
    }
}

/**
 * True for the forms AWS accepts in an `AWS` principal: `"*"`, a 12-digit account id, an ARN (IAM, STS, or the
 * CloudFront origin access identity `arn:aws:iam::cloudfront:user/…`), or an IAM unique id (how a deleted principal
 * reads back). Anything else gets 400 MalformedPolicy "Invalid principal in policy" from AWS, which the provider
 * retries as a principal not propagated yet: refusing it here saves the whole retry budget.
 */
function isAwsPrincipalId(id: string): boolean {
    return id === "*" || isAccountId(id) || /^arn:[^:\s]+:[^:\s]+:/.test(id) || /^A[A-Z0-9]{15,127}$/.test(id);
}

function checkPrincipal(element: ModelElement, problems: Problems): void {
    const { name, principal: types } = element;
    if (!types) {
        problems.push(`${name} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}, got ${describeValue(element.value)}`);
        return;
    }
    if (types.length === 0) problems.push(`${name} must name at least one principal`);
    for (let i = 0; i < types.length; i++) {
        const { type, ids } = types[i];
        if (!PRINCIPAL_TYPES.includes(type)) problems.push(`${name} type "${type}" is not one of ${PRINCIPAL_TYPES.join(", ")}`);
        checkStringList(name + "." + type, ids, problems);
        if (type !== "AWS") continue;
        for (let j = 0; j < ids.values.length; j++) {
            const id = ids.values[j];
            if (typeof id === "string" && id !== "" && !isAwsPrincipalId(id)) {
                problems.push(`${name}.AWS ${JSON.stringify(id)} is not "*", a 12-digit account id or an ARN such as "arn:aws:iam::111122223333:root"`);
            }
        }
    }
}

function checkCondition(element: ModelElement, problems: Problems): void {
    if (!element.condition) {
        problems.push(`Condition must be an object of operators, got ${describeValue(element.value)}`);
        return;
    }
    for (const { operator, block, keys } of element.condition) {
        if (!keys) {
            problems.push(`Condition.${operator} must be an object of condition keys, got ${describeValue(block)}`);
            continue;
        }
        for (const { key, values } of keys) {
            if (values.values.length === 0) problems.push(`Condition.${operator}.${key} must not be an empty array`);
            for (let i = 0; i < values.values.length; i++) {
                if (values.items[i] === undefined) {
                    problems.push(`Condition.${operator}.${key} values must be strings, numbers or booleans, got ${describeValue(values.values[i])}`);
                }
            }
        }
    }
}

function exactlyOne(present: number, a: string, b: string, problems: Problems): void {
    const hasA = (present & PRESENT[a]) !== 0;
    const hasB = (present & PRESENT[b]) !== 0;
    if (hasA && hasB) problems.push(`has both ${a} and ${b}; use exactly one`);
    if (!hasA && !hasB) problems.push(`must have ${a} or ${b}`);
}

/** True for `s3:<Action>` or `s3express:<Action>` (folded), the action name letters, digits and wildcards. */
function isS3Action(action: string): boolean {
    const colon = action.indexOf(":");
    if (colon < 0) return false;
    const service = action.slice(0, colon);
    if ((service !== "s3" && service !== "s3express") || colon === action.length - 1) return false;
    for (let i = colon + 1; i < action.length; i++) {
        const code = action.charCodeAt(i);
        if (!(code >= 97 && code <= 122) && !(code >= 48 && code <= 57) && code !== 42 && code !== 63) return false; // a-z, digits, * and ?
    }
    return true;
}

/** True when an S3 ARN resource (possibly with wildcards) after its `arn:…:s3:::` prefix can name `bucket` or its objects. */
function resourceNamesBucket(resource: string, prefix: number, bucket: string): boolean {
    if (resource === "*") return true;
    const slash = resource.indexOf("/", prefix);
    const end = slash < 0 ? resource.length : slash;
    // The bucket written out, the common case: a pattern matches its own text.
    if (end - prefix === bucket.length && resource.startsWith(bucket, prefix)) return true;
    return wildcardMatches(resource.slice(prefix, end), bucket);
}

function checkActions(element: ModelElement, problems: Problems): void {
    const list = element.list as ModelList;
    checkStringList(element.name, list, problems);
    for (let i = 0; i < list.items.length; i++) {
        const action = list.items[i];
        if (action !== undefined && action !== "" && action !== "*" && !isS3Action(action)) {
            problems.push(`${element.name} "${list.values[i] as string}" is not an S3 action (bucket policies accept "s3:<Action>" or "*")`);
        }
    }
}

function checkResources(element: ModelElement, bucket: string | undefined, problems: Problems): void {
    const list = element.list as ModelList;
    checkStringList(element.name, list, problems);
    for (let i = 0; i < list.items.length; i++) {
        const resource = list.items[i];
        if (resource === undefined || resource === "") continue;
        const prefix = resource === "*" ? 0 : s3ArnPrefixLength(resource);
        if (resource !== "*" && prefix === 0) {
            problems.push(`${element.name} "${resource}" is not an S3 ARN (arn:aws:s3:::bucket or arn:aws:s3:::bucket/key)`);
        } else if (element.name === "Resource" && bucket !== undefined && !resourceNamesBucket(resource, prefix, bucket)) {
            problems.push(`Resource "${resource}" does not name bucket "${bucket}" (a bucket policy can only grant access to its own bucket)`);
        }
    }
}

/** The problems of one statement, without its label. */
/**
 * The problems of one statement, without its label, in this order: unknown elements, Sid, Effect, the three
 * exactly-one pairs, then each element's own (in grammar order). One pass over its elements.
 */
function statementProblems(statement: ModelStatement, bucket: string | undefined, problems: Problems): void {
    const { elements } = statement;
    const own: Problems = [];
    let sidProblem: string | undefined;
    let present = 0;
    for (let i = 0; i < elements.length; i++) {
        const element = elements[i];
        switch (element.name) {
            case "Sid":
                if (typeof element.value !== "string") sidProblem = `Sid must be a string, got ${describeValue(element.value)}`;
                break;
            case "Effect":
                break;
            case "Principal":
            case "NotPrincipal":
                present |= PRESENT[element.name];
                checkPrincipal(element, own);
                break;
            case "Action":
            case "NotAction":
                present |= PRESENT[element.name];
                checkActions(element, own);
                break;
            case "Resource":
            case "NotResource":
                present |= PRESENT[element.name];
                checkResources(element, bucket, own);
                break;
            case "Condition":
                checkCondition(element, own);
                break;
            default:
                problems.push(`unknown element "${element.name}" (allowed: ${STATEMENT_ELEMENTS.join(", ")})`);
        }
    }
    if (sidProblem !== undefined) problems.push(sidProblem);
    if (statement.effect === undefined) problems.push(`Effect must be "Allow" or "Deny", got ${describeValue(statement.statement.Effect)}`);
    exactlyOne(present, "Principal", "NotPrincipal", problems);
    exactlyOne(present, "Action", "NotAction", problems);
    exactlyOne(present, "Resource", "NotResource", problems);
    for (let i = 0; i < own.length; i++) problems.push(own[i]);
}

/** A bit per element of the three exactly-one pairs. */
const PRESENT: Record<string, number> = { Principal: 1, NotPrincipal: 2, Action: 4, NotAction: 8, Resource: 16, NotResource: 32 };

/**
 * Validates a policy's model against the grammar and S3's rules; returns one line per problem, each naming the
 * statement ({@link statementLabel}) and the element.
 *
 * @param bucket the bucket the policy is for, when known: every `Resource` must be able to name it
 */
export function policyProblems(model: PolicyModel, bucket: string | undefined): string[] {
    const problems: string[] = [];
    for (const { name, value } of model.elements) {
        if (!DOCUMENT_ELEMENTS.includes(name)) problems.push(`unknown top-level element "${name}" (allowed: ${DOCUMENT_ELEMENTS.join(", ")})`);
        else if (name === "Version" && !VERSIONS.includes(value as string)) {
            problems.push(`Version must be "2012-10-17" (or the legacy "2008-10-17"), got ${describeValue(value)}`);
        } else if (name === "Id" && typeof value !== "string") problems.push(`Id must be a string, got ${describeValue(value)}`);
    }
    const statements = model.statements;
    if (statements === undefined) {
        problems.push("Statement is required");
        return problems;
    }
    if (statements.length === 0) problems.push("Statement must contain at least one statement");
    const sids = new Map<string, number>();
    const repeatedSids: string[] = [];
    const own: Problems = [];
    for (let index = 0; index < statements.length; index++) {
        const statement = statements[index];
        statementProblems(statement, bucket, own);
        if (own.length > 0) {
            const where = statementLabel(statement);
            for (let i = 0; i < own.length; i++) problems.push(`${where}: ${own[i]}`);
            own.length = 0;
        }
        const sid = statement.sid;
        if (sid === undefined) continue;
        const first = sids.get(sid);
        if (first !== undefined) repeatedSids.push(`Statement[${index}]: Sid "${sid}" is already used by Statement[${first}]; Sids must be unique`);
        else sids.set(sid, index);
    }
    problems.push(...repeatedSids);
    return problems;
}
