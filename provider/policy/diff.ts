/** The structured difference between two policies, and its lines for previews. */
import { STATEMENT_ELEMENTS, canonicalDocumentParts, canonicalDocumentText, canonicalStatementParts, canonicalStatementTexts } from "./canonical";
import { canonicalJson, definedKeys, isPlainObject } from "./json";
import { parsePolicy } from "./parse";
import {
    conditionValueText,
    foldConditionKey,
    identifierOf,
    isIgnoreCaseOperator,
    isNumericOperator,
    listOf,
    normalizeAction,
    principalIdNormalizer,
    principalObject,
    statementList,
} from "./rules";
import type { DocumentChange, ElementChange, PolicyDiff, StatementChange, StatementRef } from "./types";

interface IndexedStatement {
    index: number;
    sid?: string;
    text: string;
    statement: Record<string, unknown>;
}

function indexStatements(document: Record<string, unknown>, texts: string[]): IndexedStatement[] {
    return (statementList(document.Statement) as Array<Record<string, unknown>>).map((statement, index) => {
        const sid = identifierOf(statement.Sid);
        return { index, sid: typeof sid === "string" ? sid : undefined, text: texts[index], statement };
    });
}

function spelling(value: unknown): string {
    return typeof value === "string" ? value : canonicalJson(value);
}

/** A short description of a statement: its Effect and first actions, e.g. `Deny s3:DeleteObject`. */
function summarize(statement: Record<string, unknown>): string {
    const effect = statement.Effect === undefined ? "(no Effect)" : spelling(statement.Effect);
    const name = statement.Action !== undefined ? "Action" : statement.NotAction !== undefined ? "NotAction" : undefined;
    if (name === undefined) return effect;
    const actions = listOf(statement[name]).map(spelling);
    const shown = actions.slice(0, 3).join(", ") + (actions.length > 3 ? ` +${actions.length - 3} more` : "");
    return `${effect} ${name === "NotAction" ? "all but " : ""}${shown}`;
}

function refOf(entry: IndexedStatement): StatementRef {
    const ref: StatementRef = { key: entry.sid ?? `Statement[${entry.index}]`, index: entry.index, summary: summarize(entry.statement) };
    if (entry.sid !== undefined) ref.sid = entry.sid;
    return ref;
}

/** The items of one element as canonical key → the user's spelling, so added and removed items can be named. */
function elementItems(name: string, value: unknown): Map<string, string> {
    const items = new Map<string, string>();
    if (value === undefined) return items;
    const add = (key: string, shown: string) => {
        if (!items.has(key)) items.set(key, shown);
    };
    if (name === "Action" || name === "NotAction" || name === "Resource" || name === "NotResource") {
        for (const item of listOf(value))
            add(typeof item === "string" ? (name.endsWith("Action") ? normalizeAction(item) : item) : canonicalJson(item), spelling(item));
    } else if ((name === "Principal" || name === "NotPrincipal") && isPlainObject(principalObject(value))) {
        const principal = principalObject(value) as Record<string, unknown>;
        for (const type of definedKeys(principal)) {
            for (const id of listOf(principal[type])) {
                add(`${type}:${typeof id === "string" ? principalIdNormalizer(type)(id) : canonicalJson(id)}`, value === "*" ? "*" : `${type}:${spelling(id)}`);
            }
        }
    } else if (name === "Condition" && isPlainObject(value)) {
        for (const operator of definedKeys(value)) {
            const block = value[operator];
            if (!isPlainObject(block)) {
                add(`${operator} ${canonicalJson(block)}`, `${operator} ${canonicalJson(block)}`);
                continue;
            }
            const ignoreCase = isIgnoreCaseOperator(operator);
            const numeric = isNumericOperator(operator);
            for (const key of definedKeys(block)) {
                for (const item of listOf(block[key]))
                    add(`${operator} ${foldConditionKey(key)} ${conditionValueText(item, ignoreCase, numeric)}`, `${operator} ${key}=${spelling(item)}`);
            }
        }
    } else {
        add(canonicalJson(value), spelling(value));
    }
    return items;
}

function elementChange(field: string, before: unknown, after: unknown): ElementChange {
    const old = elementItems(field, before);
    const now = elementItems(field, after);
    return {
        field,
        added: [...now.keys()].filter((key) => !old.has(key)).map((key) => now.get(key) as string),
        removed: [...old.keys()].filter((key) => !now.has(key)).map((key) => old.get(key) as string),
    };
}

function changeOf(key: string, before: IndexedStatement, after: IndexedStatement): StatementChange {
    const oldParts = new Map(canonicalStatementParts(before.statement));
    const newParts = new Map(canonicalStatementParts(after.statement));
    const names = [
        ...STATEMENT_ELEMENTS,
        ...[...new Set([...oldParts.keys(), ...newParts.keys()])].filter((name) => !STATEMENT_ELEMENTS.includes(name)).sort(),
    ];
    const fields = names.filter((name) => oldParts.get(name) !== newParts.get(name));
    const change: StatementChange = {
        key,
        fields,
        oldIndex: before.index,
        newIndex: after.index,
        details: fields.map((field) => elementChange(field, before.statement[field], after.statement[field])),
    };
    if (before.sid !== undefined) change.sid = before.sid;
    return change;
}

