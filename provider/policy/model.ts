/**
 * The one walk of the policy grammar. `readModel` reads a parsed document into a model where every element carries
 * its canonical text (the rules of RULES.md, each applied here and only here) next to the value as written.
 * `canonicalizePolicy`, `policiesEquivalent`, `formatPolicy` and `diffPolicies` all read this model and never walk the
 * grammar themselves.
 */
import { canonicalJson, definedKeys, isPlainObject, listText, objectText, quote, sortTexts, sortedUnique } from "./json";
import {
    conditionValueText,
    exactString,
    foldConditionKey,
    identifierOf,
    isIgnoreCaseOperator,
    isNumericOperator,
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

/**
 * @internal A list-valued element (Action, Resource, a principal type's ids, a condition key's values): the items as
 * written, each with its canonical text (its comparison key).
 */
export interface ModelList {
    /** Whether it was written as a list; a single value is the same list to AWS (rule 2). */
    isList: boolean;
    /** The items as written (a single value is one item). */
    values: unknown[];
    /** The canonical text of each item, in written order. */
    keys: string[];
    /** Whether each key is also its item's JSON text as written (nothing was normalized), so it can be written as is. */
    spelled: boolean;
    /** The canonical text of the whole list: keys sorted, without repeats (rule 4). */
    canonical: string;
}

/** @internal One principal type (`AWS`, `Service`, …) and its ids. */
export interface ModelPrincipalType {
    type: string;
    ids: ModelList;
}

/** @internal One condition key of one operator, and its values. */
export interface ModelConditionKey {
    /** As written. */
    key: string;
    /** Its canonical name (rule 17). */
    name: string;
    values: ModelList;
}

/** @internal One condition operator; `keys` is absent when its block is not an object (kept as written). */
export interface ModelOperator {
    operator: string;
    keys?: ModelConditionKey[];
}

/** @internal One element of a statement or of the document. */
export interface ModelElement {
    name: string;
    /** As written. */
    value: unknown;
    /** The canonical text; `""` when the element is the same as absent (an empty Sid or Principal). */
    canonical: string;
    /** For Action, NotAction, Resource and NotResource. */
    list?: ModelList;
    /** For a Principal or NotPrincipal that is `"*"` or an object: types sorted. */
    principal?: ModelPrincipalType[];
    /** For a Condition that is an object: operators sorted. */
    condition?: ModelOperator[];
}

/** @internal One statement. */
export interface ModelStatement {
    /** Position in its document's `Statement` list (a single statement object is 0). */
    index: number;
    sid?: string;
    /** As written. */
    statement: Record<string, unknown>;
    /** The elements it has, known ones in {@link STATEMENT_ELEMENTS} order, then unknown ones sorted. */
    elements: ModelElement[];
    canonical: string;
}

/** @internal A document read once. */
export interface PolicyModel {
    document: Record<string, unknown>;
    /** The top-level elements other than `Statement`: Version, Id, then unknown ones sorted. */
    elements: ModelElement[];
    /** Undefined when the document has no `Statement`. */
    statements: ModelStatement[] | undefined;
    /** The canonical text of the whole document once {@link canonicalText} has made it. */
    canonical: string | undefined;
}

function modelList(value: unknown, normalize: (item: string) => string): ModelList {
    const values = listOf(value);
    const keys: string[] = new Array(values.length);
    let spelled = true;
    for (let i = 0; i < values.length; i++) {
        const item = values[i];
        // Rule 24: only strings are normalized; a value of another type is kept as written.
        if (typeof item !== "string") {
            keys[i] = canonicalJson(item);
            continue;
        }
        const normalized = normalize(item);
        if (normalized !== item) spelled = false;
        keys[i] = quote(normalized);
    }
    return { isList: values === value, values, keys, spelled, canonical: canonicalListText(keys) };
}

/** Rule 4: the canonical text of a list from its items' canonical texts, sorted, without repeats. */
function canonicalListText(keys: string[]): string {
    return keys.length === 1 ? "[" + keys[0] + "]" : listText(keys.slice());
}

function conditionValues(value: unknown, ignoreCase: boolean, numeric: boolean): ModelList {
    const values = listOf(value);
    const keys: string[] = new Array(values.length);
    let spelled = !ignoreCase && !numeric;
    for (let i = 0; i < values.length; i++) {
        keys[i] = conditionValueText(values[i], ignoreCase, numeric);
        // A number or Boolean is written without quotes but compared as a string (rule 18).
        if (typeof values[i] !== "string") spelled = false;
    }
    return { isList: values === value, values, keys, spelled, canonical: canonicalListText(keys) };
}

/** Principal or NotPrincipal (rules 10–15): types sorted, ids as canonical lists, types without ids dropped. */
function principalElement(name: string, value: unknown): ModelElement {
    const principal = principalObject(value);
    if (typeof principal === "string") return { name, value, canonical: quote(principalIdNormalizer("AWS")(principal)) };
    if (!isPlainObject(principal)) return { name, value, canonical: canonicalJson(principal) };
    const types = sortTexts(definedKeys(principal));
    const model: ModelPrincipalType[] = new Array(types.length);
    const parts: string[] = [];
    for (let i = 0; i < types.length; i++) {
        const ids = modelList(principal[types[i]], principalIdNormalizer(types[i]));
        model[i] = { type: types[i], ids };
        if (ids.values.length > 0) parts.push(quote(types[i]) + ":" + ids.canonical);
    }
    const canonical = objectText(parts);
    return { name, value, canonical: name === "Principal" && principalIsEmpty(canonical) ? "" : canonical, principal: model };
}

/** Condition keys by canonical name, then by spelling. */
function compareConditionKeys(a: ModelConditionKey, b: ModelConditionKey): number {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * One operator's keys (rules 17–19). Canonically, keys that fold to the same name but hold different values keep
 * their own spelling: merging them would need an AND of value sets that the grammar cannot write, and keeping them
 * apart can only over-report a change, never hide one.
 */
function conditionOperator(operator: string, block: Record<string, unknown>): { model: ModelOperator; canonical: string } {
    const ignoreCase = isIgnoreCaseOperator(operator);
    const numeric = isNumericOperator(operator);
    const written = definedKeys(block);
    const keys: ModelConditionKey[] = new Array(written.length);
    for (let i = 0; i < written.length; i++) {
        keys[i] = { key: written[i], name: foldConditionKey(written[i]), values: conditionValues(block[written[i]], ignoreCase, numeric) };
    }
    if (keys.length > 1) keys.sort(compareConditionKeys);
    let canonical = "{";
    for (let i = 0; i < keys.length; i++) {
        if (i > 0 && keys[i].name === keys[i - 1].name) return { model: { operator, keys }, canonical: foldedKeysText(keys) };
        canonical += (i ? "," : "") + quote(keys[i].name) + ":" + keys[i].values.canonical;
    }
    return { model: { operator, keys }, canonical: canonical + "}" };
}

/**
 * The canonical text of an operator's keys when two of them fold to the same name (`keys` sorted by name): equal
 * values collapse into one entry under the name; different values keep each key's own spelling.
 */
function foldedKeysText(keys: ModelConditionKey[]): string {
    const entries: Array<[string, string]> = [];
    for (let i = 0; i < keys.length; i++) {
        const { key, name, values } = keys[i];
        const sameName = (j: number) => j >= 0 && j < keys.length && keys[j].name === name;
        let clash = false;
        for (let j = i - 1; sameName(j) && !clash; j--) clash = keys[j].values.canonical !== values.canonical;
        for (let j = i + 1; sameName(j) && !clash; j++) clash = keys[j].values.canonical !== values.canonical;
        if (clash) entries.push([key, values.canonical]);
        else if (!sameName(i - 1)) entries.push([name, values.canonical]);
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let canonical = "{";
    for (let i = 0; i < entries.length; i++) canonical += (i ? "," : "") + quote(entries[i][0]) + ":" + entries[i][1];
    return canonical + "}";
}

/** Condition (rules 16–20): operators exact and sorted; a value of the wrong shape is kept as written. */
function conditionElement(value: unknown): ModelElement {
    if (!isPlainObject(value)) return { name: "Condition", value, canonical: canonicalJson(value) };
    const operators = sortTexts(definedKeys(value));
    const model: ModelOperator[] = new Array(operators.length);
    const parts: string[] = new Array(operators.length);
    for (let i = 0; i < operators.length; i++) {
        const block = value[operators[i]];
        if (isPlainObject(block)) {
            const read = conditionOperator(operators[i], block);
            model[i] = read.model;
            parts[i] = quote(operators[i]) + ":" + read.canonical;
        } else {
            model[i] = { operator: operators[i] };
            parts[i] = quote(operators[i]) + ":" + canonicalJson(block);
        }
    }
    return { name: "Condition", value, canonical: objectText(parts), condition: model };
}

function listElement(name: string, value: unknown, normalize: (item: string) => string): ModelElement {
    const list = modelList(value, normalize);
    return { name, value, canonical: list.canonical, list };
}

/** An element whose meaning only its JSON carries (unknown elements, rule 24). */
function jsonElement(name: string, value: unknown): ModelElement {
    return { name, value, canonical: canonicalJson(value) };
}

function statementElement(name: string, value: unknown): ModelElement {
    switch (name) {
        case "Sid": {
            const sid = identifierOf(value);
            return { name, value, canonical: sid === undefined ? "" : canonicalJson(sid) };
        }
        case "Effect":
            return { name, value, canonical: canonicalJson(normalizeEffect(value)) };
        case "Principal":
        case "NotPrincipal":
            return principalElement(name, value);
        case "Action":
        case "NotAction":
            return listElement(name, value, normalizeAction);
        case "Resource":
        case "NotResource":
            return listElement(name, value, exactString);
        case "Condition":
            return conditionElement(value);
        default:
            return jsonElement(name, value);
    }
}

/** @internal Keys of `object` that are not in `known`, sorted: unknown elements are kept, after the known ones. */
export function unknownKeys(object: Record<string, unknown>, known: string[]): string[] {
    const keys = Object.keys(object);
    for (let i = 0; i < keys.length; i++) {
        if (!known.includes(keys[i])) return sortTexts(definedKeys(object).filter((key) => !known.includes(key)));
    }
    return [];
}

function readStatement(statement: Record<string, unknown>, index: number): ModelStatement {
    const elements: ModelElement[] = [];
    let canonical = "";
    for (let i = 0; i < STATEMENT_ELEMENTS.length; i++) {
        const name = STATEMENT_ELEMENTS[i];
        if (statement[name] === undefined) continue;
        const element = statementElement(name, statement[name]);
        elements.push(element);
        if (element.canonical !== "") canonical += (canonical ? ',"' : '{"') + name + '":' + element.canonical;
    }
    for (const name of unknownKeys(statement, STATEMENT_ELEMENTS)) {
        const element = jsonElement(name, statement[name]);
        elements.push(element);
        canonical += (canonical ? "," : "{") + quote(name) + ":" + element.canonical;
    }
    const sid = identifierOf(statement.Sid);
    const model: ModelStatement = { index, statement, elements, canonical: canonical ? canonical + "}" : "{}" };
    if (typeof sid === "string") model.sid = sid;
    return model;
}

/**
 * @internal Reads a parsed document (see `parsePolicy`) into its model: one walk, every rule applied once. The
 * document's canonical text is made by {@link canonicalText} when asked for: `formatPolicy` needs the statements' only.
 */
export function readModel(document: Record<string, unknown>): PolicyModel {
    const elements: ModelElement[] = [];
    if (document.Version !== undefined) elements.push(jsonElement("Version", document.Version));
    if (document.Id !== undefined) {
        const id = identifierOf(document.Id);
        elements.push({ name: "Id", value: document.Id, canonical: id === undefined ? "" : canonicalJson(id) });
    }
    for (const name of unknownKeys(document, DOCUMENT_ELEMENTS)) elements.push(jsonElement(name, document[name]));
    let statements: ModelStatement[] | undefined;
    if (document.Statement !== undefined) {
        const written = statementList(document.Statement) as Array<Record<string, unknown>>;
        statements = new Array(written.length);
        for (let i = 0; i < written.length; i++) statements[i] = readStatement(written[i], i);
    }
    return { document, elements, statements, canonical: undefined };
}

/**
 * @internal The document's canonical text (see `canonicalizePolicy`), made once per model: Version, Id, Statement
 * (rule 5: sorted, without repeats), then unknown elements.
 */
export function canonicalText(model: PolicyModel): string {
    if (model.canonical !== undefined) return model.canonical;
    const parts: string[] = [];
    for (const element of model.elements) {
        if (DOCUMENT_ELEMENTS.includes(element.name) && element.canonical !== "") parts.push('"' + element.name + '":' + element.canonical);
    }
    if (model.statements) parts.push('"Statement":[' + sortedUnique(model.statements.map((statement) => statement.canonical)).join(",") + "]");
    for (const element of model.elements) {
        if (!DOCUMENT_ELEMENTS.includes(element.name)) parts.push(quote(element.name) + ":" + element.canonical);
    }
    return (model.canonical = objectText(parts));
}
