/** @internal JSON helpers shared by the policy modules. */

/**
 * A JSON number kept as written, where a JavaScript number would change it: `1.0`, `1e3`, `-0`, `0.10`, integers
 * beyond 2^53 (`9007199254740993` would read as `…992`). {@link parsePolicy} makes one only for such a literal; any
 * other number stays a `number`, whose text is the same.
 */
export class JsonNumber {
    constructor(readonly text: string) {
        Object.freeze(this);
    }
}

/** A {@link JsonNumber} holding `text`, a JSON number literal. */
export function jsonNumber(text: string): JsonNumber {
    return new JsonNumber(text);
}

/** True for a {@link JsonNumber} made by {@link jsonNumber}. */
export function isJsonNumber(value: unknown): value is JsonNumber {
    return value instanceof JsonNumber;
}

/** True for a JSON object (not an array, not null, not a {@link JsonNumber}). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isJsonNumber(value);
}

/** Own keys whose value is not `undefined`: a key set to `undefined` in a program's object is absent, as in JSON. */
export function definedKeys(object: Record<string, unknown>): string[] {
    const keys = Object.keys(object);
    for (let i = 0; i < keys.length; i++) {
        if (object[keys[i]] === undefined) return keys.filter((key) => object[key] !== undefined);
    }
    return keys;
}

/** Sorts texts in place by UTF-16 code units (as `Array.prototype.sort` does) and returns them. */
export function sortTexts(texts: string[]): string[] {
    const length = texts.length;
    if (length > 16) return texts.sort();
    // Insertion sort: several times faster than Array.prototype.sort for the short lists policies hold.
    for (let i = 1; i < length; i++) {
        const text = texts[i];
        let j = i - 1;
        while (j >= 0 && texts[j] > text) texts[j + 1] = texts[j--];
        texts[j + 1] = text;
    }
    return texts;
}

/** Sorts texts and drops repeats: the rule that order and duplicates within a list never matter. */
export function sortedUnique(texts: string[]): string[] {
    const length = texts.length;
    if (length < 2) return texts;
    sortTexts(texts);
    let kept = 1;
    for (let i = 1; i < length; i++) {
        if (texts[i] !== texts[kept - 1]) texts[kept++] = texts[i];
    }
    if (kept < length) texts.length = kept;
    return texts;
}

/** `JSON.stringify(text)`, byte for byte, without the call for the common text that needs no escaping. */
export function quote(text: string): string {
    return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

/** A way to write a string as JSON text: {@link quote}, or {@link quotePlain} for strings known to need no escaping. */
export type Quote = (text: string) => string;

/** `'"' + text + '"'`: JSON text for a string that holds nothing JSON escapes (see {@link quoteFor}). */
export function quotePlain(text: string): string {
    return '"' + text + '"';
}

/**
 * How to quote the strings parsed from `policy`: when its text has no backslash and no surrogate, none of its strings
 * holds anything `JSON.stringify` escapes (a quote, a backslash or a control character can only be written escaped,
 * and a lone surrogate is the only other thing it escapes), so they need no check one by one. For a one-byte text
 * both tests are nearly free.
 */
export function quoteFor(policy: string | object): Quote {
    return typeof policy === "string" && policy.indexOf("\\") < 0 && !SURROGATE.test(policy) ? quotePlain : quote;
}

const SURROGATE = /[\ud800-\udfff]/;

/** What `JSON.stringify` escapes (or may: surrogates), found by one native scan. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The canonical text of a list of item texts: `[a,b]`, sorted, without repeats. */
export function listText(texts: string[]): string {
    if (texts.length === 1) return "[" + texts[0] + "]";
    return "[" + sortedUnique(texts).join(",") + "]";
}

/**
 * JSON text with object keys sorted and arrays kept in order: the form of values whose meaning this package does not
 * know (unknown elements, values of the wrong type), where only key order and white space can be ignored.
 */
export function canonicalJson(value: unknown): string {
    if (value === null || value === undefined) return "null";
    if (typeof value === "string") return quote(value);
    if (typeof value !== "object") return JSON.stringify(value) ?? "null";
    if (isJsonNumber(value)) return value.text;
    if (Array.isArray(value)) {
        let text = "[";
        for (let i = 0; i < value.length; i++) text += (i ? "," : "") + canonicalJson(value[i]);
        return text + "]";
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return canonicalJson((value as { toJSON(): unknown }).toJSON());
    const object = value as Record<string, unknown>;
    const keys = sortTexts(definedKeys(object));
    let text = "{";
    for (let i = 0; i < keys.length; i++) text += (i ? "," : "") + JSON.stringify(keys[i]) + ":" + canonicalJson(object[keys[i]]);
    return text + "}";
}

/** `"key":value` parts joined into an object's text. */
export function objectText(parts: string[]): string {
    return "{" + parts.join(",") + "}";
}

/** Lower-cases ASCII letters only: locale-free, and never folds two strings AWS might tell apart beyond ASCII case. */
export function asciiLower(text: string): string {
    // For pure ASCII, toLowerCase changes exactly the letters A-Z; native, it is several times faster than a loop.
    return NON_ASCII.test(text) ? text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()) : text.toLowerCase();
}

// eslint-disable-next-line no-control-regex -- every ASCII code, control characters included
const NON_ASCII = /[^\u0000-\u007f]/;

/** A string as a message shows it: quoted, cut after 40 characters. For a value known to be a string, in place of {@link describeValue}. */
export function shownText(text: string): string {
    return JSON.stringify(text.length > 40 ? text.slice(0, 40) + "…" : text);
}

/** A short description of a value's type for error messages, e.g. `an array`, `a number (42)`. */
export function describeValue(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "string") return `a string (${shownText(value)})`;
    if (isJsonNumber(value)) return `a number (${value.text})`;
    if (typeof value === "object") return "an object";
    return `${typeof value === "undefined" ? "nothing" : `a ${typeof value}`}${typeof value === "number" || typeof value === "boolean" ? ` (${String(value)})` : ""}`;
}

/** The deepest level of nesting a policy document may have: it needs 7 (document, Statement, statement, Condition, operator, key, values). */
export const MAX_POLICY_DEPTH = 32;

/** How deep `value` nests (a scalar is 0), counted without recursion; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit = MAX_POLICY_DEPTH): number {
    let deepest = 0;
    const pending: Array<[unknown, number]> = [[value, 0]];
    while (pending.length > 0) {
        const [item, depth] = pending.pop() as [unknown, number];
        if (item === null || typeof item !== "object" || isJsonNumber(item)) continue;
        deepest = Math.max(deepest, depth + 1);
        if (deepest > limit) return deepest;
        for (const child of Object.values(item)) pending.push([child, depth + 1]);
    }
    return deepest;
}
