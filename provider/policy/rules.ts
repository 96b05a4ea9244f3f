/**
 * The equivalence rules, one small named function each. RULES.md gives the AWS behaviour behind every one. Each returns
 * a normalized value (or its canonical text); none mutates its input.
 */
import { accountOfRootArn } from "./arn";
import { Quote, asciiLower, canonicalJson, isJsonNumber, quote, quotePlain } from "./json";

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

/**
 * Rule "account root": in an AWS principal a 12-digit account id means the account, which AWS stores as
 * `arn:<partition>:iam::<id>:root`; both normalize to the id. The partition is the policy's own, so it is dropped.
 */
export function normalizeAwsPrincipal(id: string): string {
    return accountOfRootArn(id) ?? id;
}

/** Rule "principal ids": AWS ids get the account-root rule; Service, Federated and CanonicalUser ids stay exact. */
export function principalIdNormalizer(type: string): (id: string) => string {
    return type === "AWS" ? normalizeAwsPrincipal : exactString;
}

/** Rule "everyone": `"Principal": "*"` is documented as the same as `{"AWS": "*"}`. */
export function principalObject(principal: unknown): unknown {
    return principal === "*" ? EVERYONE : principal;
}

const EVERYONE = Object.freeze({ AWS: Object.freeze(["*"]) });

/** Rule "everyone": the principal id that means every caller, anonymous ones included (`{"AWS": "*"}`, or `"*"`). */
export function isEveryone(type: string, id: string): boolean {
    return type === "AWS" && id === "*";
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
    let folded = foldedKeys.get(key);
    if (folded === undefined) {
        const slash = key.indexOf("/");
        folded = slash < 0 ? asciiLower(key) : asciiLower(key.slice(0, slash)) + key.slice(slash);
        remember(foldedKeys, key, folded);
    }
    return folded;
}

/**
 * Condition keys and operators are the same few names in every policy, and JSON object keys are strings V8 has
 * already hashed: reading them from a map costs less than folding or splitting them again. Bounded: tag keys are the
 * user's own names.
 */
const foldedKeys = new Map<string, string>();
const readOperators = new Map<string, OperatorParts>();
const REMEMBERED_NAMES = 4096;

function remember<T>(names: Map<string, T>, name: string, value: T): void {
    if (names.size >= REMEMBERED_NAMES) names.clear();
    names.set(name, value);
}

/** A condition operator read into its parts: `ForAnyValue:StringEqualsIfExists` is set `ForAnyValue`, base `StringEquals`, IfExists. */
export interface OperatorParts {
    /** `""`, `"ForAnyValue"`, `"ForAllValues"`, or whatever else was written before a colon (not an operator AWS has). */
    readonly set: string;
    /** The operator without its set qualifier and without `IfExists`, as written (operators are case sensitive). */
    readonly base: string;
    readonly ifExists: boolean;
    /**
     * How its values are read: as strings, numbers, dates, Booleans, base-64 binaries, IP ranges or ARNs, or the
     * `Null` test; `undefined` for an operator AWS does not have (a miscased one included: rule 16).
     */
    readonly family: OperatorFamily | undefined;
    /** Whether it matches a value that is *not* among those listed (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, …). */
    readonly negated: boolean;
}

/** The kinds of value condition operators compare (IAM User Guide, "Condition operators"). */
export type OperatorFamily = "String" | "Numeric" | "Date" | "Bool" | "Binary" | "IpAddress" | "Arn" | "Null";

/** Every base operator AWS documents, with its family. */
const OPERATOR_FAMILIES: ReadonlyMap<string, OperatorFamily> = new Map<string, OperatorFamily>([
    ...["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"].map(
        (base) => [base, "String"] as const,
    ),
    ...["Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals"].flatMap((test) => [
        [`Numeric${test}`, "Numeric"] as const,
        [`Date${test}`, "Date"] as const,
    ]),
    ["Bool", "Bool"],
    ["BinaryEquals", "Binary"],
    ["IpAddress", "IpAddress"],
    ["NotIpAddress", "IpAddress"],
    ...["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"].map((base) => [base, "Arn"] as const),
    ["Null", "Null"],
]);

