/**
 * The canonical form: one JSON text per meaning. Two policies AWS treats the same give byte-identical text, and the
 * text is itself a policy whose canonical form is itself.
 */
import { canonicalJson, definedKeys, isPlainObject, listText, objectText, quote, sortTexts, sortedUnique } from "./json";
import { parsePolicy } from "./parse";
import {
    conditionValueText,
    exactString,
    foldConditionKey,
    identifierOf,
    isIgnoreCaseOperator,
    isNumericOperator,
    listItemText,
    listOf,
    normalizeAction,
    normalizeEffect,
    principalIdNormalizer,
    principalIsEmpty,
    principalObject,
    statementList,
} from "./rules";

/** @internal The statement elements in the order the canonical and formatted texts use. */
export const STATEMENT_ELEMENTS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
/** @internal The document elements in the order the canonical and formatted texts use. */
export const DOCUMENT_ELEMENTS = ["Version", "Id", "Statement"];

/** @internal Keys of `object` that are not in `known`, sorted: unknown elements are kept, after the known ones. */
export function unknownKeys(object: Record<string, unknown>, known: string[]): string[] {
    return sortTexts(definedKeys(object).filter((key) => !known.includes(key)));
}

/** A list element (Action, Resource, principal ids, …): order and duplicates never matter. */
function canonicalList(value: unknown, normalize: (item: string) => string): string {
    if (!Array.isArray(value)) return "[" + listItemText(value, normalize) + "]";
    const texts: string[] = [];
    for (let i = 0; i < value.length; i++) texts.push(listItemText(value[i], normalize));
    return listText(texts);
}

/** Principal or NotPrincipal: types sorted, ids as canonical lists, types without ids dropped. */
function canonicalPrincipal(value: unknown): string {
    const principal = principalObject(value);
    if (typeof principal === "string") return quote(principalIdNormalizer("AWS")(principal));
    if (!isPlainObject(principal)) return canonicalJson(principal);
    const parts: string[] = [];
    for (const type of sortTexts(definedKeys(principal))) {
        const ids = listOf(principal[type]);
        if (ids.length > 0) parts.push(quote(type) + ":" + canonicalList(ids, principalIdNormalizer(type)));
    }
    return objectText(parts);
}

/** The values of one condition key as a canonical list: strings (case-folded for IgnoreCase operators). */
function canonicalConditionValues(value: unknown, ignoreCase: boolean, numeric: boolean): string {
    if (!Array.isArray(value)) return "[" + conditionValueText(value, ignoreCase, numeric) + "]";
    const texts: string[] = [];
    for (let i = 0; i < value.length; i++) texts.push(conditionValueText(value[i], ignoreCase, numeric));
    return listText(texts);
}

/**
 * One operator's block: keys case-folded, values as canonical lists. Keys that fold to the same name but hold
 * different values keep their own spelling: merging them would need an AND of value sets that the grammar cannot
 * write, and keeping them apart can only over-report a change, never hide one.
 */
function canonicalConditionBlock(operator: string, block: Record<string, unknown>): string {
    const ignoreCase = isIgnoreCaseOperator(operator);
    const numeric = isNumericOperator(operator);
    const keys = definedKeys(block);
    if (keys.length === 1) return "{" + quote(foldConditionKey(keys[0])) + ":" + canonicalConditionValues(block[keys[0]], ignoreCase, numeric) + "}";
    const folded: string[] = [];
    const values: string[] = [];
    // folded name → its values, or null when keys that fold to it hold different values
    const groups = new Map<string, string | null>();
    for (let i = 0; i < keys.length; i++) {
        folded.push(foldConditionKey(keys[i]));
        values.push(canonicalConditionValues(block[keys[i]], ignoreCase, numeric));
        const seen = groups.get(folded[i]);
        groups.set(folded[i], seen === undefined || seen === values[i] ? values[i] : null);
    }
    const entries = new Map<string, string>();
    for (let i = 0; i < keys.length; i++) entries.set(groups.get(folded[i]) === null ? keys[i] : folded[i], values[i]);
    const names = sortTexts([...entries.keys()]);
    const parts: string[] = [];
    for (let i = 0; i < names.length; i++) parts.push(quote(names[i]) + ":" + entries.get(names[i]));
    return objectText(parts);
}

/** Condition: operators exact and sorted, each block canonical; a value of the wrong shape is kept as written. */
function canonicalCondition(value: unknown): string {
    if (!isPlainObject(value)) return canonicalJson(value);
    const operators = sortTexts(definedKeys(value));
    const parts: string[] = [];
    for (let i = 0; i < operators.length; i++) {
        const block = value[operators[i]];
        parts.push(quote(operators[i]) + ":" + (isPlainObject(block) ? canonicalConditionBlock(operators[i], block) : canonicalJson(block)));
    }
    return objectText(parts);
}

/**
 * Calls `emit` with the canonical text of each element a statement has, in {@link STATEMENT_ELEMENTS} order, then
 * unknown elements sorted. Elements that normalize to absent (an empty Sid, an empty Principal) are skipped.
 */
