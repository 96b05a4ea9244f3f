/**
 * Is a bucket policy public? AWS's documented rule (S3 User Guide, "The meaning of 'public'"), read conservatively:
 * S3 assumes a policy is public; it is non-public only when every Allow statement grants to fixed principals or is
 * restricted by a condition that fixes one of the keys AWS lists. RULES.md ("Public access") gives each rule's source.
 * Pure: no I/O, no module state, no classes (the provider's closure serializer copies this module into state).
 */
import { isJsonNumber, isPlainObject, definedKeys } from "./json";
import { parsePolicy } from "./parse";
import { foldConditionKey, identifierOf, listOf, statementList } from "./rules";
import type { PublicAccessAnalysis, PublicStatement } from "./types";

/** How a listed condition key restricts: an IP range, a fixed value, or an access point ARN (name may be a wildcard). */
type KeyKind = "ip" | "value" | "accessPoint";

/**
 * The condition keys whose fixed values make a statement non-public, folded to lower case (keys are case-insensitive).
 * The S3 list, plus the principal keys its first bullet names by example (`aws:PrincipalOrgID`): a fixed
 * `aws:PrincipalAccount` or `aws:PrincipalArn` names the same callers as that account or ARN in `Principal`.
 */
function listedKeyKind(folded: string): KeyKind | undefined {
    switch (folded) {
        case "aws:sourceip":
            return "ip";
        case "s3:dataaccesspointarn":
            return "accessPoint";
        case "aws:sourcearn":
        case "aws:sourcevpc":
        case "aws:sourcevpce":
        case "aws:sourceowner":
        case "aws:sourceaccount":
        case "s3:x-amz-server-side-encryption-aws-kms-key-id":
        case "aws:userid":
        case "s3:dataaccesspointaccount":
        case "aws:principalorgid":
        case "aws:principalorgpaths":
        case "aws:principalaccount":
        case "aws:principalarn":
            return "value";
        default:
            return undefined;
    }
}

/** The operators that limit a key to the values listed: the string and ARN matches, and `IpAddress` for IP keys. */
function fixesValue(base: string, kind: KeyKind): boolean {
    if (kind === "ip") return base === "IpAddress";
    return base === "StringEquals" || base === "StringEqualsIgnoreCase" || base === "StringLike" || base === "ArnEquals" || base === "ArnLike";
}

const hasWildcard = (text: string): boolean => text.includes("*") || text.includes("?");
const hasVariable = (text: string): boolean => text.includes("${");

/** A condition value as the text AWS compares (quotes are optional for numbers and Booleans); undefined otherwise. */
function valueText(value: unknown): string | undefined {
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return isJsonNumber(value) ? value.text : undefined;
}

/** The 16-bit groups of an IPv6 address (`::` and a dotted IPv4 tail allowed), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
    const halves = address.split("::");
    if (halves.length > 2) return undefined;
    const parse = (part: string): number[] | undefined => {
        if (part === "") return [];
        const groups: number[] = [];
        const pieces = part.split(":");
        for (let i = 0; i < pieces.length; i++) {
            if (i === pieces.length - 1 && pieces[i].includes(".")) {
                const v4 = ipv4Octets(pieces[i]);
                if (!v4) return undefined;
                groups.push(v4[0] * 256 + v4[1], v4[2] * 256 + v4[3]);
            } else if (/^[0-9a-fA-F]{1,4}$/.test(pieces[i])) groups.push(parseInt(pieces[i], 16));
            else return undefined;
        }
        return groups;
    };
    const head = parse(halves[0]);
    const tail = halves.length === 2 ? parse(halves[1]) : [];
    if (!head || !tail) return undefined;
    const missing = 8 - head.length - tail.length;
    if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
    return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

function ipv4Octets(address: string): number[] | undefined {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
    if (!match) return undefined;
    const octets = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])];
    return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** `::ffff:0:0/96`, where IPv6 writes IPv4 addresses. */
const MAPPED_V4 = [0, 0, 0, 0, 0, 0xffff, 0, 0];

/** Whether the first `bits` bits of two addresses (16-bit groups) are equal. */
function samePrefix(a: number[], b: number[], bits: number): boolean {
    for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
        const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
        if ((a[i] & mask) !== (b[i] & mask)) return false;
    }
    return true;
}

