/**
 * Equivalence of two models without making their whole canonical texts where that can be avoided. The answer is always
 * the one comparing `canonicalText` gives; it only skips work, on two facts:
 * - a value written the same way on both sides has the same canonical text (the text is a function of the value);
 * - a Sid is part of its statement's canonical text, so when every statement on both sides has its own Sid, the
 *   statements are the same set exactly when each Sid's two statements have the same text.
 * A preview compares a policy with the one before it, which usually differs in a few statements or none: their other
 * elements need no canonical text at all.
 */
import { isJsonNumber } from "./json";
import { ModelElement, PolicyModel, canonicalText, elementCanonical, elementNamed, statementsBySid } from "./model";

/** Whether two values are the same JSON, object key order aside; `false` when unsure (a value that is not plain JSON). */
function sameJson(x: unknown, y: unknown): boolean {
    if (typeof x !== "object" || x === null || typeof y !== "object" || y === null) return Object.is(x, y);
    if (Array.isArray(x)) {
        if (!Array.isArray(y) || x.length !== y.length) return false;
        for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false;
        return true;
    }
    if (Array.isArray(y)) return false;
    const prototype = Object.getPrototypeOf(x);
    if (prototype !== Object.prototype && prototype !== null) {
        return isJsonNumber(x) && isJsonNumber(y) && x.text === y.text;
    }
    if (Object.getPrototypeOf(y) !== prototype) return false;
    const xObject = x as Record<string, unknown>;
    const yObject = y as Record<string, unknown>;
    const keys = Object.keys(xObject);
    if (keys.length !== Object.keys(yObject).length) return false;
    for (let i = 0; i < keys.length; i++) {
        if (!Object.prototype.hasOwnProperty.call(yObject, keys[i]) || !sameJson(xObject[keys[i]], yObject[keys[i]])) return false;
    }
    return true;
}

function sameElement(x: ModelElement, y: ModelElement): boolean {
    return sameJson(x.value, y.value) || elementCanonical(x) === elementCanonical(y);
}

/** Whether two lists of elements (a statement's, or a document's other than Statement) have the same canonical texts by name; `""` is the same as absent. */
function sameElements(xs: ModelElement[], ys: ModelElement[]): boolean {
    for (let i = 0; i < xs.length; i++) {
        const y = elementNamed(ys, xs[i].name);
        if (y ? !sameElement(xs[i], y) : elementCanonical(xs[i]) !== "") return false;
    }
    for (let i = 0; i < ys.length; i++) {
        if (elementNamed(xs, ys[i].name) === undefined && elementCanonical(ys[i]) !== "") return false;
    }
    return true;
}

/** @internal Whether two models have the same canonical text (see `policiesEquivalent`). */
export function modelsEquivalent(x: PolicyModel, y: PolicyModel): boolean {
    if (x.canonical !== undefined && y.canonical !== undefined) return x.canonical === y.canonical;
    if ((x.statements === undefined) !== (y.statements === undefined) || !sameElements(x.elements, y.elements)) return false;
    if (x.statements === undefined || y.statements === undefined) return true;
    const xs = statementsBySid(x.statements);
    const ys = statementsBySid(y.statements);
    if (!xs || !ys) return canonicalText(x) === canonicalText(y);
    if (xs.size !== ys.size) return false;
    for (const [sid, statement] of xs) {
        const other = ys.get(sid);
        if (other === undefined || !sameElements(statement.elements, other.elements)) return false;
    }
    return true;
}
