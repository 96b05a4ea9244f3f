/**
 * The one walk of the policy grammar. `readModel` reads a parsed document into a model where every item of every list
 * carries its canonical text (the rules of RULES.md, each applied here and only here) next to the value as written.
 * The canonical texts of whole lists, elements and statements are assembled from those the first time they are asked
 * for (`listCanonical`, `elementCanonical`, `statementCanonical`, `canonicalText`): `formatPolicy` needs the items'
 * texts only, so it does not pay for sorting and joining them. `canonicalizePolicy`, `policiesEquivalent`,
 * `formatPolicy` and `diffPolicies` all read this model and never walk the grammar themselves.
 */
import { Quote, canonicalJson, definedKeys, isPlainObject, listText, objectText, quote, quoteFor, sortTexts, sortedUnique } from "./json";
import { parsePolicy } from "./parse";
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
    /** The canonical text of the whole list once {@link listCanonical} has made it. */
    canonical: string | undefined;
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
    /** As written. */
    block: unknown;
    /** Sorted by canonical name, then spelling. */
    keys?: ModelConditionKey[];
    /** The canonical text of the block once {@link elementCanonical} has made it. */
    canonical: string | undefined;
}

/** @internal One element of a statement or of the document. */
export interface ModelElement {
    name: string;
    /** As written. */
    value: unknown;
    /**
     * The canonical text; `""` when the element is the same as absent (an empty Sid or Principal). Made by
     * {@link elementCanonical} when the element has a list, principal types or a condition.
     */
    canonical: string | undefined;
    /** For Action, NotAction, Resource and NotResource. */
    list?: ModelList;
    /** For a Principal or NotPrincipal that is `"*"` or an object: types sorted. */
    principal?: ModelPrincipalType[];
    /** For a Condition that is an object: operators sorted. */
    condition?: ModelOperator[];
    /** How the names in `principal` and `condition` are written as JSON (see `quoteFor`). */
    quote?: Quote;
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
    /** The statement's canonical text once {@link statementCanonical} has made it. */
    canonical: string | undefined;
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

function modelList(value: unknown, normalize: (item: string) => string, quoteText: Quote): ModelList {
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
        keys[i] = quoteText(normalized);
    }
    return { isList: values === value, values, keys, spelled, canonical: undefined };
}

/** @internal Rule 4: the canonical text of a list, its items' canonical texts sorted, without repeats. */
export function listCanonical(list: ModelList): string {
    if (list.canonical === undefined) list.canonical = list.keys.length === 1 ? "[" + list.keys[0] + "]" : listText(list.keys.slice());
    return list.canonical;
}

function conditionValues(value: unknown, ignoreCase: boolean, numeric: boolean, quoteText: Quote): ModelList {
    const values = listOf(value);
    const keys: string[] = new Array(values.length);
    let spelled = !ignoreCase && !numeric;
    for (let i = 0; i < values.length; i++) {
        keys[i] = conditionValueText(values[i], ignoreCase, numeric, quoteText);
        // A number or Boolean is written without quotes but compared as a string (rule 18).
        if (typeof values[i] !== "string") spelled = false;
    }
    return { isList: values === value, values, keys, spelled, canonical: undefined };
}

/** Principal or NotPrincipal (rules 10–15): types sorted, ids as canonical lists, types without ids dropped. */
function principalElement(name: string, value: unknown, quoteText: Quote): ModelElement {
    const principal = principalObject(value);
    if (typeof principal === "string") return { name, value, canonical: quoteText(principalIdNormalizer("AWS")(principal)) };
    if (!isPlainObject(principal)) return { name, value, canonical: canonicalJson(principal) };
    const types = sortTexts(definedKeys(principal));
    const model: ModelPrincipalType[] = new Array(types.length);
    for (let i = 0; i < types.length; i++) model[i] = { type: types[i], ids: modelList(principal[types[i]], principalIdNormalizer(types[i]), quoteText) };
    return { name, value, canonical: undefined, principal: model, quote: quoteText };
}

/** Principal types with their ids' canonical lists; a type without ids is dropped, and so is an empty `Principal`. */
function principalCanonical(name: string, types: ModelPrincipalType[], quoteText: Quote): string {
    const parts: string[] = [];
    for (let i = 0; i < types.length; i++) {
        if (types[i].ids.values.length > 0) parts.push(quoteText(types[i].type) + ":" + listCanonical(types[i].ids));
    }
    const canonical = objectText(parts);
    return name === "Principal" && principalIsEmpty(canonical) ? "" : canonical;
}