/**
 * Why an `aws:SourceIp` value is too broad to count, or undefined when it is narrow enough. AWS: "values broader than
 * /8 for IPv4 and /32 for IPv6". An IPv6 range that holds the IPv4-mapped block is judged as the IPv4 range it holds
 * (the docs are silent on it; this can only say "public" more often).
 */
function broadIpReason(text: string): string | undefined {
    const slash = text.indexOf("/");
    const address = slash < 0 ? text : text.slice(0, slash);
    const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
    if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return "not an IP address or CIDR range";
    if (!address.includes(":")) {
        const prefix = prefixText === undefined ? 32 : Number(prefixText);
        if (!ipv4Octets(address) || prefix > 32) return "not an IP address or CIDR range";
        return prefix < 8 ? "broader than /8 (IPv4)" : undefined;
    }
    const groups = ipv6Groups(address);
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    if (!groups || prefix > 128) return "not an IP address or CIDR range";
    if (prefix < 32) return "broader than /32 (IPv6)";
    if (samePrefix(groups, MAPPED_V4, Math.min(prefix, 96))) {
        return prefix - 96 < 8 ? "holds IPv4-mapped addresses broader than /8" : undefined;
    }
    return undefined;
}

/** `arn:<partition>:s3:<region>:<account>:accesspoint/<name>`: AWS allows a wildcard name when the rest is fixed. */
function fixedAccessPointArn(text: string): boolean {
    const match = /^arn:[^:]+:s3:[^:]+:\d{12}:accesspoint\/(.*)$/.exec(text);
    return match !== null && !hasWildcard(text.slice(0, text.length - match[1].length));
}

/** Why one value does not fix the key, or undefined when it does. */
function valueReason(value: unknown, kind: KeyKind): string | undefined {
    const text = valueText(value);
    if (text === undefined) return "a value that is not a string is not a fixed value";
    if (hasVariable(text)) return `${JSON.stringify(text)}: a policy variable is not a fixed value`;
    if (kind === "ip") {
        const broad = broadIpReason(text);
        return broad && `${JSON.stringify(text)}: ${broad}`;
    }
    if (kind === "accessPoint" && fixedAccessPointArn(text)) return undefined;
    return hasWildcard(text) ? `${JSON.stringify(text)}: a wildcard is not a fixed value` : undefined;
}

/** Splits `ForAnyValue:StringEqualsIfExists` into its set prefix, base operator and IfExists. */
function operatorParts(operator: string): { set: string; base: string; ifExists: boolean } {
    const colon = operator.indexOf(":");
    const set = colon < 0 ? "" : operator.slice(0, colon);
    let base = colon < 0 ? operator : operator.slice(colon + 1);
    const ifExists = base.endsWith("IfExists");
    if (ifExists) base = base.slice(0, -"IfExists".length);
    return { set, base, ifExists };
}

/**
 * Why one condition (operator, key, values) does not restrict the statement to fixed values, or undefined when it does.
 * `repeated`: the key is written twice (in two letter cases) under this operator.
 */
function conditionReason(operator: string, key: string, values: unknown, repeated: boolean): string | undefined {
    const where = `${operator} ${key}`;
    const kind = listedKeyKind(foldConditionKey(key));
    if (!kind) return `${where}: not a condition key AWS counts as restricting access`;
    const { set, base, ifExists } = operatorParts(operator);
    if (set === "ForAllValues") return `${where}: ForAllValues is true when the key is absent`;
    if (set !== "" && set !== "ForAnyValue") return `${where}: unknown set operator`;
    if (ifExists) return `${where}: …IfExists is true when the key is absent`;
    if (!fixesValue(base, kind)) return `${where}: ${base} does not limit the key to the values listed`;
    if (repeated) return `${where}: the key is written more than once under one operator`;
    const list = listOf(values);
    if (list.length === 0) return `${where}: no values`;
    for (const value of list) {
        const reason = valueReason(value, kind);
        if (reason) return `${where} ${reason}`;
    }
    return undefined;
}

