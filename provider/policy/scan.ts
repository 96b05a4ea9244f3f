/**
 * What `JSON.parse` loses from a policy's text, found in one scan: a key written twice in one object (JSON.parse keeps
 * the last), and numbers a JavaScript number would change. Both functions expect text that `JSON.parse` accepted, and
 * neither recurses, so no nesting exhausts the stack.
 */
import { jsonNumber } from "./json";

/** What {@link scanJsonText} found. */
export interface JsonTextScan {
    /** Whether objects and arrays nest deeper than the limit given (the scan stops there). */
    tooDeep: boolean;
    /** The first key written twice in one object, with where (`"Effect" in Statement[0]`). */
    duplicateKey?: string;
    /** Whether a number literal reads back differently as a JavaScript number (`1.0`, `1e3`, `-0`, beyond 2^53). */
    inexactNumber: boolean;
}

function isNumberStart(code: number): boolean {
    return code === 45 || (code >= 48 && code <= 57);
}

/** The end (exclusive) of the number literal that starts at `start`. */
function numberEnd(text: string, start: number): number {
    let end = start + 1;
    for (; end < text.length; end++) {
        const code = text.charCodeAt(end);
        // 0-9 . e E + -
        if (!((code >= 48 && code <= 57) || code === 46 || code === 101 || code === 69 || code === 43 || code === 45)) break;
    }
    return end;
}

/** @internal The end (the closing quote's index) of the string literal whose opening quote is at `start`. */
export function stringEnd(text: string, start: number): number {
    let end = text.indexOf('"', start + 1);
    while (end > 0) {
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
        if (backslashes % 2 === 0) return end;
        end = text.indexOf('"', end + 1);
    }
    return text.length;
}

/** @internal True when a number literal reads back as written: the common integers need no conversion to tell. */
export function isExactNumber(literal: string): boolean {
    if (literal.length < 16) {
        let plainInteger = literal !== "-0";
        for (let i = 0; i < literal.length && plainInteger; i++) {
            const code = literal.charCodeAt(i);
            if (code === 46 || code === 101 || code === 69) plainInteger = false;
        }
        if (plainInteger) return true;
    }
    return String(Number(literal)) === literal;
}

/** Past this many keys in one object, a set finds a repeat faster than a list. */
const MANY_KEYS = 32;

/** One open object or array. */
interface Frame {
    /** An object's keys so far (a set once there are many); `undefined` for an array. */
    keys?: string[] | Set<string>;
    /** An object's current key, or an array's current index. */
    at: string | number;
}

function pathOf(frames: Frame[]): string {
    let path = "";
    for (let i = 0; i < frames.length - 1; i++) path += frames[i].keys ? (path ? "." : "") + frames[i].at : `[${frames[i].at}]`;
    return path;
}

/**
 * Scans valid JSON text once for nesting deeper than `maxDepth`, a duplicate key and numbers a JavaScript number would
 * not keep as written.
 */
export function scanJsonText(text: string, maxDepth = Infinity): JsonTextScan {
    const frames: Frame[] = [];
    let expectingKey = false;
    let inexactNumber = false;
    const length = text.length;
    for (let i = 0; i < length; i++) {
        const code = text.charCodeAt(i);
        if (code <= 32) continue; // white space, the most common character of a pretty-printed text
        if (code === 34) {
            const end = stringEnd(text, i);
            if (expectingKey) {
                const top = frames[frames.length - 1];
                const raw = text.slice(i + 1, end);
                const key = raw.indexOf("\\") < 0 ? raw : (JSON.parse(text.slice(i, end + 1)) as string);
                const keys = top.keys as string[] | Set<string>;
                if (Array.isArray(keys) ? keys.includes(key) : keys.has(key)) {
                    const path = pathOf(frames);
                    return { tooDeep: false, duplicateKey: `${JSON.stringify(key)} ${path ? `in ${path}` : "at the top level"}`, inexactNumber };
                }
                if (!Array.isArray(keys)) keys.add(key);
                else if (keys.push(key) > MANY_KEYS) top.keys = new Set(keys);
                top.at = key;
                expectingKey = false;
            }
            i = end;
        } else if (isNumberStart(code)) {
            const end = numberEnd(text, i);
            if (!inexactNumber && !isExactNumber(text.slice(i, end))) inexactNumber = true;
            i = end - 1;
        } else if (code === 123 || code === 91) {
            // { [
            if (frames.length >= maxDepth) return { tooDeep: true, inexactNumber };
            frames.push(code === 123 ? { keys: [], at: "" } : { at: 0 });
            expectingKey = code === 123;
        } else if (code === 125 || code === 93) {
            // } ]
            frames.pop();
            expectingKey = false;
        } else if (code === 44) {
            // ,
            const top = frames[frames.length - 1];
            if (top.keys) expectingKey = true;
            else (top.at as number)++;
        }
    }
    return { tooDeep: false, inexactNumber };
}