function documentChanges(before: Record<string, unknown>, after: Record<string, unknown>, oldTexts: string[], newTexts: string[]): DocumentChange[] {
    const oldParts = new Map(canonicalDocumentParts(before, oldTexts));
    const newParts = new Map(canonicalDocumentParts(after, newTexts));
    const names = [...new Set([...oldParts.keys(), ...newParts.keys()])].filter((name) => name !== "Statement");
    const order = (name: string) => (name === "Version" ? 0 : name === "Id" ? 1 : 2);
    names.sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
    const changes: DocumentChange[] = [];
    for (const field of names) {
        if (oldParts.get(field) === newParts.get(field)) continue;
        const change: DocumentChange = { field };
        if (oldParts.has(field)) change.old = spelling(before[field]);
        if (newParts.has(field)) change.new = spelling(after[field]);
        changes.push(change);
    }
    return changes;
}

/** The first statement of each canonical content: exact repeats collapse, as in the canonical form. */
function uniqueTexts(entries: IndexedStatement[]): IndexedStatement[] {
    const seen = new Set<string>();
    return entries.filter((entry) => !seen.has(entry.text) && seen.add(entry.text) !== undefined);
}

/** Pairs the statements that share a Sid: identical ones match; the rest pair up in order as changes. */
function diffNamed(olds: IndexedStatement[], news: IndexedStatement[], diff: PolicyDiff): void {
    const bySid = (entries: IndexedStatement[]) => {
        const groups = new Map<string, IndexedStatement[]>();
        for (const entry of entries) if (entry.sid !== undefined) groups.set(entry.sid, [...(groups.get(entry.sid) ?? []), entry]);
        return groups;
    };
    const oldGroups = bySid(olds);
    const newGroups = bySid(news);
    for (const [sid, newGroup] of newGroups) {
        const oldGroup = oldGroups.get(sid) ?? [];
        const oldTexts = new Set(oldGroup.map((entry) => entry.text));
        const newTexts = new Set(newGroup.map((entry) => entry.text));
        const oldRest = uniqueTexts(oldGroup.filter((entry) => !newTexts.has(entry.text)));
        const newRest = uniqueTexts(newGroup.filter((entry) => !oldTexts.has(entry.text)));
        newRest.forEach((entry, i) => (i < oldRest.length ? diff.changed.push(changeOf(sid, oldRest[i], entry)) : diff.added.push(refOf(entry))));
        oldRest.slice(newRest.length).forEach((entry) => diff.removed.push(refOf(entry)));
    }
    for (const [sid, oldGroup] of oldGroups) if (!newGroups.has(sid)) oldGroup.forEach((entry) => diff.removed.push(refOf(entry)));
}

/** Statements without a Sid match by canonical content; the unmatched ones were added or removed. */
function diffUnnamed(olds: IndexedStatement[], news: IndexedStatement[], diff: PolicyDiff): void {
    const unmatched = (entries: IndexedStatement[], others: IndexedStatement[]) => {
        const matched = new Set(others.map((entry) => entry.text));
        return uniqueTexts(entries.filter((entry) => entry.sid === undefined && !matched.has(entry.text)));
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
    const oldDocument = parsePolicy(before) as Record<string, unknown>;
    const newDocument = parsePolicy(after) as Record<string, unknown>;
    const oldTexts = canonicalStatementTexts(oldDocument);
    const newTexts = canonicalStatementTexts(newDocument);
    const equivalent = canonicalDocumentText(oldDocument, oldTexts) === canonicalDocumentText(newDocument, newTexts);
    const diff: PolicyDiff = { equivalent, document: [], added: [], removed: [], changed: [] };
    if (equivalent) return diff;
    diff.document = documentChanges(oldDocument, newDocument, oldTexts, newTexts);
    const olds = indexStatements(oldDocument, oldTexts);
    const news = indexStatements(newDocument, newTexts);
    diffNamed(olds, news, diff);
    diffUnnamed(olds, news, diff);
    diff.added.sort((a, b) => a.index - b.index);
    diff.removed.sort((a, b) => a.index - b.index);
    diff.changed.sort((a, b) => a.newIndex - b.newIndex);
    if (diff.document.length + diff.added.length + diff.removed.length + diff.changed.length === 0) {
        // Only the presence of `Statement` differs (absent versus an empty list).
        diff.document.push({
            field: "Statement",
            ...(oldDocument.Statement !== undefined ? { old: canonicalJson(oldDocument.Statement) } : {}),
            ...(newDocument.Statement !== undefined ? { new: canonicalJson(newDocument.Statement) } : {}),
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
