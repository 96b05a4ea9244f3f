/**
 * The equivalence rules, one small named function each. RULES.md gives the AWS behaviour behind every one. Each returns
 * a normalized value (or its canonical text); none mutates its input.
 */
import { asciiLower, canonicalJson, quote } from "./json";

/** Rule "single value = one-element list": `"s3:GetObject"` and `["s3:GetObject"]` are the same list. */
export function listOf(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [value];
}

/** Rule "single statement = one-element array": `Statement: {…}` and `Statement: [{…}]` hold the same statements. */
export function statementList(statements: unknown): unknown[] {
    return statements === undefined ? [] : listOf(statements);
}

/** Rule "empty identifier": an empty `Sid` or `Id` names nothing, the same as none (Terraform's documents emit `"Sid": ""`). */
export function identifierOf(value: unknown): unknown {
    return value === "" ? undefined : value;
}

/**
 * Rule "Effect": AWS documents the value as case sensitive, so only `Allow` and `Deny` are accepted and no two
 * policies AWS accepts differ by Effect case. Other casings fold onto them (as upstream's vectors expect); `check`
 * rejects them before any diff.
 */
export function normalizeEffect(effect: unknown): unknown {
    if (typeof effect !== "string") return effect;
    const folded = asciiLower(effect);
    return folded === "allow" ? "Allow" : folded === "deny" ? "Deny" : effect;
}

/** Rule "action case": the service prefix and the action name are case insensitive (`S3:getobject` = `s3:GetObject`). */
export function normalizeAction(action: string): string {
    return asciiLower(action);
}

/** Rule "exact strings": resource ARNs (and principal ids) are compared exactly; S3 object keys are case sensitive. */
export function exactString(value: string): string {
    return value;
}

function isAccountId(text: string): boolean {
    if (text.length !== 12) return false;
    for (let i = 0; i < 12; i++) {
        const code = text.charCodeAt(i);
        if (code < 48 || code > 57) return false;
    }
    return true;
}

const ROOT_SUFFIX = ":root";
const IAM_PREFIX = "iam::";

/**
 * Rule "account root": in an AWS principal a 12-digit account id means the account, which AWS stores as
 * `arn:<partition>:iam::<id>:root`; both normalize to the id. The partition is the policy's own, so it is dropped.
 */
export function normalizeAwsPrincipal(id: string): string {
    if (!id.startsWith("arn:") || !id.endsWith(ROOT_SUFFIX)) return id;
    const partitionEnd = id.indexOf(":", 4);
    if (partitionEnd <= 4) return id;
    const rest = id.slice(partitionEnd + 1);
    if (rest.length !== IAM_PREFIX.length + 12 + ROOT_SUFFIX.length || !rest.startsWith(IAM_PREFIX)) return id;
    const account = rest.slice(IAM_PREFIX.length, IAM_PREFIX.length + 12);
    return isAccountId(account) ? account : id;
}

/** Rule "principal ids": AWS ids get the account-root rule; Service, Federated and CanonicalUser ids stay exact. */
export function principalIdNormalizer(type: string): (id: string) => string {
    return type === "AWS" ? normalizeAwsPrincipal : exactString;
}

/** Rule "everyone": `"Principal": "*"` is documented as the same as `{"AWS": "*"}`. */
export function principalObject(principal: unknown): unknown {
    return principal === "*" ? { AWS: ["*"] } : principal;
}

/**
 * Rule "empty principal": a principal type with no ids names nobody and is dropped; a `Principal` left with no type
 * is the same as no `Principal` (upstream's vectors). `NotPrincipal: {}` stays, since "everyone but nobody" is not
 * "no NotPrincipal".
 */
export function principalIsEmpty(canonicalText: string): boolean {
    return canonicalText === "{}";
}

/**
 * Rule "condition key case": context key names are not case sensitive (`aws:SourceIp` = `AWS:SourceIP`), but the part
 * after a `/` is a tag key or other name the user chose (`s3:ExistingObjectTag/<key>`, `aws:RequestTag/<key>`,
 * `aws:ResourceTag/<key>`, `aws:PrincipalTag/<key>`, …), and S3 tag keys are case sensitive: only the name up to the
 * first `/` folds.
 */
export function foldConditionKey(key: string): string {
    const slash = key.indexOf("/");
    return slash < 0 ? asciiLower(key) : asciiLower(key.slice(0, slash)) + key.slice(slash);
}

const SET_PREFIXES = ["ForAnyValue:", "ForAllValues:"];
const IF_EXISTS = "IfExists";

/** Rule "case-insensitive operators": `StringEqualsIgnoreCase` and `StringNotEqualsIgnoreCase` (any set prefix, `…IfExists`). */
export function isIgnoreCaseOperator(operator: string): boolean {
    let base = operator;
    for (const prefix of SET_PREFIXES) if (base.startsWith(prefix)) base = base.slice(prefix.length);
    if (base.endsWith(IF_EXISTS)) base = base.slice(0, -IF_EXISTS.length);
    return base === "StringEqualsIgnoreCase" || base === "StringNotEqualsIgnoreCase";
}

/**
 * Rule "condition values are strings": quotes are optional for numbers and Booleans, so `true` = `"true"` and
 * `1` = `"1"`. Values keep their case unless the operator ignores case. Returns the value's canonical JSON text.
 */
export function conditionValueText(value: unknown, ignoreCase: boolean): string {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        const text = String(value);
        return quote(ignoreCase ? asciiLower(text) : text);
    }
    return canonicalJson(value);
}

/** The canonical JSON text of one list item: a string normalized by `normalize`, anything else kept as written. */
export function listItemText(item: unknown, normalize: (value: string) => string): string {
    return typeof item === "string" ? quote(normalize(item)) : canonicalJson(item);
}
