/**
 * Is a bucket policy public? AWS's documented rule (S3 User Guide, "The meaning of 'public'"), read conservatively:
 * S3 assumes a policy is public; it is non-public only when every Allow statement grants to fixed principals or is
 * restricted by a condition that fixes one of the keys AWS lists. RULES.md ("Public access") gives each rule's source.
 * A pass over the policy's model (model.ts): principals, operators and keys as the model reads them.
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";
import { isAccountId, parseArn } from "./arn";
import { ModelCondition, ModelPrincipals, ModelStatement, PolicyModel, statementKey } from "./model";
import { modelOf } from "./read";
import { isEveryone, isKnownSet } from "./rules";
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

/** `::ffff:0:0/96`, where IPv6 writes IPv4 addresses. */
const MAPPED_V4 = new BlockList();
MAPPED_V4.addSubnet("::ffff:0:0", 96, "ipv6");

/** Whether an IPv6 range (address/prefix) overlaps the IPv4-mapped block. */
function holdsMappedV4(address: string, prefix: number): boolean {
    if (prefix > 96) return MAPPED_V4.check(address, "ipv6");
    const range = new BlockList();
    range.addSubnet(address, prefix, "ipv6");
    return range.check("::ffff:0:0", "ipv6");
}

/**
 * Why an `aws:SourceIp` value is too broad to count, or undefined when it is narrow enough. AWS: "values broader than
 * /8 for IPv4 and /32 for IPv6". An IPv6 range that holds the IPv4-mapped block is judged as the IPv4 range it holds
 * (the docs are silent on it; this can only say "public" more often). Addresses are read by `node:net`.
 */
function broadIpReason(text: string): string | undefined {
    const slash = text.indexOf("/");
    const address = slash < 0 ? text : text.slice(0, slash);
    const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
    if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return "not an IP address or CIDR range";
    if (isIPv4(address)) {
        const prefix = prefixText === undefined ? 32 : Number(prefixText);
        if (prefix > 32) return "not an IP address or CIDR range";
        return prefix < 8 ? "broader than /8 (IPv4)" : undefined;
    }
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    if (!isIPv6(address) || prefix > 128) return "not an IP address or CIDR range";
    if (prefix < 32) return "broader than /32 (IPv6)";
    if (holdsMappedV4(address, prefix)) return prefix - 96 < 8 ? "holds IPv4-mapped addresses broader than /8" : undefined;
    return undefined;
}

/** `arn:<partition>:s3:<region>:<account>:accesspoint/<name>`: AWS allows a wildcard name when the rest is fixed. */
function fixedAccessPointArn(text: string): boolean {
    const arn = parseArn(text);
    return (
        arn !== undefined &&
        arn.service === "s3" &&
        arn.region !== "" &&
        isAccountId(arn.account) &&
        arn.resource.startsWith("accesspoint/") &&
        !hasWildcard(arn.partition) &&
        !hasWildcard(arn.region)
    );
}

/** Why one value does not fix the key, or undefined when it does. `text` is the value as AWS compares it (model items). */
function valueReason(text: string | undefined, kind: KeyKind): string | undefined {
    if (text === undefined) return "a value that is not a string is not a fixed value";
    if (hasVariable(text)) return `${JSON.stringify(text)}: a policy variable is not a fixed value`;
    if (kind === "ip") {
        const broad = broadIpReason(text);
        return broad && `${JSON.stringify(text)}: ${broad}`;
    }
    if (kind === "accessPoint" && fixedAccessPointArn(text)) return undefined;
    return hasWildcard(text) ? `${JSON.stringify(text)}: a wildcard is not a fixed value` : undefined;
}

/**
 * Why one condition (operator, key, values) does not restrict the statement to fixed values, or undefined when it does.
 * `repeated`: the key is written twice (in two letter cases) under this operator.
 */
