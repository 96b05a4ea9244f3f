/**
 * A request one statement plainly matches, made from its own text: a principal it names (or someone it does not
 * exclude), an S3 action and a resource of the bucket its patterns match, and condition values that meet each
 * condition (or the key left absent where that meets it). A guess: the caller confirms it with the evaluator, and
 * without confirmation it means nothing. It lets a new policy (compared with no policy) be judged without cutting
 * cells: each Allow is new access as soon as one of its requests is confirmed.
 */
import { ModelCondition, ModelStatement } from "../policy/model";
import { Pattern, patternMatches, patternOf } from "./glob";
import { S3_ACTIONS, instance, someoneElse } from "./space";
import type { AccessContext, AccessPrincipal, AccessRequest } from "./types";
import { decimalText, ipText, readDecimal, readInstant, readIpRange } from "./values";

const GLOB = { wildcards: true, ignoreCase: false, segmentWildcards: false };
const ACTIONS = S3_ACTIONS.map((name) => `s3:${name.toLowerCase()}`);
const UNLISTED = "value-not-in-the-policy";

/** Whether a glob (IAM's `*` and `?`, crossing `:`) matches `value`. Patterns recur across resources: kept, bounded. */
function globMatches(pattern: string, value: string): boolean {
    let compiled = compiledGlobs.get(pattern);
    if (!compiled) {
        if (compiledGlobs.size >= 1024) compiledGlobs.clear();
        compiledGlobs.set(pattern, (compiled = patternOf(pattern, GLOB)));
    }
    return patternMatches(compiled, value);
}

const compiledGlobs = new Map<string, Pattern>();

/** A request `statement` should match, within `bucket`'s resources when given (`namedIds`: every principal id the policy names); undefined when no plain guess exists. */
export function guessRequest(statement: ModelStatement, bucket: string | undefined, namedIds: readonly string[]): AccessRequest | undefined {
    const principal = guessPrincipal(statement, namedIds);
    const action = guessAction(statement);
    const resource = guessResource(statement, bucket);
    if (!principal || !action || !resource) return undefined;
    const context: AccessContext = {};
    for (const condition of statement.conditions ?? []) {
        if (!condition.key) return undefined;
        const value = guessValue(condition);
        if (value === undefined) return undefined;
        const key = condition.key.name;
        // A key some condition needs present keeps its value; one only absence satisfies stays absent.
        if (!(key in context) || context[key] === null) context[key] = value;
    }
    return { principal, action, resource, context };
}

function guessPrincipal(statement: ModelStatement, namedIds: readonly string[]): AccessPrincipal | undefined {
    const principals = statement.principals;
    if (!principals?.types) return undefined;
    if (principals.everyone || principals.not) {
        if (principals.not && principals.everyone) return undefined;
        return someoneElse(namedIds);
    }
    for (const { type, ids } of principals.types) {
        const id = ids.items.find((item) => item !== undefined);
        if (id !== undefined) return { type, id };
    }
    return undefined;
}

function guessAction(statement: ModelStatement): string | undefined {
    const actions = statement.actions;
    if (!actions || actions.list.unreadable) return undefined;
    const patterns = actions.list.items as string[];
    const matched = (action: string) => patterns.some((pattern) => globMatches(pattern, action));
    return ACTIONS.find((action) => matched(action) !== actions.not);
}

function guessResource(statement: ModelStatement, bucket: string | undefined): string | undefined {
    const resources = statement.resources;
    if (!resources || resources.list.unreadable) return undefined;
    const patterns = resources.list.items as string[];
    const matched = (resource: string) => patterns.some((pattern) => globMatches(pattern, resource));
    const candidates = bucket === undefined ? [] : [`arn:aws:s3:::${bucket}/object`, `arn:aws:s3:::${bucket}`];
    if (!resources.not) for (const pattern of patterns) candidates.push(pattern.replace(/\*/g, "object").replace(/\?/g, "x"));
    const inBucket = (resource: string) => bucket === undefined || resource === `arn:aws:s3:::${bucket}` || resource.startsWith(`arn:aws:s3:::${bucket}/`);
    return candidates.find((resource) => inBucket(resource) && matched(resource) !== resources.not);
}

/** A value meeting one condition (`null`: the key absent), or undefined when no plain one comes to mind. */
function guessValue(condition: ModelCondition): string | string[] | null | undefined {
    const { parts } = condition.operator;
    const values = (condition.key?.values.items ?? []) as Array<string | undefined>;
    const first = values[0];
    if (first === undefined) return undefined;
    // ForAllValues holds for a request without the key (the empty set), negated operator or not.
    if (parts.set === "ForAllValues") return null;
    if (parts.set === "ForAnyValue") return parts.negated ? [UNLISTED] : [instance(first)];
    if (parts.family === "Null") return first.toLowerCase() === "true" ? null : "present";
    if (parts.negated || parts.ifExists) return null;
    switch (parts.family) {
        case "String":
        case "Arn":
            return instance(first);
        case "Bool":
            return first;
        case "IpAddress": {
            const range = readIpRange(first);
            return range && ipText(range.v6, range.first);
        }
        case "Numeric": {
            const decimal = readDecimal(first);
            if (!decimal) return undefined;
            const step = parts.base.endsWith("LessThan") ? -1n : parts.base.endsWith("GreaterThan") ? 1n : 0n;
            return decimalText(decimal.units + step * 10n ** BigInt(decimal.scale), decimal.scale);
        }
        case "Date": {
            const ms = readInstant(first);
            if (ms === undefined) return undefined;
            const step = parts.base.endsWith("LessThan") ? -1000 : parts.base.endsWith("GreaterThan") ? 1000 : 0;
            return new Date(ms + step).toISOString();
        }
        default:
            return undefined;
    }
}
