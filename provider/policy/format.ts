/**
 * The text the provider puts to S3 and shows in previews: compact JSON, keys in a fixed order, statements and list
 * items in the user's order without repeats, every value in the user's own spelling.
 */
import { DOCUMENT_ELEMENTS, STATEMENT_ELEMENTS, canonicalStatementText, unknownKeys } from "./canonical";
import { Keyed, canonicalJson, definedKeys, foldKeyed, isPlainObject, objectText, sortTexts, uniqueSpellings } from "./json";
import { parsePolicy } from "./parse";
import {
    conditionValueText,
    exactString,
    foldConditionKey,
    isIgnoreCaseOperator,
    isNumericOperator,
    listItemText,
    normalizeAction,
    principalIdNormalizer,
    statementList,
} from "./rules";

/**
 * A list as written, in its order and without repeats. A single value stays single and a list of one is
 * written as its value (the same list to AWS), unless that value is itself a list, which would change its meaning.
 */
function formatList(value: unknown, keyOf: (item: unknown) => string): string {
    if (!Array.isArray(value)) return canonicalJson(value);
    const entries: Keyed[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) entries[i] = { key: keyOf(value[i]), text: canonicalJson(value[i]) };
    const texts = uniqueSpellings(entries);
    return texts.length === 1 && texts[0][0] !== "[" ? texts[0] : "[" + texts.join(",") + "]";
}

function formatStrings(value: unknown, normalize: (item: string) => string): string {
    return formatList(value, (item) => listItemText(item, normalize));
}

function formatPrincipal(value: unknown): string {
    if (!isPlainObject(value)) return canonicalJson(value);
    const types = sortTexts(definedKeys(value));
    return objectText(types.map((type) => JSON.stringify(type) + ":" + formatStrings(value[type], principalIdNormalizer(type))));
}

function formatCondition(value: unknown): string {
    if (!isPlainObject(value)) return canonicalJson(value);
    const operators = sortTexts(definedKeys(value));
    return objectText(
        operators.map((operator) => {
            const block = value[operator];
            if (!isPlainObject(block)) return JSON.stringify(operator) + ":" + canonicalJson(block);
            const ignoreCase = isIgnoreCaseOperator(operator);
            const numeric = isNumericOperator(operator);
            const keys = foldKeyed(definedKeys(block), foldConditionKey);
            const inner = keys.map((key) => JSON.stringify(key) + ":" + formatList(block[key], (item) => conditionValueText(item, ignoreCase, numeric)));
            return JSON.stringify(operator) + ":" + objectText(inner);
        }),
    );
}

function formatElement(name: string, value: unknown): string {
    switch (name) {
        case "Principal":
        case "NotPrincipal":
            return formatPrincipal(value);
        case "Action":
        case "NotAction":
            return formatStrings(value, normalizeAction);
        case "Resource":
        case "NotResource":
            return formatStrings(value, exactString);
        case "Condition":
            return formatCondition(value);
        default:
            return canonicalJson(value);
    }
}

/** @internal One statement as written, elements in grammar order, unknown ones after. */
export function formatStatement(statement: Record<string, unknown>): string {
    const parts: string[] = [];
    for (const name of STATEMENT_ELEMENTS) {
        if (statement[name] !== undefined) parts.push(JSON.stringify(name) + ":" + formatElement(name, statement[name]));
    }
    for (const key of unknownKeys(statement, STATEMENT_ELEMENTS)) parts.push(JSON.stringify(key) + ":" + canonicalJson(statement[key]));
    return objectText(parts);
}

/** Statements as a list (a single statement object becomes a list of one), in the order written, without repeats. */
function formatStatements(value: unknown): string {
    const statements = statementList(value) as Array<Record<string, unknown>>;
    const entries: Keyed[] = new Array(statements.length);
    for (let i = 0; i < statements.length; i++) {
        entries[i] = { key: canonicalStatementText(statements[i]), text: formatStatement(statements[i]) };
    }
    return "[" + uniqueSpellings(entries).join(",") + "]";
}

/**
 * Returns the text to put to S3 and to show in previews: compact JSON, keys in grammar order (Version, Id, Statement;
 * Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition; unknown keys after, sorted),
 * `Statement` always a list, statements and list items in the order written without repeats, a list of one written as
 * its single value, and every value spelled as the user wrote it (action case, account id or root ARN,
 * `"Principal": "*"`; of duplicates that differ only in spelling, the first written is kept).
 *
 * Contract: `formatPolicy(x)` is equivalent to `x` ({@link policiesEquivalent}); `formatPolicy` is idempotent; documents
 * that differ only in key order, white space, repeats, or single value versus list of one (statement object versus list
 * of one) give the same text. Statement and list order are kept: they never make a diff ({@link diffPolicies}), and
 * kept, they let the CLI's display show an added statement as one addition. Nothing is dropped except repeats.
 *
 * @param policy the document's JSON text, or the document
 * @throws {@link PolicyParseError} when the policy cannot be read (see {@link parsePolicy})
 */
export function formatPolicy(policy: string | object): string {
    const document = parsePolicy(policy) as Record<string, unknown>;
    const parts: string[] = [];
    for (const name of DOCUMENT_ELEMENTS) {
        const value = document[name];
        if (value !== undefined) parts.push(JSON.stringify(name) + ":" + (name === "Statement" ? formatStatements(value) : canonicalJson(value)));
    }
    for (const key of unknownKeys(document, DOCUMENT_ELEMENTS)) parts.push(JSON.stringify(key) + ":" + canonicalJson(document[key]));
    return objectText(parts);
}
