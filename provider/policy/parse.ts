import { PolicyParseError } from "./errors";
import { MAX_POLICY_DEPTH, describeValue, isPlainObject, nestingDepth } from "./json";
import { parseKeepingNumbers, quickScan, scanJsonText } from "./scan";
import type { PolicyDocument } from "./types";

function isBlank(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return false;
    }
    return true;
}

/** Adds `line L, column C` to JSON.parse's `position N`, which is hard to find in a long document. */
function jsonErrorMessage(text: string, error: unknown): string {
    // Node 22+ already ends the message with "(line L column C)"; drop it so every Node version reads the same.
    const message = (error instanceof Error ? error.message : String(error)).replace(/ \(line \d+ column \d+\)$/, "");
    const match = /position (\d+)/.exec(message);
    const atEnd = !match && message.includes("end of JSON");
    if (!match && !atEnd) return message;
    const position = match ? Number(match[1]) : Math.max(0, text.length - 1);
    const before = text.slice(0, position);
    const line = before.split("\n").length;
    const column = position - before.lastIndexOf("\n");
    return `${message} (${atEnd ? "the text ends at " : ""}line ${line}, column ${column})`;
}

/** @internal Every walk of a document recurses; a nesting no policy has (7 levels at most) is refused before any walk. */
export function deepNestingError(): PolicyParseError {
    return new PolicyParseError(
        `policy nests more than ${MAX_POLICY_DEPTH} levels deep; a policy document nests 7 at most (document, Statement, statement, Condition, operator, key, values)`,
    );
}

/**
 * Reads a policy document from its JSON text or from an object, and checks the structure every other function relies
 * on: a JSON object whose `Statement`, when present, is an object or a list of objects. Elements inside statements are
 * not validated here (that is `check`'s job); they are compared as written.
 *
 * An empty (or blank) text is the empty document `{}`, as in hashicorp/awspolicyequivalence. A number literal that a
 * JavaScript number would change (`1.0`, `1e3`, `-0`, an integer beyond 2^53) is read as a `JsonNumber` holding its
 * text, so that nothing compares or puts a number other than the one written.
 *
 * @param policy the document's JSON text, or the document
 * @returns the document (the same object when an object was given; it is not copied or changed)
 * @throws {@link PolicyParseError} when the text is not JSON or has a key twice in one object, the document nests
 * more than 32 levels, is not a JSON object, `Statement` is neither an object nor a list, or a statement is not an
 * object
 */
export function parsePolicy(policy: string | object): PolicyDocument {
    let document: unknown = policy;
    if (typeof policy === "string") {
        const text = policy.charCodeAt(0) === 0xfeff ? policy.slice(1) : policy;
        if (isBlank(text)) return {};
        try {
            document = JSON.parse(text);
        } catch (error) {
            throw new PolicyParseError(`policy is not valid JSON: ${jsonErrorMessage(text, error)}`);
        }
        const scan = quickScan(text, document, MAX_POLICY_DEPTH) ?? scanJsonText(text, MAX_POLICY_DEPTH);
        if (scan.tooDeep) throw deepNestingError();
        if (scan.duplicateKey) {
            throw new PolicyParseError(
                `policy has the key ${scan.duplicateKey} twice; JSON keeps only the last one, so S3 would get a different policy than written. Remove one.`,
            );
        }
        if (scan.inexactNumber) document = parseKeepingNumbers(text, MAX_POLICY_DEPTH);
    } else if (nestingDepth(document) > MAX_POLICY_DEPTH) {
        throw deepNestingError();
    }
    if (!isPlainObject(document)) {
        throw new PolicyParseError(
            `a policy document must be a JSON object such as {"Version": "2012-10-17", "Statement": [...]}, got ${describeValue(document)}`,
        );
    }
    const statements = document.Statement;
    if (statements === undefined) return document as PolicyDocument;
    if (Array.isArray(statements)) {
        for (let i = 0; i < statements.length; i++) {
            if (!isPlainObject(statements[i]))
                throw new PolicyParseError(`a statement must be a JSON object, got ${describeValue(statements[i])}`, `Statement[${i}]`);
        }
    } else if (!isPlainObject(statements)) {
        throw new PolicyParseError(`Statement must be a statement object or an array of statement objects, got ${describeValue(statements)}`, "Statement");
    }
    return document as PolicyDocument;
}
