/**
 * The concrete evaluator: what one bucket policy answers to one request, written straight from the IAM User Guide
 * ("Policy evaluation logic", "IAM JSON policy elements", "Condition operators"). It is the reference the symbolic
 * analysis (analyze.ts) is tested against and confirms its witnesses with, so it shares none of that code: it reads
 * the model's normalized views and evaluates them one request at a time, as plainly as it can. What it does not
 * evaluate it refuses with {@link OutsideEvaluator} rather than guess.
 */
import { isIP, BlockList } from "node:net";
import { ModelCondition, ModelStatement, PolicyModel, STATEMENT_ELEMENTS, elementNamed, statementLabel } from "../policy/model";
import { exactDecimal, normalizeAwsPrincipal } from "../policy/rules";
import type { AccessContext, AccessRequest, PolicyDecision, PolicyReading } from "./types";

/** Thrown for a construct the evaluator does not evaluate; `construct` names it (and its statement). */
export class OutsideEvaluator extends Error {
    constructor(readonly construct: string) {
        super(`the concrete evaluator does not evaluate ${construct}`);
        this.name = "OutsideEvaluator";
    }
}

/**
 * What `model` answers to `request`: `"deny"` when a Deny statement matches, else `"allow"` when an Allow does, else
 * `"none"`. `reading` says how ARN patterns are read where AWS's documents disagree (see {@link PolicyReading}).
 * Every statement is evaluated whole, so whatever the evaluator cannot read throws whatever the request.
 */
export function evaluatePolicy(model: PolicyModel, request: AccessRequest, reading: PolicyReading = "widest"): PolicyDecision {
    const statements = model.statements ?? [];
    const version = elementNamed(model.elements, "Version")?.value;
    const effects = statements.map(effectOf);
    let allowed = false;
    let denied = false;
    for (let i = 0; i < statements.length; i++) {
        const allow = effects[i] === "Allow";
        const over = reading === "widest" ? allow : !allow;
        if (!statementMatches(statements[i], request, over, version)) continue;
        if (allow) allowed = true;
        else denied = true;
    }
    return denied ? "deny" : allowed ? "allow" : "none";
}

function effectOf(statement: ModelStatement): "Allow" | "Deny" {
    if (statement.effect !== undefined) return statement.effect;
    const written = statement.statement.Effect;
    throw new OutsideEvaluator(`${statementLabel(statement)}: ${written === undefined ? "no Effect" : `Effect ${JSON.stringify(written)}`}`);
}

/**
 * Whether `statement` matches `request`: its principal, action, resource and every condition. `over` reads it to
 * match the most requests (positive ARN patterns permissive, negative ones strict); `policyVersion` is the document's
 * `Version` as written, which decides whether `${…}` is a policy variable.
 */
export function statementMatches(statement: ModelStatement, request: AccessRequest, over: boolean, policyVersion: unknown): boolean {
    const label = statementLabel(statement);
    const variables = policyVersion === "2012-10-17";
    refuseUnknownElements(statement, label);
    // Every part is evaluated (no short cut), so a construct outside the evaluator throws wherever it is.
    const principal = principalMatches(statement, request, label);
    const action = actionMatches(statement, request, label);
    const resource = resourceMatches(statement, request, over, variables, label);
    let conditions = true;
    if (statement.conditionUnreadable) throw new OutsideEvaluator(`${label}: a Condition that is not an object`);
    for (const condition of statement.conditions ?? []) {
        if (!conditionHolds(condition, request.context, over, variables, label)) conditions = false;
    }
    return principal && action && resource && conditions;
}

/** An element and its `Not` form in one statement: AWS refuses the policy, and the model would read only one. */
function refuseBoth(statement: ModelStatement, element: "Principal" | "Action" | "Resource", label: string): void {
    if (statement.statement[element] !== undefined && statement.statement[`Not${element}`] !== undefined) {
        throw new OutsideEvaluator(`${label}: ${element} and Not${element} together`);
    }
}

