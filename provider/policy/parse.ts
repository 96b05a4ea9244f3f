import { PolicyParseError } from "./errors";
import { describeValue, isPlainObject } from "./json";
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

/**
 * Reads a policy document from its JSON text or from an object, and checks the structure every other function relies
 * on: a JSON object whose `Statement`, when present, is an object or a list of objects. Elements inside statements are
 * not validated here (that is `check`'s job); they are compared as written.
 *
 * An empty (or blank) text is the empty document `{}`, as in hashicorp/awspolicyequivalence.
 *
 * @param policy the document's JSON text, or the document
 * @returns the document (the same object when an object was given; it is not copied or changed)
 * @throws {@link PolicyParseError} when the text is not JSON, the document is not a JSON object, `Statement` is neither
 * an object nor a list, or a statement is not an object
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
        throw new PolicyParseError(`Statement must be a statement object or a list of statement objects, got ${describeValue(statements)}`, "Statement");
    }
    return document as PolicyDocument;
}