/** Condition keys by canonical name, then by spelling. */
function compareConditionKeys(a: ModelConditionKey, b: ModelConditionKey): number {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** One operator's keys (rules 17–19), sorted by canonical name, then spelling. */
function conditionOperator(operator: string, block: Record<string, unknown>, quoteText: Quote): ModelOperator {
    const ignoreCase = isIgnoreCaseOperator(operator);
    const numeric = isNumericOperator(operator);
    const written = definedKeys(block);
    const keys: ModelConditionKey[] = new Array(written.length);
    for (let i = 0; i < written.length; i++) {
        keys[i] = { key: written[i], name: foldConditionKey(written[i]), values: conditionValues(block[written[i]], ignoreCase, numeric, quoteText) };
    }
    if (keys.length > 1) keys.sort(compareConditionKeys);
    return { operator, block, keys, canonical: undefined };
}

/**
 * The canonical text of one operator's keys (`keys` sorted by name). Keys that fold to the same name but hold
 * different values keep their own spelling: merging them would need an AND of value sets that the grammar cannot
 * write, and keeping them apart can only over-report a change, never hide one.
 */
function operatorKeysText(keys: ModelConditionKey[], quoteText: Quote): string {
    let canonical = "{";
    for (let i = 0; i < keys.length; i++) {
        if (i > 0 && keys[i].name === keys[i - 1].name) return foldedKeysText(keys, quoteText);
        canonical += (i ? "," : "") + quoteText(keys[i].name) + ":" + listCanonical(keys[i].values);
    }
    return canonical + "}";
}

/**
 * The canonical text of an operator's keys when two of them fold to the same name (`keys` sorted by name): equal
 * values collapse into one entry under the name; different values keep each key's own spelling.
 */
function foldedKeysText(keys: ModelConditionKey[], quoteText: Quote): string {
    const entries: Array<[string, string]> = [];
    for (let i = 0; i < keys.length; i++) {
        const { key, name, values } = keys[i];
        const sameName = (j: number) => j >= 0 && j < keys.length && keys[j].name === name;
        const text = listCanonical(values);
        let clash = false;
        for (let j = i - 1; sameName(j) && !clash; j--) clash = listCanonical(keys[j].values) !== text;
        for (let j = i + 1; sameName(j) && !clash; j++) clash = listCanonical(keys[j].values) !== text;
        if (clash) entries.push([key, text]);
        else if (!sameName(i - 1)) entries.push([name, text]);
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let canonical = "{";
    for (let i = 0; i < entries.length; i++) canonical += (i ? "," : "") + quoteText(entries[i][0]) + ":" + entries[i][1];
    return canonical + "}";
}

/** Condition (rules 16–20): operators exact and sorted; a value of the wrong shape is kept as written. */
function conditionElement(value: unknown, quoteText: Quote): ModelElement {
    if (!isPlainObject(value)) return { name: "Condition", value, canonical: canonicalJson(value) };
    const operators = sortTexts(definedKeys(value));
    const model: ModelOperator[] = new Array(operators.length);
    for (let i = 0; i < operators.length; i++) {
        const block = value[operators[i]];
        model[i] = isPlainObject(block)
            ? conditionOperator(operators[i], block, quoteText)
            : { operator: operators[i], block, canonical: canonicalJson(block) };
    }
    return { name: "Condition", value, canonical: undefined, condition: model, quote: quoteText };
}

function conditionCanonical(operators: ModelOperator[], quoteText: Quote): string {
    const parts: string[] = new Array(operators.length);
    for (let i = 0; i < operators.length; i++) {
        const operator = operators[i];
        if (operator.canonical === undefined) operator.canonical = operatorKeysText(operator.keys as ModelConditionKey[], quoteText);
        parts[i] = quoteText(operator.operator) + ":" + operator.canonical;
    }
    return objectText(parts);
}

function listElement(name: string, value: unknown, normalize: (item: string) => string, quoteText: Quote): ModelElement {
    return { name, value, canonical: undefined, list: modelList(value, normalize, quoteText) };
}

/** An element whose meaning only its JSON carries (unknown elements, rule 24). */
function jsonElement(name: string, value: unknown): ModelElement {
    return { name, value, canonical: canonicalJson(value) };
}

function statementElement(name: string, value: unknown, quoteText: Quote): ModelElement {
    switch (name) {
        case "Sid": {
            const sid = identifierOf(value);
            return { name, value, canonical: sid === undefined ? "" : canonicalJson(sid) };
        }
        case "Effect":
            return { name, value, canonical: canonicalJson(normalizeEffect(value)) };
        case "Principal":
        case "NotPrincipal":
            return principalElement(name, value, quoteText);
        case "Action":
        case "NotAction":
            return listElement(name, value, normalizeAction, quoteText);
        case "Resource":
        case "NotResource":
            return listElement(name, value, exactString, quoteText);
        case "Condition":
            return conditionElement(value, quoteText);
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

function readStatement(statement: Record<string, unknown>, index: number, quoteText: Quote): ModelStatement {
    const elements: ModelElement[] = [];
    for (let i = 0; i < STATEMENT_ELEMENTS.length; i++) {
        const name = STATEMENT_ELEMENTS[i];
        if (statement[name] !== undefined) elements.push(statementElement(name, statement[name], quoteText));
    }
    for (const name of unknownKeys(statement, STATEMENT_ELEMENTS)) elements.push(jsonElement(name, statement[name]));
    const sid = identifierOf(statement.Sid);
    const model: ModelStatement = { index, statement, elements, canonical: undefined };
    if (typeof sid === "string") model.sid = sid;
    return model;
}

/**
 * @internal An element's canonical text (`""` when it is the same as absent), made from its items' texts the first
 * time it is asked for.
 */
export function elementCanonical(element: ModelElement): string {
    if (element.canonical !== undefined) return element.canonical;
    if (element.list) element.canonical = listCanonical(element.list);
    else if (element.principal) element.canonical = principalCanonical(element.name, element.principal, element.quote as Quote);
    else element.canonical = conditionCanonical(element.condition as ModelOperator[], element.quote as Quote);
    return element.canonical;
}

/** The `"Name":` that starts each known statement element's text, in {@link STATEMENT_ELEMENTS} order (no Map: the closure serializer cannot copy one). */
const ELEMENT_PREFIXES = STATEMENT_ELEMENTS.map((name) => '"' + name + '":');

/** @internal `"Name":`, the start of a statement element's text. */
export function elementPrefix(name: string): string {
    const known = STATEMENT_ELEMENTS.indexOf(name);
    return known >= 0 ? ELEMENT_PREFIXES[known] : quote(name) + ":";
}

/** @internal A statement's canonical text: its elements in grammar order, those the same as absent left out. */
export function statementCanonical(statement: ModelStatement): string {
    if (statement.canonical !== undefined) return statement.canonical;
    let canonical = "";
    const { elements } = statement;
    for (let i = 0; i < elements.length; i++) {
        const text = elementCanonical(elements[i]);
        if (text === "") continue;
        canonical += (canonical ? "," : "{") + elementPrefix(elements[i].name) + text;
    }
    return (statement.canonical = canonical ? canonical + "}" : "{}");
}

/**
 * @internal The statements by Sid, when every one has its own; `undefined` otherwise. A Sid is part of a statement's
 * canonical text, so statements with different Sids never have the same text.
 */
export function statementsBySid(statements: ModelStatement[]): Map<string, ModelStatement> | undefined {
    const sids = new Map<string, ModelStatement>();
    for (let i = 0; i < statements.length; i++) {
        const sid = statements[i].sid;
        if (sid === undefined || sids.has(sid)) return undefined;
        sids.set(sid, statements[i]);
    }
    return sids;
}

/**
 * @internal Reads a parsed document (see `parsePolicy`) into its model: one walk, every rule applied once. Strings are
 * written with `quoteText` (`quoteFor` the text the document was parsed from). Canonical texts beyond the items' are
 * made when asked for.
 */
export function readModel(document: Record<string, unknown>, quoteText: Quote = quote): PolicyModel {
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
        for (let i = 0; i < written.length; i++) statements[i] = readStatement(written[i], i, quoteText);
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
        if (DOCUMENT_ELEMENTS.includes(element.name) && elementCanonical(element) !== "") parts.push('"' + element.name + '":' + elementCanonical(element));
    }
    if (model.statements) parts.push('"Statement":[' + sortedUnique(model.statements.map(statementCanonical)).join(",") + "]");
    for (const element of model.elements) {
        if (!DOCUMENT_ELEMENTS.includes(element.name)) parts.push(quote(element.name) + ":" + elementCanonical(element));
    }
    return (model.canonical = objectText(parts));
}

/** @internal The model of a policy given as text or as a document (see `parsePolicy`, which throws on what it cannot read). */
export function modelOf(policy: string | object): PolicyModel {
    return readModel(parsePolicy(policy) as Record<string, unknown>, quoteFor(policy));
}
