/**
 * The canonical form: one JSON text per meaning. Two policies AWS treats the same give byte-identical text, and the
 * text is itself a policy whose canonical form is itself. Its parts are made as the model is read (model.ts) and put
 * together by texts.ts.
 */
import { modelsEquivalent } from "./equivalent";
import { modelOf } from "./read";
import { canonicalText } from "./texts";

/**
 * Returns the canonical JSON text of a policy: two policies AWS treats the same (see RULES.md) give byte-identical
 * text, and `canonicalizePolicy(canonicalizePolicy(x)) === canonicalizePolicy(x)`. It is for comparison and state,
 * not for S3: use {@link formatPolicy} for the text to put.
 *
 * @param policy the document's JSON text, or the document
 * @throws {@link PolicyParseError} when the policy cannot be read (see {@link parsePolicy})
 */
export function canonicalizePolicy(policy: string | object): string {
    return canonicalText(modelOf(policy));
}

/**
 * True when two policies mean the same to AWS: their canonical texts are equal.
 *
 * @param a a document or its JSON text
 * @param b a document or its JSON text
 * @throws {@link PolicyParseError} when either cannot be read: an unreadable document is never "equivalent"
 */
export function policiesEquivalent(a: string | object, b: string | object): boolean {
    // The same text or object (a preview of an unchanged resource compares the state's text with the one check just
    // returned): equivalent, once it is known to be readable, which a text check has read already answers from memory.
    if (a === b) return modelOf(a) !== undefined;
    return modelsEquivalent(modelOf(a), modelOf(b));
}