/** An element IAM does not have (`Actions`, `Condtion`): AWS refuses the policy, and what it was meant to say is unknown. */
function refuseUnknownElements(statement: ModelStatement, label: string): void {
    for (const { name } of statement.elements) {
        if (!STATEMENT_ELEMENTS.includes(name)) throw new OutsideEvaluator(`${label}: unknown element ${JSON.stringify(name)}`);
    }
}

// --- Principal ---------------------------------------------------------------------------------------------------

function principalMatches(statement: ModelStatement, request: AccessRequest, label: string): boolean {
    const principals = statement.principals;
    if (principals === undefined) throw new OutsideEvaluator(`${label}: no Principal or NotPrincipal`);
    const name = principals.element.name;
    refuseBoth(statement, "Principal", label);
    if (principals.types === undefined) throw new OutsideEvaluator(`${label}: ${name} that is neither "*" nor an object`);
    const requestId = request.principal.type === "AWS" ? normalizeAwsPrincipal(request.principal.id) : request.principal.id;
    let named = false;
    for (const { type, ids } of principals.types) {
        for (const id of ids.items) {
            if (id === undefined) throw new OutsideEvaluator(`${label}: ${name} holds an id that is not a string`);
            // "You cannot use a wildcard to match part of a principal name or ARN."
            if (id !== "*" && (id.includes("*") || id.includes("?"))) throw new OutsideEvaluator(`${label}: ${name} id ${JSON.stringify(id)} with a wildcard`);
            if (type === request.principal.type && id === requestId) named = true;
        }
    }
    if (principals.everyone) named = true;
    return principals.not ? !named : named;
}

// --- Action and Resource -----------------------------------------------------------------------------------------

function actionMatches(statement: ModelStatement, request: AccessRequest, label: string): boolean {
    const actions = statement.actions;
    if (actions === undefined) throw new OutsideEvaluator(`${label}: no Action or NotAction`);
    const name = actions.element.name;
    refuseBoth(statement, "Action", label);
    const action = foldAscii(request.action);
    let matched = false;
    for (const pattern of actions.list.items) {
        if (pattern === undefined) throw new OutsideEvaluator(`${label}: ${name} holds a value that is not a string`);
        if (globMatches(foldAscii(pattern), action)) matched = true;
    }
    return actions.not ? !matched : matched;
}

function resourceMatches(statement: ModelStatement, request: AccessRequest, over: boolean, variables: boolean, label: string): boolean {
    const resources = statement.resources;
    if (resources === undefined) throw new OutsideEvaluator(`${label}: no Resource or NotResource`);
    const name = resources.element.name;
    refuseBoth(statement, "Resource", label);
    // Read to match the most: a positive pattern permissive, a negative one strict (it then excludes the fewest).
    const permissive = over !== resources.not;
    let matched = false;
    for (const pattern of resources.list.items) {
        if (pattern === undefined) throw new OutsideEvaluator(`${label}: ${name} holds a value that is not a string`);
        refuseVariables(pattern, variables, `${label}: ${name}`);
        if (arnPatternMatches(pattern, request.resource, permissive, false)) matched = true;
    }
    return resources.not ? !matched : matched;
}

/** With Version 2012-10-17, `${…}` in a Resource or a condition value is a policy variable; before, it is text. */
function refuseVariables(text: string, variables: boolean, where: string): void {
    if (variables && text.includes("${")) throw new OutsideEvaluator(`${where}: policy variable ${JSON.stringify(text)}`);
}

/**
 * An ARN pattern against an ARN. Permissive: a plain glob (`*`, `?` match `:` too), case-insensitive when
 * `ignoreCaseWhenPermissive`. Strict: case-sensitive, and a wildcard before the pattern's fifth colon (in partition,
 * service, region or account) matches within its segment only. A lone `*` matches everything either way.
 */
