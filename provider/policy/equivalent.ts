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
import { ModelConditionKey, ModelElement, ModelList, ModelOperator, ModelPrincipalType, PolicyModel, elementNamed, itemsAreKeys } from "./model";
import { canonicalText, elementCanonical } from "./texts";

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
    // x's keys first: two values that differ usually differ early, before y's keys need counting.
    const keys = Object.keys(xObject);
    for (let i = 0; i < keys.length; i++) {
        if (!Object.prototype.hasOwnProperty.call(yObject, keys[i]) || !sameJson(xObject[keys[i]], yObject[keys[i]])) return false;
    }
    return keys.length === Object.keys(yObject).length;
}

/**
 * Whether two lists of canonical texts hold the same set (the canonical list texts would be equal: sorted, without
 * repeats), without sorting or joining them.
 */
function sameSet(xs: string[], ys: string[]): boolean {
    // Lists kept in the same order (the usual edit of a policy) match item by item.
    let i = 0;
    while (i < xs.length && i < ys.length && xs[i] === ys[i]) i++;
    if (i === xs.length && i === ys.length) return true;
    if (xs.length * ys.length <= 64) {
        for (let i = 0; i < xs.length; i++) if (!ys.includes(xs[i])) return false;
        for (let i = 0; i < ys.length; i++) if (!xs.includes(ys[i])) return false;
        return true;
    }
    const xSet = new Set(xs);
    const ySet = new Set(ys);
    if (xSet.size !== ySet.size) return false;
    for (const text of xSet) if (!ySet.has(text)) return false;
    return true;
}

/** Whether two lists hold the same set of canonical texts: compared by their items when both {@link itemsAreKeys}. */
function sameList(x: ModelList, y: ModelList): boolean {
    return itemsAreKeys(x) && itemsAreKeys(y) ? sameSet(x.items as string[], y.items as string[]) : sameSet(x.keys, y.keys);
}

/** The principal types that name someone (rule 14: a type without ids is dropped). */
function namedTypes(types: ModelPrincipalType[]): ModelPrincipalType[] {
    for (let i = 0; i < types.length; i++) if (types[i].ids.values.length === 0) return types.filter((type) => type.ids.values.length > 0);
    return types;
}

/** Principal elements (types sorted) with the same canonical text, compared type by type. */
function samePrincipals(xTypes: ModelPrincipalType[], yTypes: ModelPrincipalType[]): boolean {
    const xs = namedTypes(xTypes);
    const ys = namedTypes(yTypes);
    if (xs.length !== ys.length) return false;
    for (let i = 0; i < xs.length; i++) if (xs[i].type !== ys[i].type || !sameList(xs[i].ids, ys[i].ids)) return false;
    return true;
}

/** Whether two of an operator's keys (sorted by canonical name) fold to the same name: rule 17's rare case. */
function hasFoldedPair(keys: ModelConditionKey[]): boolean {
    for (let i = 1; i < keys.length; i++) if (keys[i].name === keys[i - 1].name) return true;
    return false;
}

/**
 * Conditions (operators sorted, keys sorted by name) with the same canonical text, compared key by key; `undefined`
 * when an operator has two keys that fold to one name, whose canonical text has its own rule (`foldedKeysText`).
 */
function sameConditions(xs: ModelOperator[], ys: ModelOperator[]): boolean | undefined {
    if (xs.length !== ys.length) return false;
    for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        const y = ys[i];
        if (x.operator !== y.operator) return false;
        if (!x.keys || !y.keys) {
            if (!x.keys && !y.keys && x.canonical === y.canonical) continue;
            return undefined;
        }
        if (hasFoldedPair(x.keys) || hasFoldedPair(y.keys)) return undefined;
        if (x.keys.length !== y.keys.length) return false;
        for (let j = 0; j < x.keys.length; j++) {
            if (x.keys[j].name !== y.keys[j].name || !sameList(x.keys[j].values, y.keys[j].values)) return false;
        }
    }
    return true;
}

/** Whether two elements of one name have the same canonical text, made only when the meaning cannot be compared directly. */
function sameElement(x: ModelElement, y: ModelElement): boolean {
    if (x.canonical !== undefined && y.canonical !== undefined) return x.canonical === y.canonical;
    if (x.list && y.list) return sameList(x.list, y.list);
    if (x.principal && y.principal && x.canonical === undefined && y.canonical === undefined) return samePrincipals(x.principal, y.principal);
    if (x.condition && y.condition) {
        const same = sameConditions(x.condition, y.condition);
        if (same !== undefined) return same;
    }
    return elementCanonical(x) === elementCanonical(y);
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

/**
 * @internal Whether two models have the same canonical text (see `policiesEquivalent`). Statements written alike
 * (the same JSON) are not even read.
 */
export function modelsEquivalent(x: PolicyModel, y: PolicyModel): boolean {
    if (x.canonical !== undefined && y.canonical !== undefined) return x.canonical === y.canonical;
    if ((x.written === undefined) !== (y.written === undefined) || !sameElements(x.elements, y.elements)) return false;
    if (x.written === undefined || y.written === undefined) return true;
    const xs = x.statementIndexBySid();
    const ys = y.statementIndexBySid();
    if (!xs || !ys) return canonicalText(x) === canonicalText(y);
    if (xs.size !== ys.size) return false;
    for (const [sid, i] of xs) {
        const j = ys.get(sid);
        if (j === undefined) return false;
        if (sameJson(x.written[i], y.written[j])) continue;
        if (!sameElements(x.statementAt(i).elements, y.statementAt(j).elements)) return false;
    }
    return true;
}
