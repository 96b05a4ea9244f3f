/** The structured difference between two policies, and its lines for previews. Read from the model (model.ts). */
import { modelsEquivalent } from "./equivalent";
import { canonicalJson } from "./json";
import { ModelElement, ModelStatement, PolicyModel, STATEMENT_ELEMENTS, statementKey } from "./model";
import { modelOf } from "./read";
import { elementCanonical, statementCanonical } from "./texts";
import type { DocumentChange, ElementChange, PolicyDiff, StatementChange, StatementRef } from "./types";

function spelling(value: unknown): string {
    return typeof value === "string" ? value : canonicalJson(value);
}

/** A short description of a statement: its Effect and first actions, e.g. `Deny s3:DeleteObject`. */
function summarize(entry: ModelStatement): string {
    const effect = entry.statement.Effect === undefined ? "(no Effect)" : spelling(entry.statement.Effect);
    const actions = entry.actions;
    if (!actions) return effect;
    const { values } = actions.list;
    const shown = values.slice(0, 3).map(spelling).join(", ") + (values.length > 3 ? ` +${values.length - 3} more` : "");
    return `${effect} ${actions.not ? "all but " : ""}${shown}`;
}

function refOf(entry: ModelStatement): StatementRef {
    const ref: StatementRef = { key: statementKey(entry), index: entry.index, summary: summarize(entry) };
    if (entry.sid !== undefined) ref.sid = entry.sid;
    return ref;
}

/** The items of one element as canonical key → the user's spelling, so added and removed items can be named. */
function elementItems(element: ModelElement | undefined): Map<string, string> {
    const items = new Map<string, string>();
    if (element === undefined) return items;
    const add = (key: string, shown: string) => {
        if (!items.has(key)) items.set(key, shown);
    };
    if (element.list) {
        element.list.keys.forEach((key, i) => add(key, spelling(element.list?.values[i])));
    } else if (element.principal) {
        for (const { type, ids } of element.principal) {
            ids.keys.forEach((key, i) => add(`${type}:${key}`, element.value === "*" ? "*" : `${type}:${spelling(ids.values[i])}`));
        }
    } else if (element.condition) {
        const block = element.value as Record<string, unknown>;
        for (const { operator, keys } of element.condition) {
            if (!keys) {
                add(`${operator} ${canonicalJson(block[operator])}`, `${operator} ${canonicalJson(block[operator])}`);
                continue;
            }
            for (const { key, name, values } of keys)
                values.keys.forEach((text, i) => add(`${operator} ${name} ${text}`, `${operator} ${key}=${spelling(values.values[i])}`));
        }
    } else {
        add(elementCanonical(element), spelling(element.value));
    }
    return items;
}

function elementChange(field: string, before: ModelElement | undefined, after: ModelElement | undefined): ElementChange {
    const old = elementItems(before);
    const now = elementItems(after);
    return {
        field,
        added: [...now.keys()].filter((key) => !old.has(key)).map((key) => now.get(key) as string),
        removed: [...old.keys()].filter((key) => !now.has(key)).map((key) => old.get(key) as string),
    };
}

/** The elements of a statement that are not the same as absent, by name. */
function presentElements(entry: ModelStatement): Map<string, ModelElement> {
    return new Map(entry.elements.filter((element) => elementCanonical(element) !== "").map((element) => [element.name, element]));
}

function changeOf(key: string, before: ModelStatement, after: ModelStatement): StatementChange {
    const olds = presentElements(before);
    const news = presentElements(after);
    const names = [...STATEMENT_ELEMENTS, ...[...new Set([...olds.keys(), ...news.keys()])].filter((name) => !STATEMENT_ELEMENTS.includes(name)).sort()];
    const canonical = (element: ModelElement | undefined) => (element ? elementCanonical(element) : undefined);
    const fields = names.filter((name) => canonical(olds.get(name)) !== canonical(news.get(name)));
    const change: StatementChange = {
        key,
        fields,
        oldIndex: before.index,
        newIndex: after.index,
        details: fields.map((field) => elementChange(field, olds.get(field), news.get(field))),
    };
    if (before.sid !== undefined) change.sid = before.sid;
    return change;
}

function documentChanges(before: PolicyModel, after: PolicyModel): DocumentChange[] {
    const present = (model: PolicyModel) =>
        new Map(model.elements.filter((element) => elementCanonical(element) !== "").map((element) => [element.name, element]));
    const olds = present(before);
    const news = present(after);
    const names = [...new Set([...olds.keys(), ...news.keys()])];
    const order = (name: string) => (name === "Version" ? 0 : name === "Id" ? 1 : 2);
    names.sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
    const changes: DocumentChange[] = [];
    for (const field of names) {
        const old = olds.get(field);
        const now = news.get(field);
        if (old && now && elementCanonical(old) === elementCanonical(now)) continue;
        const change: DocumentChange = { field };
        if (old) change.old = spelling(old.value);
        if (now) change.new = spelling(now.value);
        changes.push(change);
    }
    return changes;
}

/** The first statement of each canonical content: exact repeats collapse, as in the canonical form. */
function uniqueTexts(entries: ModelStatement[]): ModelStatement[] {
    const seen = new Set<string>();
    return entries.filter((entry) => !seen.has(statementCanonical(entry)) && seen.add(statementCanonical(entry)) !== undefined);
}

