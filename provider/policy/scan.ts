/**
 * What `JSON.parse` loses from a policy's text, found in one scan: a key written twice in one object (JSON.parse keeps
 * the last), and numbers a JavaScript number would change. Both functions expect text that `JSON.parse` accepted, and
 * neither recurses, so no nesting exhausts the stack.
 */
import { jsonNumber } from "./json";

/** What {@link scanJsonText} found. */
export interface JsonTextScan {
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
    while (end < text.length && /[0-9.eE+-]/.test(text[end])) end++;
    return end;
}

/** The end (the closing quote's index) of the string literal whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
    let end = start + 1;
    while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
    return end;
}

/** Scans valid JSON text once for a duplicate key and for numbers a JavaScript number would not keep as written. */
export function scanJsonText(text: string): JsonTextScan {
    const frames: Array<{ keys?: Set<string>; key?: string; index: number }> = [];
    let expectingKey = false;
    let inexactNumber = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
            const end = stringEnd(text, i);
            const top = frames[frames.length - 1];
            if (expectingKey && top?.keys) {
                const key = JSON.parse(text.slice(i, end + 1)) as string;
                if (top.keys.has(key)) {
                    const path = frames
                        .slice(0, -1)
                        .map((frame) => (frame.keys ? `.${frame.key}` : `[${frame.index}]`))
                        .join("")
                        .replace(/^\./, "");
                    return { duplicateKey: `${JSON.stringify(key)} ${path ? `in ${path}` : "at the top level"}`, inexactNumber };
                }
                top.keys.add(key);
                top.key = key;
                expectingKey = false;
            }
            i = end;
        } else if (isNumberStart(text.charCodeAt(i))) {
            const end = numberEnd(text, i);
            const literal = text.slice(i, end);
            if (!inexactNumber && String(Number(literal)) !== literal) inexactNumber = true;
            i = end - 1;
        } else if (c === "{") {
            frames.push({ keys: new Set(), index: 0 });
            expectingKey = true;
        } else if (c === "[") {
            frames.push({ index: 0 });
        } else if (c === "}" || c === "]") {
            frames.pop();
            expectingKey = false;
        } else if (c === ",") {
            const top = frames[frames.length - 1];
            if (top?.keys) expectingKey = true;
            else if (top) top.index++;
        }
    }
    return { inexactNumber };
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