function arnPatternMatches(pattern: string, arn: string, permissive: boolean, ignoreCaseWhenPermissive: boolean): boolean {
    if (pattern === "*") return true;
    if (!permissive) return globMatches(pattern, arn, "resource part only");
    return ignoreCaseWhenPermissive ? globMatches(foldAscii(pattern), foldAscii(arn)) : globMatches(pattern, arn);
}

/**
 * IAM's glob: `*` any run of characters (none included), `?` exactly one, everything else itself. With
 * `"resource part only"`, a wildcard before the pattern's fifth colon does not match `:`. Runs the pattern as a set
 * of positions over the text, one character at a time: no backtracking, linear in pattern × text.
 */
function globMatches(patternText: string, text: string, wildcardsCrossColons: "anywhere" | "resource part only" = "anywhere"): boolean {
    const pattern = Array.from(patternText);
    const colonsFrom = wildcardsCrossColons === "anywhere" ? 0 : fifthColon(pattern);
    let positions = afterStars(pattern, new Set([0]));
    for (const char of text) {
        const next = new Set<number>();
        for (const position of positions) {
            if (position === pattern.length) continue;
            const token = pattern[position];
            const wildcardMatches = char !== ":" || position >= colonsFrom;
            if (token === "*") {
                if (wildcardMatches) next.add(position);
            } else if (token === "?") {
                if (wildcardMatches) next.add(position + 1);
            } else if (token === char) next.add(position + 1);
        }
        if (next.size === 0) return false;
        positions = afterStars(pattern, next);
    }
    return positions.has(pattern.length);
}

/** Adds, for each position at a `*`, the positions after it (a `*` may match nothing). */
function afterStars(pattern: string[], positions: Set<number>): Set<number> {
    for (const position of positions) if (pattern[position] === "*") positions.add(position + 1);
    return positions;
}

/** Where the resource part of an ARN pattern starts: the index of its fifth colon (its length when it has fewer). */
function fifthColon(pattern: string[]): number {
    let colons = 0;
    for (let i = 0; i < pattern.length; i++) if (pattern[i] === ":" && ++colons === 5) return i;
    return pattern.length;
}