function eachCanonicalElement(statement: Record<string, unknown>, emit: (name: string, text: string, known: boolean) => void): void {
    const sid = identifierOf(statement.Sid);
    if (sid !== undefined) emit("Sid", canonicalJson(sid), true);
    if (statement.Effect !== undefined) emit("Effect", canonicalJson(normalizeEffect(statement.Effect)), true);
    if (statement.Principal !== undefined) {
        const principal = canonicalPrincipal(statement.Principal);
        if (!principalIsEmpty(principal)) emit("Principal", principal, true);
    }
    if (statement.NotPrincipal !== undefined) emit("NotPrincipal", canonicalPrincipal(statement.NotPrincipal), true);
    if (statement.Action !== undefined) emit("Action", canonicalList(statement.Action, normalizeAction), true);
    if (statement.NotAction !== undefined) emit("NotAction", canonicalList(statement.NotAction, normalizeAction), true);
    if (statement.Resource !== undefined) emit("Resource", canonicalList(statement.Resource, exactString), true);
    if (statement.NotResource !== undefined) emit("NotResource", canonicalList(statement.NotResource, exactString), true);
    if (statement.Condition !== undefined) emit("Condition", canonicalCondition(statement.Condition), true);
    const keys = Object.keys(statement);
    for (let i = 0; i < keys.length; i++) {
        if (!STATEMENT_ELEMENTS.includes(keys[i])) {
            for (const key of unknownKeys(statement, STATEMENT_ELEMENTS)) emit(key, canonicalJson(statement[key]), false);
            return;
        }
    }
}

/** @internal The canonical text of each element of a statement, by element name (for diffs). */
export function canonicalStatementParts(statement: Record<string, unknown>): Array<[string, string]> {
    const parts: Array<[string, string]> = [];
    eachCanonicalElement(statement, (name, text) => parts.push([name, text]));
    return parts;
}

/** @internal The canonical JSON text of one statement. */
export function canonicalStatementText(statement: Record<string, unknown>): string {
    let text = "";
    eachCanonicalElement(statement, (name, element, known) => {
        text += (text ? "," : "{") + (known ? '"' + name + '"' : quote(name)) + ":" + element;
    });
    return text ? text + "}" : "{}";
}

/** @internal The canonical text of each statement of a document, in document order. */
export function canonicalStatementTexts(document: Record<string, unknown>): string[] {
    const statements = statementList(document.Statement) as Array<Record<string, unknown>>;
    const texts: string[] = [];
    for (let i = 0; i < statements.length; i++) texts.push(canonicalStatementText(statements[i]));
    return texts;
}

/**
 * @internal The canonical text of each top-level element, `Statement` as a sorted list without repeats.
 * @param statementTexts the document's {@link canonicalStatementTexts}, when the caller has them already
 */
export function canonicalDocumentParts(document: Record<string, unknown>, statementTexts?: string[]): Array<[string, string]> {
    const parts: Array<[string, string]> = [];
    if (document.Version !== undefined) parts.push(["Version", canonicalJson(document.Version)]);
    const id = identifierOf(document.Id);
    if (id !== undefined) parts.push(["Id", canonicalJson(id)]);
    if (document.Statement !== undefined) {
        const texts = statementTexts ? [...statementTexts] : canonicalStatementTexts(document);
        parts.push(["Statement", "[" + sortedUnique(texts).join(",") + "]"]);
    }
    for (const key of unknownKeys(document, DOCUMENT_ELEMENTS)) parts.push([key, canonicalJson(document[key])]);
    return parts;
}

/** @internal The canonical text of a parsed document (see {@link canonicalDocumentParts}). */
export function canonicalDocumentText(document: Record<string, unknown>, statementTexts?: string[]): string {
    const parts = canonicalDocumentParts(document, statementTexts);
    const texts: string[] = [];
    for (let i = 0; i < parts.length; i++) texts.push(quote(parts[i][0]) + ":" + parts[i][1]);
    return objectText(texts);
}

/**
 * Returns the canonical JSON text of a policy: two policies AWS treats the same (see RULES.md) give byte-identical
 * text, and `canonicalizePolicy(canonicalizePolicy(x)) === canonicalizePolicy(x)`. It is for comparison and state,
 * not for S3: use {@link formatPolicy} for the text to put.
 *
 * @param policy the document's JSON text, or the document
 * @throws {@link PolicyParseError} when the policy cannot be read (see {@link parsePolicy})
 */
export function canonicalizePolicy(policy: string | object): string {
    return canonicalDocumentText(parsePolicy(policy) as Record<string, unknown>);
}

/**
 * True when two policies mean the same to AWS: their canonical texts are equal.
 *
 * @param a a document or its JSON text
 * @param b a document or its JSON text
 * @throws {@link PolicyParseError} when either cannot be read: an unreadable document is never "equivalent"
 */
export function policiesEquivalent(a: string | object, b: string | object): boolean {
    if (a === b) return parsePolicy(a) !== undefined; // the same text or object: still throws when unreadable
    return canonicalizePolicy(a) === canonicalizePolicy(b);
}
