/**
 * The one reading of a policy. `readModel` walks the grammar once, each statement when it is first asked for, and
 * gives every statement its meaning: the effect, who it is about (normalized principals, or NotPrincipal), the action
 * and resource patterns (or NotAction, NotResource), and the conditions (operator parts, folded key, values). Every item keeps its value as written and
 * its canonical text (the rules of RULES.md, each applied here and only here); texts.ts puts together the canonical
 * texts of whole lists, elements, statements and documents when they are asked for. Equivalence, diff, format,
 * `check`'s grammar, lock-out and public access are all passes over this model; none walks a document itself.
 * `modelOf` (read.ts) reads each text once per process.
 */
import { Quote, canonicalJson, definedKeys, isJsonNumber, isPlainObject, quote, sortTexts } from "./json";
import {
    OperatorParts,
    conditionValueText,
    exactString,
    foldConditionKey,
    identifierOf,
    isEveryone,
    isIgnoreCaseOperator,
    isNumericOperator,
    listOf,
    normalizeAction,
    normalizeEffect,
    operatorParts,
    principalIdNormalizer,
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
    /**
     * What each item means, as a string: an action folded, an account's root ARN as its id, a condition value as the
     * text AWS compares (`true`, `1.0`: as written, unfolded); `undefined` for an item that is not a string (or, in a
     * condition, not a string, number or Boolean), which names nothing AWS accepts.
     */
    items: Array<string | undefined>;
    /** Whether some item is `undefined` in {@link ModelList.items}. */
    unreadable: boolean;
    /**
     * The canonical text of each item, in written order; made the first time it is asked for (see
     * {@link itemsAreKeys}: most lists can be compared by their items).
     */
    keys: string[];
    /** Whether each key is also its item's JSON text as written (nothing was normalized), so it can be written as is. */
    spelled: boolean;
    /** How its strings are written as JSON (the model's `quoteText`). */
    quote: Quote;
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
    /** Its set qualifier, base operator and IfExists (`operatorParts`). */
    parts: OperatorParts;
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

/** @internal Who a statement is about: its `Principal`, or its `NotPrincipal` (everyone but those). */
export interface ModelPrincipals {
    /** The element, `Principal` or `NotPrincipal`. */
    element: ModelElement;
    not: boolean;
    /** Whether it names everyone (`"*"` or `{"AWS": "*"}`): rule "everyone". */
    everyone: boolean;
    /**
     * The types and their normalized ids (an account's root ARN is its id), as {@link ModelElement.principal};
     * `undefined` when the value is neither `"*"` nor an object, so names no one AWS can read.
     */
    types: ModelPrincipalType[] | undefined;
}

/** @internal A statement's actions or resources: the patterns of `Action`/`Resource`, or of `NotAction`/`NotResource`. */
export interface ModelPatterns {
    element: ModelElement;
    not: boolean;
    /** `list.items` are the patterns: actions folded to lower case, resources exact. */
    list: ModelList;
}

/** @internal One condition: an operator and one of its keys, with the key's values. */
export interface ModelCondition {
    operator: ModelOperator;
    /** Undefined when the operator's block is not an object (no key can be read). */
    key: ModelConditionKey | undefined;
}

/**
 * @internal One statement: every element as written, with its items' canonical texts, and what the statement means
 * (effect, principals, actions, resources, conditions), each view made from the elements the first time it is asked
 * for: equivalence needs the elements only.
 */
export class ModelStatement {
    /** The Sid, when it is a non-empty string. */
    readonly sid?: string;
    /** The statement's canonical text once {@link statementCanonical} has made it. */
    canonical: string | undefined = undefined;
    private principalsView: ModelPrincipals | null | undefined = undefined;
    private actionsView: ModelPatterns | null | undefined = undefined;
    private resourcesView: ModelPatterns | null | undefined = undefined;
    private conditionsView: ModelCondition[] | null | undefined = undefined;

    /**
     * @param statement as written
     * @param index position in its document's `Statement` list (a single statement object is 0)
     * @param elements the elements it has, known ones in {@link STATEMENT_ELEMENTS} order, then unknown ones sorted
     */
    constructor(
        readonly statement: Record<string, unknown>,
        readonly index: number,
        readonly elements: ModelElement[],
    ) {
        const sid = identifierOf(statement.Sid);
        if (typeof sid === "string") this.sid = sid;
    }

    /** `Allow` or `Deny` exactly as AWS accepts them; `undefined` for any other value (or none). */
    get effect(): "Allow" | "Deny" | undefined {
        const effect = this.statement.Effect;
        return effect === "Allow" || effect === "Deny" ? effect : undefined;
    }

    /** `NotPrincipal` when the statement has it (the broader reading), else `Principal`; undefined when it has neither. */
    get principals(): ModelPrincipals | undefined {
        if (this.principalsView === undefined) {
            const element = elementNamed(this.elements, "NotPrincipal") ?? elementNamed(this.elements, "Principal");
            this.principalsView = element ? principalsOf(element) : null;
        }
        return this.principalsView ?? undefined;
    }

    /** `Action`, else `NotAction`; undefined when it has neither. */
    get actions(): ModelPatterns | undefined {
        if (this.actionsView === undefined) {
            const element = elementNamed(this.elements, "Action") ?? elementNamed(this.elements, "NotAction");
            this.actionsView = element ? patternsOf(element) : null;
        }
        return this.actionsView ?? undefined;
    }

    /** `Resource`, else `NotResource`; undefined when it has neither. */
    get resources(): ModelPatterns | undefined {
        if (this.resourcesView === undefined) {
            const element = elementNamed(this.elements, "Resource") ?? elementNamed(this.elements, "NotResource");
            this.resourcesView = element ? patternsOf(element) : null;
        }
        return this.resourcesView ?? undefined;
    }

    /**
     * Every (operator, key) of its `Condition`, operators and keys sorted; `undefined` when it has no `Condition`. A
     * `Condition` that is not an object has an empty list and {@link ModelStatement.conditionUnreadable} set.
     */
    get conditions(): ModelCondition[] | undefined {
        if (this.conditionsView === undefined) {
            const element = elementNamed(this.elements, "Condition");
            this.conditionsView = element ? conditionsOf(element) : null;
        }
        return this.conditionsView ?? undefined;
    }

    /** Whether its `Condition` is not an object of operators (so no condition can be read from it). */
    get conditionUnreadable(): boolean {
        const element = elementNamed(this.elements, "Condition");
        return element !== undefined && element.condition === undefined;
    }
}

/**
 * @internal A document read once. Its statements are read when first asked for, each once: a comparison that finds
 * two statements written alike needs neither read (see `modelsEquivalent`).
 */
export class PolicyModel {
    /** The top-level elements other than `Statement`: Version, Id, then unknown ones sorted. */
    readonly elements: ModelElement[];
    /** The statements as written (a single statement object is a list of one); undefined when there is no `Statement`. */
    readonly written: Array<Record<string, unknown>> | undefined;
    /** The canonical text of the whole document once {@link canonicalText} has made it. */
    canonical: string | undefined = undefined;
    private readonly read: Array<ModelStatement | undefined>;
    private all: ModelStatement[] | undefined = undefined;
    private sids: Map<string, number> | null | undefined = undefined;

    /**
     * @param document a document `parsePolicy` has accepted
     * @param quoteText how its strings are written as JSON (`quoteFor` the text it was parsed from)
     * @param fromText whether it was read from JSON text (so it holds JSON values only), not from a program's object
     */
    constructor(
        readonly document: Record<string, unknown>,
        private readonly quoteText: Quote,
        readonly fromText: boolean,
    ) {
        const elements: ModelElement[] = [];
        if (document.Version !== undefined) elements.push(jsonElement("Version", document.Version));
        if (document.Id !== undefined) {
            const id = identifierOf(document.Id);
            elements.push({ name: "Id", value: document.Id, canonical: id === undefined ? "" : canonicalJson(id) });
        }
        for (const name of unknownKeys(document, KNOWN_DOCUMENT_ELEMENTS)) elements.push(jsonElement(name, document[name]));
        this.elements = elements;
        this.written = document.Statement === undefined ? undefined : (statementList(document.Statement) as Array<Record<string, unknown>>);
        this.read = new Array(this.written?.length ?? 0);
    }

    /** Every statement, read (those not read yet are read now); undefined when the document has no `Statement`. */
    get statements(): ModelStatement[] | undefined {
        if (this.written === undefined) return undefined;
        if (this.all === undefined) {
            const all: ModelStatement[] = new Array(this.written.length);
            for (let i = 0; i < all.length; i++) all[i] = this.statementAt(i);
            this.all = all;
        }
        return this.all;
    }

    /** The statement at `index` of the written list, read on first use. */
    statementAt(index: number): ModelStatement {
        return (this.read[index] ??= readStatement((this.written as Array<Record<string, unknown>>)[index], index, this.quoteText, this.fromText));
    }

    /**
     * The index of each statement by Sid, when every statement has its own (read from the statements as written,
     * without reading them); `undefined` otherwise. A Sid is part of a statement's canonical text, so statements with
     * different Sids never have the same text.
     */
    statementIndexBySid(): Map<string, number> | undefined {
        if (this.sids === undefined) {
            const sids = new Map<string, number>();
            const written = this.written ?? [];
            for (let i = 0; i < written.length && sids !== null; i++) {
                const sid = identifierOf(written[i].Sid);
                if (typeof sid !== "string" || sids.has(sid)) this.sids = null;
                else sids.set(sid, i);
            }
            if (this.sids === undefined) this.sids = sids;
        }
        return this.sids ?? undefined;
    }
}

/**
 * A {@link ModelList} whose keys (the canonical text of each item) are made the first time they are asked for: `check`
 * and a comparison of items that are all strings need none (the items compare as their keys do).
 */
class ItemList implements ModelList {
    canonical: string | undefined = undefined;
    private made: string[] | undefined = undefined;

    /**
     * @param condition for a condition key's values: `CONDITION`, with `IGNORE_CASE` and `NUMERIC` as its operator
     * compares them (rule 18); 0 for any other list, whose string items' keys are their (normalized) items quoted
     */
    constructor(
        readonly isList: boolean,
        readonly values: unknown[],
        readonly items: Array<string | undefined>,
        readonly unreadable: boolean,
        readonly spelled: boolean,
        readonly quote: Quote,
        readonly condition: number,
    ) {}

    get keys(): string[] {
        return (this.made ??= this.makeKeys());
    }

    private makeKeys(): string[] {
        const { values, items, quote: quoteText, condition } = this;
        const keys: string[] = new Array(values.length);
        if (condition !== 0) {
            const ignoreCase = (condition & IGNORE_CASE) !== 0;
            const numeric = (condition & NUMERIC) !== 0;
            for (let i = 0; i < values.length; i++) keys[i] = conditionValueText(values[i], ignoreCase, numeric, quoteText);
        } else {
            for (let i = 0; i < values.length; i++) {
                const item = items[i];
                keys[i] = typeof values[i] === "string" ? quoteText(item as string) : canonicalJson(values[i]);
            }
        }
        return keys;
    }
}

const CONDITION = 1;
const IGNORE_CASE = 2;
const NUMERIC = 4;

/**
 * @internal Whether a list's items are as good as its keys: every item is readable (a string, or a condition value
 * read as one) and its key is that item quoted, which holds unless a condition operator folds case or numbers (rule
 * 18). Two such items then have the same key exactly when they are the same string (quoting is one to one, whichever
 * way each list quotes), so lists can be compared, and repeats found, without their keys.
 */
export function itemsAreKeys(list: ModelList): boolean {
    return !list.unreadable && !(list instanceof ItemList && (list.condition & (IGNORE_CASE | NUMERIC)) !== 0);
}

function modelList(value: unknown, normalize: (item: string) => string, quoteText: Quote): ModelList {
    const values = listOf(value);
    // The items are the values themselves until one is normalized or is not a string (the common list needs no copy).
    let items: Array<string | undefined> | undefined;
    let unreadable = false;
    for (let i = 0; i < values.length; i++) {
        const item = values[i];
        // Rule 24: only strings are normalized; a value of another type is kept as written.
        if (typeof item !== "string") {
            items ??= values.slice(0, i) as string[];
            items[i] = undefined;
            unreadable = true;
            continue;
        }
        const normalized = normalize(item);
        if (normalized !== item) items ??= values.slice(0, i) as string[];
        if (items) items[i] = normalized;
    }
    const spelled = items === undefined;
    return new ItemList(values === value, values, items ?? (values as string[]), unreadable, spelled, quoteText, 0);
}

function conditionValues(value: unknown, ignoreCase: boolean, numeric: boolean, quoteText: Quote): ModelList {
    const values = listOf(value);
    const items: Array<string | undefined> = new Array(values.length);
    let spelled = !ignoreCase && !numeric;
    let unreadable = false;
    for (let i = 0; i < values.length; i++) {
        const item = values[i];
        if (typeof item === "string") {
            items[i] = item;
            continue;
        }
        // A number or Boolean is written without quotes but compared as a string (rule 18).
        spelled = false;
        if (typeof item === "number" || typeof item === "boolean") items[i] = String(item);
        else if (isJsonNumber(item)) items[i] = item.text;
        else unreadable = true;
    }
    const condition = CONDITION | (ignoreCase ? IGNORE_CASE : 0) | (numeric ? NUMERIC : 0);
    return new ItemList(values === value, values, items, unreadable, spelled, quoteText, condition);
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

/** Condition keys by canonical name, then by spelling. */
function compareConditionKeys(a: ModelConditionKey, b: ModelConditionKey): number {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** One operator's keys (rules 17–19), sorted by canonical name, then spelling. */
function conditionOperator(operator: string, parts: OperatorParts, block: Record<string, unknown>, quoteText: Quote): ModelOperator {
    const ignoreCase = isIgnoreCaseOperator(parts);
    const numeric = isNumericOperator(parts);
    const written = definedKeys(block);
    const keys: ModelConditionKey[] = new Array(written.length);
    for (let i = 0; i < written.length; i++) {
        keys[i] = { key: written[i], name: foldConditionKey(written[i]), values: conditionValues(block[written[i]], ignoreCase, numeric, quoteText) };
    }
    if (keys.length > 1) keys.sort(compareConditionKeys);
    return { operator, parts, block, keys, canonical: undefined };
}

/** Condition (rules 16–20): operators exact and sorted; a value of the wrong shape is kept as written. */
function conditionElement(value: unknown, quoteText: Quote): ModelElement {
    if (!isPlainObject(value)) return { name: "Condition", value, canonical: canonicalJson(value) };
    const operators = sortTexts(definedKeys(value));
    const model: ModelOperator[] = new Array(operators.length);
    for (let i = 0; i < operators.length; i++) {
        const block = value[operators[i]];
        const parts = operatorParts(operators[i]);
        model[i] = isPlainObject(block)
            ? conditionOperator(operators[i], parts, block, quoteText)
            : { operator: operators[i], parts, block, canonical: canonicalJson(block) };
    }
    return { name: "Condition", value, canonical: undefined, condition: model, quote: quoteText };
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
            return { name, value, canonical: sid === undefined ? "" : typeof sid === "string" ? quoteText(sid) : canonicalJson(sid) };
        }
        case "Effect": {
            const effect = normalizeEffect(value);
            return { name, value, canonical: typeof effect === "string" ? quoteText(effect) : canonicalJson(effect) };
        }
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

/** Keys of `object` that are not in `known`, sorted: unknown elements are kept, after the known ones. */
function unknownKeys(object: Record<string, unknown>, known: ReadonlySet<string>): string[] {
    const keys = Object.keys(object);
    for (let i = 0; i < keys.length; i++) {
        if (!known.has(keys[i])) return sortTexts(definedKeys(object).filter((key) => !known.has(key)));
    }
    return [];
}

const KNOWN_STATEMENT_ELEMENTS: ReadonlySet<string> = new Set(STATEMENT_ELEMENTS);
const KNOWN_DOCUMENT_ELEMENTS: ReadonlySet<string> = new Set(DOCUMENT_ELEMENTS);

function principalsOf(element: ModelElement): ModelPrincipals {
    const types = element.principal;
    let everyone = false;
    if (types) {
        for (let i = 0; i < types.length && !everyone; i++) {
            const { items } = types[i].ids;
            for (let j = 0; j < items.length && !everyone; j++) everyone = items[j] !== undefined && isEveryone(types[i].type, items[j] as string);
        }
    }
    return { element, not: element.name === "NotPrincipal", everyone, types };
}

function patternsOf(element: ModelElement): ModelPatterns {
    return { element, not: element.name.startsWith("Not"), list: element.list as ModelList };
}

function conditionsOf(element: ModelElement): ModelCondition[] {
    const conditions: ModelCondition[] = [];
    const operators = element.condition ?? [];
    for (let i = 0; i < operators.length; i++) {
        const keys = operators[i].keys;
        if (!keys) conditions.push({ operator: operators[i], key: undefined });
        else for (let j = 0; j < keys.length; j++) conditions.push({ operator: operators[i], key: keys[j] });
    }
    return conditions;
}

/** Where each known statement element goes in a statement's elements. */
const STATEMENT_ELEMENT_ORDER: ReadonlyMap<string, number> = new Map(STATEMENT_ELEMENTS.map((name, i) => [name, i]));

/**
 * @param fromText whether the statement was parsed from JSON text: its elements are then exactly its own enumerable
 * keys, which one pass reads; a program's object is read by name (an element may be inherited or not enumerable)
 */
function readStatement(statement: Record<string, unknown>, index: number, quoteText: Quote, fromText: boolean): ModelStatement {
    if (!fromText) return readObjectStatement(statement, index, quoteText);
    const names = Object.keys(statement);
    const known: Array<ModelElement | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
    let unknown: string[] | undefined;
    let count = 0;
    for (let i = 0; i < names.length; i++) {
        const name = names[i];
        const at = STATEMENT_ELEMENT_ORDER.get(name);
        if (at === undefined) (unknown ??= []).push(name);
        else {
            known[at] = statementElement(name, statement[name], quoteText);
            count++;
        }
    }
    const elements: ModelElement[] = new Array(count);
    for (let i = 0, j = 0; j < count; i++) if (known[i] !== undefined) elements[j++] = known[i] as ModelElement;
    if (unknown !== undefined) for (const name of sortTexts(unknown)) elements.push(jsonElement(name, statement[name]));
    return new ModelStatement(statement, index, elements);
}

function readObjectStatement(statement: Record<string, unknown>, index: number, quoteText: Quote): ModelStatement {
    const elements: ModelElement[] = [];
    for (let i = 0; i < STATEMENT_ELEMENTS.length; i++) {
        const name = STATEMENT_ELEMENTS[i];
        if (statement[name] !== undefined) elements.push(statementElement(name, statement[name], quoteText));
    }
    for (const name of unknownKeys(statement, KNOWN_STATEMENT_ELEMENTS)) elements.push(jsonElement(name, statement[name]));
    return new ModelStatement(statement, index, elements);
}

/**
 * @internal Reads a parsed document (see `parsePolicy`) into its model: one walk, every rule applied once. Strings are
 * written with `quoteText` (`quoteFor` the text the document was parsed from). Canonical texts beyond the items' are
 * made when asked for.
 */
export function readModel(document: Record<string, unknown>, quoteText: Quote = quote, fromText = false): PolicyModel {
    return new PolicyModel(document, quoteText, fromText);
}

/** @internal How every message names a statement: `Statement[2]`, with its Sid when it has one: `Statement[2] (Sid "ReadLogs")`. */
export function statementLabel(statement: { index: number; sid?: string }): string {
    return statement.sid !== undefined ? `Statement[${statement.index}] (Sid "${statement.sid}")` : `Statement[${statement.index}]`;
}

/** @internal How a diff or an analysis keys a statement: its Sid, or `Statement[i]` when it has none. */
export function statementKey(statement: { index: number; sid?: string }): string {
    return statement.sid ?? `Statement[${statement.index}]`;
}

/** @internal The element of that name among a statement's (or a document's) elements, if there is one. */
export function elementNamed(elements: ModelElement[], name: string): ModelElement | undefined {
    for (let i = 0; i < elements.length; i++) if (elements[i].name === name) return elements[i];
    return undefined;
}