/** Rule "operator parts": the one reading of an operator's set qualifier, base and `IfExists` (Condition element, "Condition operators"). */
export function operatorParts(operator: string): OperatorParts {
    let parts = readOperators.get(operator);
    if (parts === undefined) {
        const colon = operator.indexOf(":");
        const set = colon < 0 ? "" : operator.slice(0, colon);
        let base = colon < 0 ? operator : operator.slice(colon + 1);
        const ifExists = base.endsWith("IfExists");
        if (ifExists) base = base.slice(0, -8);
        const family = OPERATOR_FAMILIES.get(base);
        parts = Object.freeze({ set, base, ifExists, family, negated: family !== undefined && base.includes("Not") });
        remember(readOperators, operator, parts);
    }
    return parts;
}

/** Rule "case-insensitive operators": `StringEqualsIgnoreCase` and `StringNotEqualsIgnoreCase` (any set prefix, `…IfExists`). */
export function isIgnoreCaseOperator(parts: OperatorParts): boolean {
    return isKnownSet(parts.set) && (parts.base === "StringEqualsIgnoreCase" || parts.base === "StringNotEqualsIgnoreCase");
}

/** Rule "numeric operators": `Numeric…` operators (any set prefix, `…IfExists`) compare values as numbers. */
export function isNumericOperator(parts: OperatorParts): boolean {
    return isKnownSet(parts.set) && parts.base.startsWith("Numeric");
}

/** The set qualifiers AWS has: none, `ForAnyValue`, `ForAllValues`. */
export function isKnownSet(set: string): boolean {
    return set === "" || set === "ForAnyValue" || set === "ForAllValues";
}

/** Exponents beyond this are compared as written: expanding `1e999999` would cost more than an unneeded put. */
const MAX_EXACT_EXPONENT = 400;

/**
 * Rule "exact numbers": the decimal value of a number's text, written one way (`1.0`, `1e0` → `1`; `-0` → `0`;
 * `1.50e1` → `15`; `0.10` → `0.1`), with every digit kept: no floating point, so two texts give the same result only
 * when they are the same number, at any precision. `undefined` for text outside JSON's number grammar (`010`, `.5`,
 * `+1`): how AWS reads those is not documented, so they compare as written.
 */
export function exactDecimal(text: string): string | undefined {
    const match = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!match) return undefined;
    const [, sign, whole, fraction = "", exponentText = "0"] = match;
    const exponent = Number(exponentText);
    if (Math.abs(exponent) > MAX_EXACT_EXPONENT) return undefined;
    let digits = (whole + fraction).replace(/^0+/, "");
    let scale = exponent - fraction.length; // value = digits × 10^scale
    if (digits === "") return "0";
    while (digits.endsWith("0")) {
        digits = digits.slice(0, -1);
        scale++;
    }
    let body: string;
    if (scale >= 0) body = digits + "0".repeat(scale);
    else if (digits.length > -scale) body = digits.slice(0, digits.length + scale) + "." + digits.slice(digits.length + scale);
    else body = "0." + "0".repeat(-scale - digits.length) + digits;
    return sign + body;
}

/**
 * Rule "condition values are strings": quotes are optional for numbers and Booleans, so `true` = `"true"` and
 * `1` = `"1"`; a number is its text as written (`1.0` ≠ `1` under a String operator). Values keep their case unless
 * the operator ignores case; under a `Numeric…` operator, decimals compare by exact value (`1.0` = `1`, `-0` = `0`,
 * `1e2` = `100`, `9007199254740993` ≠ `9007199254740992`). Returns the value's canonical JSON text, a string written
 * with `quoteText`.
 */
export function conditionValueText(value: unknown, ignoreCase: boolean, numeric = false, quoteText: Quote = quote): string {
    let text: string;
    if (typeof value === "string") text = value;
    else if (typeof value === "number" || typeof value === "boolean") text = String(value);
    else if (isJsonNumber(value)) text = value.text;
    else return canonicalJson(value);
    if (numeric) {
        const decimal = exactDecimal(text);
        if (decimal !== undefined) return quotePlain(decimal);
    }
    return quoteText(ignoreCase ? asciiLower(text) : text);
}