/** Pairs the statements that share a Sid: identical ones match; the rest pair up in order as changes. */
function diffNamed(olds: ModelStatement[], news: ModelStatement[], diff: PolicyDiff): void {
    const bySid = (entries: ModelStatement[]) => {
        const groups = new Map<string, ModelStatement[]>();
        for (const entry of entries) if (entry.sid !== undefined) groups.set(entry.sid, [...(groups.get(entry.sid) ?? []), entry]);
        return groups;
    };
    const oldGroups = bySid(olds);
    const newGroups = bySid(news);
    for (const [sid, newGroup] of newGroups) {
        const oldGroup = oldGroups.get(sid) ?? [];
        const oldTexts = new Set(oldGroup.map(statementCanonical));
        const newTexts = new Set(newGroup.map(statementCanonical));
        const oldRest = uniqueTexts(oldGroup.filter((entry) => !newTexts.has(statementCanonical(entry))));
        const newRest = uniqueTexts(newGroup.filter((entry) => !oldTexts.has(statementCanonical(entry))));
        newRest.forEach((entry, i) => (i < oldRest.length ? diff.changed.push(changeOf(sid, oldRest[i], entry)) : diff.added.push(refOf(entry))));
        oldRest.slice(newRest.length).forEach((entry) => diff.removed.push(refOf(entry)));
    }
    for (const [sid, oldGroup] of oldGroups) if (!newGroups.has(sid)) oldGroup.forEach((entry) => diff.removed.push(refOf(entry)));
}

/** Statements without a Sid match by canonical content; the unmatched ones were added or removed. */
function diffUnnamed(olds: ModelStatement[], news: ModelStatement[], diff: PolicyDiff): void {
    const unmatched = (entries: ModelStatement[], others: ModelStatement[]) => {
        const matched = new Set(others.map(statementCanonical));
        return uniqueTexts(entries.filter((entry) => entry.sid === undefined && !matched.has(statementCanonical(entry))));
    };
    unmatched(news, olds).forEach((entry) => diff.added.push(refOf(entry)));
    unmatched(olds, news).forEach((entry) => diff.removed.push(refOf(entry)));
}

/**
 * Compares two policies for a preview. Statements with a (non-empty) Sid are matched by Sid: one whose content differs
 * is `changed`, naming the elements that differ. Statements without a Sid are matched by canonical content; unmatched
 * ones are `added` or `removed`, labelled `Statement[i]` by their position in their own document.
 *
 * @param before the old policy (document or JSON text)
 * @param after the new policy (document or JSON text)
 * @returns empty lists and `equivalent: true` when the policies are equivalent
 * @throws {@link PolicyParseError} when either cannot be read
 */
export function diffPolicies(before: string | object, after: string | object): PolicyDiff {
    const olds = modelOf(before);
    const news = modelOf(after);
    const equivalent = modelsEquivalent(olds, news);
    const diff: PolicyDiff = { equivalent, document: [], added: [], removed: [], changed: [] };
    if (equivalent) return diff;
    diff.document = documentChanges(olds, news);
    diffNamed(olds.statements ?? [], news.statements ?? [], diff);
    diffUnnamed(olds.statements ?? [], news.statements ?? [], diff);
    diff.added.sort((a, b) => a.index - b.index);
    diff.removed.sort((a, b) => a.index - b.index);
    diff.changed.sort((a, b) => a.newIndex - b.newIndex);
    if (diff.document.length + diff.added.length + diff.removed.length + diff.changed.length === 0) {
        // Only the presence of `Statement` differs (absent versus an empty list).
        const statement = (model: PolicyModel) => model.document.Statement;
        diff.document.push({
            field: "Statement",
            ...(statement(olds) !== undefined ? { old: canonicalJson(statement(olds)) } : {}),
            ...(statement(news) !== undefined ? { new: canonicalJson(statement(news)) } : {}),
        });
    }
    return diff;
}

function quoted(value: string | undefined): string {
    return value === undefined ? "(absent)" : JSON.stringify(value);
}

function statementName(ref: { sid?: string; index: number; summary: string }): string {
    return ref.sid !== undefined ? `statement ${JSON.stringify(ref.sid)}` : `statement #${ref.index} (${ref.summary})`;
}

function detailText(detail: ElementChange): string {
    const items = [...detail.added.map((item) => `+ ${item}`), ...detail.removed.map((item) => `- ${item}`)];
    return `${detail.field}: ${items.slice(0, 6).join(", ")}${items.length > 6 ? `, … (${items.length - 6} more)` : ""}`;
}

/**
 * Human-readable lines for a {@link PolicyDiff}, one per change, e.g. `~ Version: (absent) → "2012-10-17"`,
 * `+ statement "DenyDelete" added`, `- statement #2 (Deny s3:DeleteObject) removed`, `~ statement "AllowRead": Action changed`.
 * `#n` is the statement's position in its own document (0-based, as `Statement[n]` in `check`'s messages).
 *
 * @param diff the result of {@link diffPolicies}
 * @param options `details: true` appends the items added and removed to each changed statement's line
 */
export function describePolicyDiff(diff: PolicyDiff, options: { details?: boolean } = {}): string[] {
    const lines: string[] = [];
    for (const change of diff.document) lines.push(`~ ${change.field}: ${quoted(change.old)} → ${quoted(change.new)}`);
    for (const change of diff.changed) {
        const name = `statement ${JSON.stringify(change.sid ?? change.key)}`;
        const details = options.details ? ` (${change.details.map(detailText).join("; ")})` : "";
        lines.push(`~ ${name}: ${change.fields.join(", ")} changed${details}`);
    }
    for (const ref of diff.removed) lines.push(`- ${statementName(ref)} removed`);
    for (const ref of diff.added) lines.push(`+ ${statementName(ref)} added`);
    return lines;
}
