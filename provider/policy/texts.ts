/**
 * The canonical texts of a model (RULES.md, rules 1–24): each item's text is made as the model is read; the texts of
 * whole lists, elements, statements and documents are put together here, the first time they are asked for, and kept
 * on the model. `canonicalizePolicy` is the document's text; equivalence and diff compare the parts they need.
 */
import { Quote, listText, objectText, quote, sortedUnique } from "./json";
import {
    DOCUMENT_ELEMENTS,
    ModelConditionKey,
    ModelElement,
    ModelList,
    ModelOperator,
    ModelPrincipalType,
    ModelStatement,
    PolicyModel,
    STATEMENT_ELEMENTS,
} from "./model";
import { principalIsEmpty } from "./rules";

/** @internal Rule 4: the canonical text of a list, its items' canonical texts sorted, without repeats. */
export function listCanonical(list: ModelList): string {
    if (list.canonical === undefined) list.canonical = list.keys.length === 1 ? "[" + list.keys[0] + "]" : listText(list.keys.slice());
    return list.canonical;
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

function conditionCanonical(operators: ModelOperator[], quoteText: Quote): string {
    const parts: string[] = new Array(operators.length);
    for (let i = 0; i < operators.length; i++) {
        const operator = operators[i];
        if (operator.canonical === undefined) operator.canonical = operatorKeysText(operator.keys as ModelConditionKey[], quoteText);
        parts[i] = quoteText(operator.operator) + ":" + operator.canonical;
    }
    return objectText(parts);
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

/** The `"Name":` that starts each known statement element's text. */
const ELEMENT_PREFIXES = new Map(STATEMENT_ELEMENTS.map((name) => [name, '"' + name + '":']));

/** @internal `"Name":`, the start of a statement element's text. */
export function elementPrefix(name: string): string {
    return ELEMENT_PREFIXES.get(name) ?? quote(name) + ":";
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