/** ASCII letters to lower case, nothing else: how IAM folds actions and `…IgnoreCase` values. */
function foldAscii(text: string): string {
    return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

// --- Conditions --------------------------------------------------------------------------------------------------

/** How one request value is tested against one policy value, for an operator's positive form. */
type ValueTest = (requestValue: string, policyValue: string) => boolean;

function conditionHolds(condition: ModelCondition, context: AccessContext, over: boolean, variables: boolean, label: string): boolean {
    const { operator, key } = condition;
    const { set, base, ifExists, family, negated } = operator.parts;
    const where = `${label}: Condition operator ${JSON.stringify(operator.operator)}`;
    if (key === undefined) throw new OutsideEvaluator(`${where} whose block is not an object`);
    if (family === undefined) throw new OutsideEvaluator(`${where} (unknown operator)`);
    if (set !== "" && set !== "ForAnyValue" && set !== "ForAllValues") throw new OutsideEvaluator(`${where} (unknown set qualifier)`);
    if (family === "Binary") throw new OutsideEvaluator(`${where} (binary values)`);
    const values: string[] = [];
    for (const value of key.values.items) {
        if (value === undefined) throw new OutsideEvaluator(`${where}, key ${JSON.stringify(key.key)}: a value that is not a string, number or Boolean`);
        refuseVariables(value, variables, `${where}, key ${JSON.stringify(key.key)}`);
        values.push(value);
    }
    const requestValue = contextValue(context, key.name);
    if (family === "Null") {
        if (set !== "" || ifExists) throw new OutsideEvaluator(`${where} (Null takes no set qualifier or IfExists)`);
        return nullHolds(values, requestValue === undefined, where);
    }
    const test = valueTest(family, base, over !== negated, where);
    for (const value of values) test.checkPolicyValue?.(value);
    // One request value satisfies the pair: a positive operator when some policy value matches it, a negated one
    // ("NotEquals", "NotLike", "NotIpAddress") when none does.
    const satisfies = (value: string): boolean => values.some((policyValue) => test.matches(value, policyValue)) !== negated;

    if (set === "") {
        if (requestValue === undefined) return ifExists || negated;
        if (Array.isArray(requestValue)) throw new OutsideEvaluator(`${where}: a list of values for ${JSON.stringify(key.name)} (single-valued operator)`);
        return satisfies(requestValue);
    }
    if (requestValue === undefined && ifExists) return true;
    const requestValues = requestValue === undefined ? [] : Array.isArray(requestValue) ? requestValue : [requestValue];
    // "ForAnyValue … if the key is not present … returns false"; "ForAllValues … returns true if there are no context keys".
    return set === "ForAnyValue" ? requestValues.some(satisfies) : requestValues.every(satisfies);
}

/**
 * The request's value for a (folded) key; `undefined` when the key is absent: not listed, `null`, or an empty list
 * (a multi-valued key with no values is the "null data set" the guide treats as absent).
 */
function contextValue(context: AccessContext, name: string): string | string[] | undefined {
    if (!Object.prototype.hasOwnProperty.call(context, name)) return undefined;
    const value = context[name];
    if (value === null || (Array.isArray(value) && value.length === 0)) return undefined;
    return value;
}

/** `Null`: `"true"` holds when the key is absent, `"false"` when it is present; several values are ORed. */
function nullHolds(values: string[], absent: boolean, where: string): boolean {
    let holds = false;
    for (const value of values) {
        const folded = foldAscii(value);
        if (folded !== "true" && folded !== "false") throw new OutsideEvaluator(`${where}: Null value ${JSON.stringify(value)}`);
        if ((folded === "true") === absent) holds = true;
    }
    return holds;
}

interface FamilyTest {
    matches: ValueTest;
    /** Throws for a policy value the family cannot read (dates, IP ranges). */
    checkPolicyValue?: (value: string) => void;
}

/** @param permissiveArn whether an Arn operator's values are read permissively (a positive operator read over). */
function valueTest(family: string, base: string, permissiveArn: boolean, where: string): FamilyTest {
    switch (family) {
        case "String":
            if (base === "StringEquals" || base === "StringNotEquals") return { matches: (value, policy) => value === policy };
            if (base === "StringEqualsIgnoreCase" || base === "StringNotEqualsIgnoreCase")
                return { matches: (value, policy) => foldAscii(value) === foldAscii(policy) };
            return { matches: (value, policy) => globMatches(policy, value) };
        case "Numeric":
            return { matches: (value, policy) => numericMatches(base.slice("Numeric".length), value, policy) };
        case "Date":
            return {
                matches: (value, policy) => dateMatches(base.slice("Date".length), value, policy),
                checkPolicyValue: (policy) => {
                    if (instantOf(policy) === undefined) throw new OutsideEvaluator(`${where}: date ${JSON.stringify(policy)}`);
                },
            };
        case "Bool":
            return { matches: (value, policy) => foldAscii(value) === foldAscii(policy) };
        case "IpAddress":
            return {
                matches: ipMatches,
                checkPolicyValue: (policy) => {
                    if (ipRangeOf(policy) === undefined) throw new OutsideEvaluator(`${where}: IP range ${JSON.stringify(policy)}`);
                },
            };
        case "Arn":
            return { matches: (value, policy) => arnPatternMatches(policy, value, permissiveArn, true) };
        default:
            throw new OutsideEvaluator(`${where}`);
    }
}

/** The six comparisons of the Numeric and Date families, by the operator's name after its family. */
function compares(test: string, order: number): boolean {
    switch (test) {
        case "Equals":
        case "NotEquals":
            return order === 0;
        case "LessThan":
            return order < 0;
        case "LessThanEquals":
            return order <= 0;
        case "GreaterThan":
            return order > 0;
        case "GreaterThanEquals":
            return order >= 0;
        default:
            return false;
    }
}

/**
 * A value that is not a decimal (JSON's number grammar) matches no policy value and no policy value that is not a
 * decimal matches: the pair is then false for a positive operator and true for NumericNotEquals. AWS does not
 * document what it does with such a value; this is the reading that never grants on a value it cannot compare.
 */
function numericMatches(test: string, value: string, policy: string): boolean {
    const left = exactDecimal(value);
    const right = exactDecimal(policy);
    if (left === undefined || right === undefined) return false;
    return compares(test, compareDecimals(left, right));
}

/** The order of two decimals as {@link exactDecimal} writes them (`-12.05`, `0`, `3`): exact, no floating point. */
function compareDecimals(left: string, right: string): number {
    const leftNegative = left.startsWith("-");
    const rightNegative = right.startsWith("-");
    if (leftNegative !== rightNegative) return leftNegative ? -1 : 1;
    const order = compareMagnitudes(leftNegative ? left.slice(1) : left, rightNegative ? right.slice(1) : right);
    return leftNegative ? -order : order;
}

function compareMagnitudes(left: string, right: string): number {
    const [leftWhole, leftFraction = ""] = left.split(".");
    const [rightWhole, rightFraction = ""] = right.split(".");
    // Whole parts have no leading zeros: the longer is the larger; of equal length, the text order is the numeric order.
    if (leftWhole.length !== rightWhole.length) return leftWhole.length < rightWhole.length ? -1 : 1;
    if (leftWhole !== rightWhole) return leftWhole < rightWhole ? -1 : 1;
    const width = Math.max(leftFraction.length, rightFraction.length);
    const a = leftFraction.padEnd(width, "0");
    const b = rightFraction.padEnd(width, "0");
    return a === b ? 0 : a < b ? -1 : 1;
}

/** A request value that is not a date matches no policy value (as for numbers: DateNotEquals then holds). */
function dateMatches(test: string, value: string, policy: string): boolean {
    const left = instantOf(value);
    const right = instantOf(policy);
    if (left === undefined || right === undefined) return false;
    return compares(test, Math.sign(left - right));
}

/**
 * A date's instant in milliseconds: an integer is epoch seconds; otherwise an ISO 8601 date or date-time (what
 * `Date.parse` reads of it). A date-time without a zone is read as UTC, not as this machine's local time.
 */
function instantOf(text: string): number | undefined {
    if (/^-?\d+$/.test(text)) {
        const milliseconds = Number(text) * 1000;
        return Number.isSafeInteger(milliseconds) ? milliseconds : undefined;
    }
    if (!/^\d{4}-\d{2}(-\d{2})?(T|$)/.test(text)) return undefined;
    const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
    const instant = Date.parse(zoned);
    return Number.isNaN(instant) ? undefined : instant;
}

interface IpRange {
    family: "ipv4" | "ipv6";
    list: BlockList;
}

/** A CIDR (`203.0.113.0/24`, `2001:db8::/32`) or a single address, as a one-range list; `undefined` when unreadable. */
function ipRangeOf(text: string): IpRange | undefined {
    const slash = text.indexOf("/");
    const address = slash < 0 ? text : text.slice(0, slash);
    const version = isIP(address);
    if (version === 0) return undefined;
    const family = version === 4 ? "ipv4" : "ipv6";
    const bits = version === 4 ? 32 : 128;
    const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
    const list = new BlockList();
    list.addSubnet(address, Number(prefixText), family);
    return { family, list };
}

/** A request address in a range of its own family: an IPv4 address never matches an IPv6 range, nor the reverse. */
function ipMatches(value: string, policy: string): boolean {
    const range = ipRangeOf(policy);
    const version = isIP(value);
    if (range === undefined || version === 0) return false;
    if ((version === 4 ? "ipv4" : "ipv6") !== range.family) return false;
    return range.list.check(value, range.family);
}
