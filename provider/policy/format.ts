/**
 * The text the provider puts to S3 and shows in previews: compact JSON, keys in a fixed order, statements and list
 * items in the user's order without repeats, every value in the user's own spelling. Written from the model
 * (model.ts): the items' canonical texts decide what is a repeat, their own texts are what is written.
 */
import { Quote, canonicalJson, isPlainObject, objectText } from "./json";
import { ModelElement, ModelList, ModelOperator, ModelPrincipalType, ModelStatement, PolicyModel, itemsAreKeys } from "./model";
import { modelOf, rememberModel } from "./read";
import { elementPrefix, statementCanonical } from "./texts";

/**
 * Whether the item at `index` repeats an earlier one (by canonical text: `keys` are the list's keys, or its items
 * when {@link itemsAreKeys}).
 */
function repeatsEarlier(keys: Array<string | undefined>, index: number, seen: Set<string | undefined> | undefined): boolean {
    if (seen) return seen.size === seen.add(keys[index]).size;
    for (let j = 0; j < index; j++) if (keys[j] === keys[index]) return true;
    return false;
}

/** One item as written: its own value as JSON. */
function itemText(list: ModelList, i: number): string {
    const value = list.values[i];
    return typeof value === "string" ? list.quote(value) : canonicalJson(value);
}

/**
 * A list as written, in its order and without repeats (the first spelling of each canonical value). Written order, not
 * canonical order, because the Pulumi CLI shows a change to a JSON-valued string as a diff of lists by index: an
 * appended statement or action then shows as one addition instead of shifting everything after it. A single value
 * stays single and a list of one is written as its value (the same list to AWS), unless that value is itself a list,
 * which would change its meaning.
 */
function formatList(list: ModelList, dropped: Dropped): string {
    const { values } = list;
    if (!list.isList) return itemText(list, 0);
    const keys = itemsAreKeys(list) ? list.items : list.keys;
    const seen = keys.length > 8 ? new Set<string | undefined>() : undefined;
    let text = "";
    let count = 0;
    for (let i = 0; i < values.length; i++) {
        if (repeatsEarlier(keys, i, seen)) continue;
        text += (count++ ? "," : "") + itemText(list, i);
    }
    if (count < values.length) dropped.repeats = true;
    return count === 1 && text.charCodeAt(0) !== 91 ? text : "[" + text + "]";
}

/** Whether formatting dropped a repeated item or statement (the text then reads as a model with fewer items). */
interface Dropped {
    repeats: boolean;
}

function formatPrincipal(types: ModelPrincipalType[], quoteText: Quote, dropped: Dropped): string {
    let text = "{";
    for (let i = 0; i < types.length; i++) text += (i ? "," : "") + quoteText(types[i].type) + ":" + formatList(types[i].ids, dropped);
    return text + "}";
}

function formatCondition(operators: ModelOperator[], quoteText: Quote, dropped: Dropped): string {
    let text = "{";
    for (let i = 0; i < operators.length; i++) {
        const { operator, block, keys } = operators[i];
        text += (i ? "," : "") + quoteText(operator) + ":";
        if (!keys) {
            text += canonicalJson(block);
            continue;
        }
        text += "{";
        for (let j = 0; j < keys.length; j++) text += (j ? "," : "") + quoteText(keys[j].key) + ":" + formatList(keys[j].values, dropped);
        text += "}";
    }
    return text + "}";
}

function formatElement(element: ModelElement, dropped: Dropped): string {
    if (element.list) return formatList(element.list, dropped);
    if (element.principal && isPlainObject(element.value)) return formatPrincipal(element.principal, element.quote as Quote, dropped);
    if (element.condition) return formatCondition(element.condition, element.quote as Quote, dropped);
    return canonicalJson(element.value);
}

/** One statement as written, elements in grammar order, unknown ones after. */
function formatStatement(statement: ModelStatement, dropped: Dropped): string {
    let text = "{";
    for (let i = 0; i < statement.elements.length; i++) {
        const element = statement.elements[i];
        text += (i ? "," : "") + elementPrefix(element.name) + formatElement(element, dropped);
    }
    return text + "}";
}

/**
 * @internal The formatted text of a model (see {@link formatPolicy}). With `remember` (what `check` asks: the engine
 * sends the text it returns back to `diff` and `update`), the model is also remembered as the model of that text when
 * it was read from text (JSON values only) and formatting dropped nothing: the text then reads back as the same model
 * (the same statements, items and meaning; only the written shape differs).
 */
export function formatModel(model: PolicyModel, remember = false): string {
    const dropped: Dropped = { repeats: false };
    const text = formatText(model, dropped);
    if (remember && model.fromText && !dropped.repeats) rememberModel(text, model);
    return text;
}

function formatText(model: PolicyModel, dropped: Dropped): string {
    const parts: string[] = [];
    const element = (name: string) => model.elements.find((e) => e.name === name);
    for (const name of ["Version", "Id"]) {
        const found = element(name);
        if (found) parts.push(JSON.stringify(name) + ":" + canonicalJson(found.value));
    }
    if (model.statements) {
        // A single statement object becomes a list of one; repeats (by canonical text) are dropped. Statements that
        // each have their own Sid cannot repeat, and need no canonical text.
        const seen = model.statementIndexBySid() ? undefined : new Set<string>();
        let text = "";
        for (const statement of model.statements) {
            if (seen && seen.size === seen.add(statementCanonical(statement)).size) {
                dropped.repeats = true;
                continue;
            }
            text += (text ? "," : "") + formatStatement(statement, dropped);
        }
        parts.push('"Statement":[' + text + "]");
    }
    for (const unknown of model.elements) {
        if (unknown.name !== "Version" && unknown.name !== "Id") parts.push(JSON.stringify(unknown.name) + ":" + canonicalJson(unknown.value));
    }
    return objectText(parts);
}

/**
 * Returns the text to put to S3 and to show in previews: compact JSON, keys in grammar order (Version, Id, Statement;
 * Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition; unknown keys after, sorted),
 * `Statement` always a list, statements and list items in the order written without repeats, a list of one written as
 * its single value, and every value spelled as the user wrote it (action case, account id or root ARN,
 * `"Principal": "*"`; of duplicates that differ only in spelling, the first written is kept).
 *
 * Contract: `formatPolicy(x)` is equivalent to `x` ({@link policiesEquivalent}); `formatPolicy` is idempotent; documents
 * that differ only in key order, white space, repeats, or single value versus list of one (statement object versus list
 * of one) give the same text. Statement and list order are kept: they never make a diff ({@link diffPolicies}), and
 * kept, they let the CLI's display show an added statement as one addition. Nothing is dropped except repeats.
 *
 * @param policy the document's JSON text, or the document
 * @throws {@link PolicyParseError} when the policy cannot be read (see {@link parsePolicy})
 */
export function formatPolicy(policy: string | object): string {
    return formatModel(modelOf(policy));
}