/** The reasons no condition of the statement restricts it; an empty list when one does. */
function conditionReasons(condition: unknown): string[] {
    if (condition === undefined) return ["no Condition restricts it to fixed values"];
    if (!isPlainObject(condition)) return ["Condition is not a map of operators"];
    const reasons: string[] = [];
    for (const operator of definedKeys(condition)) {
        const block = condition[operator];
        if (!isPlainObject(block)) {
            reasons.push(`${operator}: not a map of condition keys`);
            continue;
        }
        const keys = definedKeys(block);
        const folded = keys.map(foldConditionKey);
        for (let i = 0; i < keys.length; i++) {
            const repeated = folded.indexOf(folded[i]) !== folded.lastIndexOf(folded[i]);
            const reason = conditionReason(operator, keys[i], block[keys[i]], repeated);
            if (reason === undefined) return [];
            reasons.push(reason);
        }
    }
    return reasons.length ? reasons : ["Condition is empty"];
}

/** Why one principal id of a fixed type is not fixed, or undefined when it is. */
function principalIdReason(type: string, id: unknown): string | undefined {
    if (typeof id !== "string") return `Principal ${type}: a value that is not a string is not a fixed principal`;
    if (type === "AWS" && id === "*") return 'Principal {"AWS": "*"}: everyone, including anonymous requests';
    if (hasWildcard(id) || hasVariable(id)) return `Principal ${type} ${JSON.stringify(id)}: a wildcard or variable is not a fixed principal`;
    return undefined;
}

/** Why the statement's principal is not a set of fixed principals, or undefined when it is. */
function principalReason(statement: Record<string, unknown>): string | undefined {
    if (statement.NotPrincipal !== undefined) return "NotPrincipal: grants to everyone except the principals listed";
    const principal = statement.Principal;
    if (principal === undefined) return "no Principal (S3 requires one in a bucket policy)";
    if (principal === "*") return 'Principal "*": everyone, including anonymous requests';
    if (!isPlainObject(principal)) return `Principal ${JSON.stringify(principal)} is neither "*" nor a map of principal types`;
    let named = false;
    for (const type of definedKeys(principal)) {
        const ids = listOf(principal[type]);
        if (ids.length === 0) continue;
        named = true;
        if (type === "Federated") return `Principal Federated ${JSON.stringify(principal[type])}: anyone the identity provider signs in`;
        if (type !== "AWS" && type !== "Service" && type !== "CanonicalUser") return `Principal type ${JSON.stringify(type)} is not a fixed principal type`;
        for (const id of ids) {
            const reason = principalIdReason(type, id);
            if (reason) return reason;
        }
    }
    return named ? undefined : "Principal names no one";
}

/**
 * Whether a bucket policy is public by AWS's documented rule, and which Allow statements make it so. A policy is
 * non-public only when every statement that is not exactly `"Deny"` grants to fixed principals (AWS accounts, ARNs,
 * service principals, canonical user ids) or is restricted by a condition that fixes one of the keys AWS lists
 * (`aws:SourceIp` no broader than /8 or /32, `aws:SourceArn`, `aws:SourceVpc`, …). Actions and resources play no
 * part: AWS judges a policy for any action, present or future. Where the documentation is silent the answer is
 * "public". RULES.md ("Public access") lists every rule and its source.
 *
 * @param policy the document's JSON text, or the document
 * @returns `isPublic` and, in document order, each public statement with its reasons
 * @throws {@link PolicyParseError} when the policy cannot be read (see `parsePolicy`)
 */
export function analyzePublicAccess(policy: string | object): PublicAccessAnalysis {
    return publicAccessOf(parsePolicy(policy) as Record<string, unknown>);
}

/** @internal {@link analyzePublicAccess} of a document `parsePolicy` has read already (as `check` has). */
export function publicAccessOf(document: Record<string, unknown>): PublicAccessAnalysis {
    const written = statementList(document.Statement) as Array<Record<string, unknown>>;
    const statements: PublicStatement[] = [];
    for (let index = 0; index < written.length; index++) {
        const statement = written[index];
        if (statement.Effect === "Deny") continue;
        const principal = principalReason(statement);
        if (principal === undefined) continue;
        const conditions = conditionReasons(statement.Condition);
        if (conditions.length === 0) continue;
        const sid = identifierOf(statement.Sid);
        const entry: PublicStatement = { key: typeof sid === "string" ? sid : `Statement[${index}]`, index, reasons: [principal, ...conditions] };
        if (typeof sid === "string") entry.sid = sid;
        statements.push(entry);
    }
    return { isPublic: statements.length > 0, statements };
}