/**
 * The answer of {@link scanJsonText} for the common text, without reading it character by character: when the text has
 * no backslash, every string in it is written as its characters between two quote marks. `JSON.parse` keeps only the
 * last of two equal keys, so a key written twice leaves the document shorter than the text: a compact text (the
 * common one, `JSON.stringify`'s) that is exactly as long as its document written compactly has no key twice, and
 * otherwise the text has a key twice exactly when it has more quote marks than twice the document's strings. A
 * document with no number and no nesting past `maxDepth` then has nothing else the scan looks for. Returns `undefined`
 * when it cannot tell (a backslash, a number, deep nesting, a missing string): {@link scanJsonText} then reads the text
 * and says what is wrong, if anything.
 *
 * @param document what `JSON.parse` made of `text`
 */
export function quickScan(text: string, document: unknown, maxDepth: number): JsonTextScan | undefined {
    if (text.indexOf("\\") >= 0) return undefined;
    const strings = countStrings(document, maxDepth);
    if (strings < 0) return undefined;
    if (compactLength === text.length) return { tooDeep: false, inexactNumber: false };
    let quotes = 0;
    for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) quotes++;
    return quotes === 2 * strings ? { tooDeep: false, inexactNumber: false } : undefined;
}

/** The length of the document {@link countStrings} last counted, written as compact JSON (strings unescaped). */
let compactLength = 0;

/**
 * The strings (keys and values) of a parsed document, or -1 when it holds a number or nests deeper than `maxDepth`; no
 * recursion. Sets {@link compactLength}.
 */
function countStrings(document: unknown, maxDepth: number): number {
    compactLength = -1;
    if (typeof document === "string") return 1;
    let strings = 0;
    let length = 0;
    const pending: unknown[] = [document];
    const depths: number[] = [0];
    while (pending.length > 0) {
        const value = pending.pop() as Record<string, unknown> | unknown[] | null;
        const depth = depths.pop() as number;
        if (value === null || typeof value !== "object") {
            if (typeof value === "number") return -1;
            // null, true, false
            length += value === null || value === true ? 4 : 5;
            continue;
        }
        if (depth >= maxDepth) return -1;
        // The brackets, and a comma or colon for each item or key (one comma fewer than items)
        length += 1;
        if (Array.isArray(value)) {
            length += value.length === 0 ? 1 : value.length;
            for (let i = 0; i < value.length; i++) {
                const item = value[i];
                if (typeof item === "string") {
                    strings++;
                    length += item.length + 2;
                } else {
                    pending.push(item);
                    depths.push(depth + 1);
                }
            }
            continue;
        }
        let keys = 0;
        for (const key in value) {
            const item = value[key];
            keys++;
            length += key.length + 3;
            if (typeof item === "string") {
                strings += 2;
                length += item.length + 2;
                continue;
            }
            strings++;
            pending.push(item);
            depths.push(depth + 1);
        }
        length += keys === 0 ? 1 : keys;
    }
    compactLength = length;
    return strings;
}

/**
 * Parses valid JSON text as `JSON.parse` does, except that a number literal a JavaScript number would change becomes a
 * `JsonNumber` holding its text. Deeper than `maxDepth` it stops with `undefined` (the caller refuses the
 * document), so recursion stays bounded.
 */
export function parseKeepingNumbers(text: string, maxDepth: number): unknown {
    let i = 0;
    const skipSpace = () => {
        while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
    };
    const tooDeep = {};
    const value = (depth: number): unknown => {
        skipSpace();
        const c = text[i];
        if ((c === "{" || c === "[") && depth > maxDepth) throw tooDeep;
        if (c === "{") {
            i++;
            const object: Record<string, unknown> = {};
            skipSpace();
            if (text[i] === "}") return (i++, object);
            for (;;) {
                skipSpace();
                const end = stringEnd(text, i);
                const key = JSON.parse(text.slice(i, end + 1)) as string;
                i = end + 1;
                skipSpace();
                i++; // ':'
                object[key] = value(depth + 1);
                skipSpace();
                if (text[i++] === "}") return object;
            }
        }
        if (c === "[") {
            i++;
            const list: unknown[] = [];
            skipSpace();
            if (text[i] === "]") return (i++, list);
            for (;;) {
                list.push(value(depth + 1));
                skipSpace();
                if (text[i++] === "]") return list;
            }
        }
        if (c === '"') {
            const end = stringEnd(text, i);
            const string = JSON.parse(text.slice(i, end + 1)) as string;
            i = end + 1;
            return string;
        }
        if (isNumberStart(text.charCodeAt(i))) {
            const end = numberEnd(text, i);
            const literal = text.slice(i, end);
            i = end;
            const number = Number(literal);
            return String(number) === literal ? number : jsonNumber(literal);
        }
        for (const [word, result] of [
            ["true", true],
            ["false", false],
            ["null", null],
        ] as const) {
            if (text.startsWith(word, i)) return ((i += word.length), result);
        }
        throw new Error(`unexpected ${JSON.stringify(c)} at position ${i}`);
    };
    try {
        return value(1);
    } catch (error) {
        if (error === tooDeep) return undefined;
        throw error;
    }
}