function conditionReason({ operator, key }: ModelCondition, repeated: boolean): string | undefined {
    if (!key) return `${operator.operator}: not a map of condition keys`;
    const where = `${operator.operator} ${key.key}`;
    const kind = listedKeyKind(key.name);
    if (!kind) return `${where}: not a condition key AWS counts as restricting access`;
    const { set, base, ifExists } = operator.parts;
    if (set === "ForAllValues") return `${where}: ForAllValues is true when the key is absent`;
    if (!isKnownSet(set)) return `${where}: unknown set operator`;
    if (ifExists) return `${where}: …IfExists is true when the key is absent`;
    if (!fixesValue(base, kind)) return `${where}: ${base} does not limit the key to the values listed`;
    if (repeated) return `${where}: the key is written more than once under one operator`;
    const { items } = key.values;
    if (items.length === 0) return `${where}: no values`;
    for (let i = 0; i < items.length; i++) {
        const reason = valueReason(items[i], kind);
        if (reason) return `${where} ${reason}`;
    }
    return undefined;
}

/** The reasons no condition of the statement restricts it; an empty list when one does. */
function conditionReasons(statement: ModelStatement): string[] {
    const { conditions } = statement;
    if (conditions === undefined) return ["no Condition restricts it to fixed values"];
    if (statement.conditionUnreadable) return ["Condition is not a map of operators"];
    const reasons: string[] = [];
    for (let i = 0; i < conditions.length; i++) {
        const { operator, key } = conditions[i];
        // Keys are sorted by folded name: a key written twice in two letter cases has a neighbour of the same name.
        const sameName = (j: number) => j >= 0 && j < conditions.length && conditions[j].operator === operator && conditions[j].key?.name === key?.name;
        const reason = conditionReason(conditions[i], key !== undefined && (sameName(i - 1) || sameName(i + 1)));
        if (reason === undefined) return [];
        reasons.push(reason);
    }
    return reasons.length ? reasons : ["Condition is empty"];
}

/** A principal type's ids as a message shows them: one id, or the list. */
function shownIds(items: Array<string | undefined>, values: unknown[]): string {
    return values.length === 1 ? JSON.stringify(items[0] ?? values[0]) : JSON.stringify(values);
}

/** Why one principal id of a fixed type is not fixed, or undefined when it is. */
function principalIdReason(type: string, id: string | undefined): string | undefined {
    if (id === undefined) return `Principal ${type}: a value that is not a string is not a fixed principal`;
    if (isEveryone(type, id)) return 'Principal {"AWS": "*"}: everyone, including anonymous requests';
    if (hasWildcard(id) || hasVariable(id)) return `Principal ${type} ${JSON.stringify(id)}: a wildcard or variable is not a fixed principal`;
    return undefined;
}

/** Why the statement's principals are not a set of fixed principals, or undefined when they are. */
function principalReason(principals: ModelPrincipals | undefined): string | undefined {
    if (principals === undefined) return "no Principal (S3 requires one in a bucket policy)";
    if (principals.not) return "NotPrincipal: grants to everyone except the principals listed";
    const { element, types } = principals;
    if (element.value === "*") return 'Principal "*": everyone, including anonymous requests';
    if (!types) return `Principal ${JSON.stringify(element.value)} is neither "*" nor a map of principal types`;
    let named = false;
    for (const { type, ids } of types) {
        if (ids.values.length === 0) continue;
        named = true;
        if (type === "Federated") return `Principal Federated ${shownIds(ids.items, ids.values)}: anyone the identity provider signs in`;
        if (type !== "AWS" && type !== "Service" && type !== "CanonicalUser") return `Principal type ${JSON.stringify(type)} is not a fixed principal type`;
        for (let i = 0; i < ids.items.length; i++) {
            const reason = principalIdReason(type, ids.items[i]);
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
    return publicAccessOf(modelOf(policy));
}

/** @internal {@link analyzePublicAccess} of a policy's model. */
export function publicAccessOf(model: PolicyModel): PublicAccessAnalysis {
    const statements: PublicStatement[] = [];
    for (const statement of model.statements ?? []) {
        if (statement.effect === "Deny") continue;
        const principal = principalReason(statement.principals);
        if (principal === undefined) continue;
        const conditions = conditionReasons(statement);
        if (conditions.length === 0) continue;
        const entry: PublicStatement = { key: statementKey(statement), index: statement.index, reasons: [principal, ...conditions] };
        if (statement.sid !== undefined) entry.sid = statement.sid;
        statements.push(entry);
    }
    return { isPublic: statements.length > 0, statements };
}
