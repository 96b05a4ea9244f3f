/**
 * The request space of two policies, cut into exact cells, and each statement as a box in it. A request is a point:
 * principal, action, resource, and one coordinate per condition key (whose values include "absent"). Every dimension
 * is cut by every pattern and constant of *both* policies, so that any two requests in one cell are treated alike by
 * every statement of either; a statement is then, per dimension, a set of cells (a bit set), and a policy's Allow and
 * Deny are unions of such boxes. See docs/access-changes.md.
 */
import { ModelCondition, ModelStatement, PolicyModel, elementNamed, statementLabel } from "../policy/model";
import { BudgetExceeded, Pattern, PatternReading, patternOf, samePattern, signatureOfWord, stringCells } from "./glob";
import { Decimal, IpRange, decimalText, ipText, readDecimal, readInstant, readIpRange } from "./values";
import type { AccessPrincipal } from "./types";

/** Raised for what the exact procedure does not decide; the analysis then answers "possible", naming `construct`. */
export class OutsideFragment extends Error {
    constructor(readonly construct: string) {
        super(construct);
    }
}

/** Where the analysis stops: a deadline and a count of automaton states. */
export interface Budget {
    deadline: number;
    states: number;
}

export function checkDeadline(budget: Budget): void {
    if (Date.now() > budget.deadline) throw new BudgetExceeded("time");
}

const bit = (cell: number) => 1n << BigInt(cell);
const lowBits = (count: number) => (1n << BigInt(count)) - 1n;

/** What a witness gives one coordinate: a principal, a string, a list of strings, or absent (`null`); omitted when any value will do. */
export type Coordinate = { principal: AccessPrincipal } | { value: string | string[] | null } | undefined;

/** One dimension of the space: its cells, the full set, and a concrete value of a cell. */
export interface Dimension {
    readonly label: string;
    /** The condition key this dimension is, when it is one. */
    readonly key?: string;
    /** Cuts the cells, once every pattern and constant is registered. */
    finish(budget: Budget): void;
    /** Every cell that exists. */
    full(): bigint;
    /** A value for a witness from a set of cells (non-empty), preferring what reads best. */
    pick(cells: bigint): Coordinate;
}

/** Principals: one cell per (type, id) either policy names, and one for every other principal (anonymous included). */
class PrincipalDimension implements Dimension {
    readonly label = "principal";
    private readonly atoms = new Map<string, AccessPrincipal>();

    cellOf(type: string, id: string): bigint {
        const key = `${type}\u0000${id}`;
        if (!this.atoms.has(key)) this.atoms.set(key, { type, id });
        return bit([...this.atoms.keys()].indexOf(key));
    }
    finish(): void {}
    full(): bigint {
        return lowBits(this.atoms.size + 1);
    }
    pick(cells: bigint): Coordinate {
        const other = this.atoms.size;
        if (cells & bit(other)) return { principal: this.someoneElse() };
        const atoms = [...this.atoms.values()];
        for (let i = 0; i < atoms.length; i++) if (cells & bit(i)) return { principal: atoms[i] };
        return undefined;
    }
    private someoneElse(): AccessPrincipal {
        return someoneElse([...this.atoms.values()].map((atom) => atom.id));
    }
    /** Whether a principal is none of those either policy names (a witness then speaks of "anyone"). */
    isOther(principal: AccessPrincipal): boolean {
        return !this.atoms.has(`${principal.type}\u0000${principal.id}`);
    }
}

/** Strings (actions, resources, string condition keys): the cells of their patterns (glob.ts), plus "absent" for a key. */
class StringDimension implements Dimension {
    private readonly patterns: Pattern[] = [];
    private readonly indexOf = new Map<string, number>();
    private words: string[] = [];
    private accepted: bigint[] = [];
    private readonly candidates = new Set<string>();
    private readonly pretty = new Map<number, string>();

    constructor(
        readonly label: string,
        readonly key?: string,
    ) {}

    /** Registers a pattern; returns a function giving its cells once they are cut. */
    add(pattern: Pattern, candidates: string[] = []): () => bigint {
        let index = this.indexOf.get(pattern.key);
        if (index === undefined) {
            index = this.patterns.push(pattern) - 1;
            this.indexOf.set(pattern.key, index);
        }
        for (const candidate of candidates) this.candidates.add(candidate);
        const at = index;
        return () => this.accepted[at];
    }
    finish(budget: Budget): void {
        const cells = stringCells(this.patterns, budget);
        this.words = cells.words;
        this.accepted = cells.accepted;
        // Prefer, in each cell, a word that reads like a real value (an instance of a pattern, a real S3 action).
        for (const candidate of this.candidates) {
            const cell = cells.cellOfSignature.get(signatureOfWord(this.patterns, candidate));
            if (cell !== undefined && !this.pretty.has(cell)) this.pretty.set(cell, candidate);
        }
    }
    values(): bigint {
        return lowBits(this.words.length);
    }
    absent(): bigint {
        return this.key === undefined ? 0n : bit(this.words.length);
    }
    full(): bigint {
        return this.values() | this.absent();
    }
    pick(cells: bigint): Coordinate {
        for (let cell = 0; cell < this.words.length; cell++) if (cells & bit(cell)) return { value: this.pretty.get(cell) ?? this.words[cell] };
        return { value: null };
    }
}

/**
 * Numbers or instants: the constants cut the line into points and the open gaps between them; plus a value that is
 * not a number (or date), which every comparison but `…NotEquals` fails (AWS does not document it; the evaluator reads
 * it so), and "absent".
 */
class OrderedDimension implements Dimension {
    private readonly constants: Decimal[] = [];
    private points: bigint[] = [];
    private scale = 0;
    private exists = 0n;

    constructor(
        readonly label: string,
        readonly key: string,
        private readonly dates: boolean,
    ) {}

    /** Registers a constant; returns a function giving the cells a comparison with it holds. */
    add(constant: Decimal, test: string): () => bigint {
        this.constants.push(constant);
        return () => this.cellsOf(constant, test);
    }
    finish(): void {
        this.scale = this.dates ? 0 : Math.max(0, ...this.constants.map((constant) => constant.scale)) + 1;
        const points = [...new Set(this.constants.map((constant) => this.units(constant)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        this.points = points;
        this.exists = 0n;
        for (let j = 0; j <= points.length; j++) {
            const gapExists = j === 0 || j === points.length || points[j] - points[j - 1] >= 2n;
            if (gapExists) this.exists |= bit(2 * j);
            if (j < points.length) this.exists |= bit(2 * j + 1);
        }
    }
    private units(constant: Decimal): bigint {
        return constant.units * 10n ** BigInt(this.scale - constant.scale);
    }
    /** Cells: 2j is the gap below point j (2·count the one above the last), 2j+1 point j. */
    private cellsOf(constant: Decimal, test: string): bigint {
        const j = this.points.indexOf(this.units(constant));
        const top = 2 * this.points.length;
        const range = (from: number, to: number) => (to < from ? 0n : lowBits(to + 1) & ~lowBits(from));
        const cells: Record<string, bigint> = {
            Equals: bit(2 * j + 1),
            NotEquals: bit(2 * j + 1),
            LessThan: range(0, 2 * j),
            LessThanEquals: range(0, 2 * j + 1),
            GreaterThan: range(2 * j + 2, top),
            GreaterThanEquals: range(2 * j + 1, top),
        };
        return cells[test] & this.exists;
    }
    private notANumber(): bigint {
        return bit(2 * this.points.length + 1);
    }
    values(): bigint {
        return this.exists | this.notANumber();
    }
    absent(): bigint {
        return bit(2 * this.points.length + 2);
    }
    full(): bigint {
        return this.values() | this.absent();
    }
    pick(cells: bigint): Coordinate {
        const count = this.points.length;
        for (let cell = 0; cell <= 2 * count; cell++) {
            if (!(cells & this.exists & bit(cell))) continue;
            const j = cell >> 1;
            const units = cell % 2 === 1 ? this.points[j] : count === 0 ? 0n : j === 0 ? this.points[0] - 1n : this.points[j - 1] + 1n;
            return { value: this.dates ? new Date(Number(units)).toISOString() : decimalText(units, this.scale) };
        }
        if (cells & this.notANumber()) return { value: this.dates ? "not-a-date" : "not-a-number" };
        return { value: null };
    }
}

/** IP addresses: the v4 and v6 lines cut at every range's ends; plus a value that is not an address (no range holds it), and "absent". */
class IpDimension implements Dimension {
    private readonly ranges: IpRange[] = [];
    private starts: Array<{ v6: boolean; first: bigint }> = [];

    constructor(
        readonly label: string,
        readonly key: string,
    ) {}

    add(range: IpRange): () => bigint {
        this.ranges.push(range);
        return () => {
            let cells = 0n;
            this.starts.forEach((start, cell) => {
                if (start.v6 === range.v6 && start.first >= range.first && start.first <= range.last) cells |= bit(cell);
            });
            return cells;
        };
    }
    finish(): void {
        this.starts = [];
        for (const v6 of [false, true]) {
            const end = 1n << (v6 ? 128n : 32n);
            const cuts = new Set<bigint>([0n]);
            for (const range of this.ranges) {
                if (range.v6 !== v6) continue;
                cuts.add(range.first);
                if (range.last + 1n < end) cuts.add(range.last + 1n);
            }
            for (const first of [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) this.starts.push({ v6, first });
        }
    }
    values(): bigint {
        return lowBits(this.starts.length + 1);
    }
    absent(): bigint {
        return bit(this.starts.length + 1);
    }
    full(): bigint {
        return this.values() | this.absent();
    }
    pick(cells: bigint): Coordinate {
        for (let cell = 0; cell < this.starts.length; cell++) {
            if (!(cells & bit(cell))) continue;
            const { v6, first } = this.starts[cell];
            const next = this.starts[cell + 1];
            const end = next && next.v6 === v6 ? next.first : 1n << (v6 ? 128n : 32n);
            // 0.0.0.0 and :: read as "no address": take the next one when the cell has it.
            return { value: ipText(v6, first === 0n && end > 1n ? 1n : first) };
        }
        if (cells & bit(this.starts.length)) return { value: "not-an-address" };
        return { value: null };
    }
}

/**
 * A multi-valued condition (`ForAnyValue:`/`ForAllValues:`) as an opaque true/false: independent of everything else,
 * which admits more requests than AWS has, so a proof over it holds for AWS too. Cell 0 false, cell 1 true.
 */
class AtomDimension implements Dimension {
    constructor(
        readonly label: string,
        readonly key: string,
        private readonly condition: ModelCondition,
    ) {}
    finish(): void {}
    full(): bigint {
        return 3n;
    }
    /** A list of values that should make the condition true or false; the evaluator confirms it. */
    pick(cells: bigint): Coordinate {
        const want = (cells & 2n) !== 0n;
        const { parts } = this.condition.operator;
        const values = this.condition.key?.values.items ?? [];
        const listed = (values[0] ?? "").replace(/\*/g, "").replace(/\?/g, "x");
        const unlisted = "value-not-in-the-policy";
        if (parts.set === "ForAllValues") return { value: want ? null : [parts.negated ? listed : unlisted] };
        return { value: want ? [parts.negated ? unlisted : listed] : null };
    }
}

/**
 * How AWS reads one ARN pattern where its documents disagree: whether a request's value is matched, for the values the
 * strict reading rejects and the permissive one accepts. Unknown, but the same in both policies, so it is a coordinate
 * of its own (cell 0 not matched, cell 1 matched), shared by every occurrence of the pattern: a statement both
 * policies have then cancels out, and a proof holds under every reading between the two.
 */
class ReadingDimension implements Dimension {
    constructor(readonly label: string) {}
    finish(): void {}
    full(): bigint {
        return 3n;
    }
    pick(): Coordinate {
        return undefined;
    }
}

/** The families of single-valued condition operators, as the dimension that holds their key's values. */
type KeyKind = "string" | "numeric" | "date" | "ip";
const KIND_OF_FAMILY: Record<string, KeyKind | undefined> = {
    String: "string",
    Arn: "string",
    Bool: "string",
    Numeric: "numeric",
    Date: "date",
    IpAddress: "ip",
};

/** Real S3 action names, folded, that witnesses use when they fall in the right cell (the display restores the case). */
export const S3_ACTIONS = [
    "GetObject",
    "PutObject",
    "DeleteObject",
    "ListBucket",
    "GetObjectAcl",
    "PutObjectAcl",
    "GetBucketPolicy",
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "GetBucketLocation",
    "ListBucketMultipartUploads",
    "AbortMultipartUpload",
    "GetObjectVersion",
    "DeleteObjectVersion",
    "PutBucketAcl",
    "DeleteBucket",
    "PutLifecycleConfiguration",
    "GetObjectTagging",
    "PutObjectTagging",
];

/** Which statements a side contributes, and how its ARN patterns are read (see `PolicyReading`). */
export interface SideStatement {
    side: "before" | "after";
    statement: ModelStatement;
    effect: "Allow" | "Deny";
    /** The requests it matches, as a union of boxes (more than one where an ARN pattern's reading is in doubt). */
    boxes: bigint[][];
}

/** The space and the boxes of both policies' statements. */
export interface Space {
    dimensions: Dimension[];
    principal: PrincipalDimension;
    statements: SideStatement[];
}

const PLAIN: PatternReading = { wildcards: true, ignoreCase: false, segmentWildcards: false };

/** Builds the space of `before` (undefined: no policy) and `after`. Throws OutsideFragment or BudgetExceeded. */
export function buildSpace(before: PolicyModel | undefined, after: PolicyModel, bucket: string | undefined, budget: Budget): Space {
    const principal = new PrincipalDimension();
    const action = new StringDimension("action");
    const resource = new StringDimension("resource");
    const dimensions: Dimension[] = [principal, action, resource];
    const governedActions = [action.add(patternOf("s3:?*", PLAIN)), action.add(patternOf("s3express:?*", PLAIN))];
    const governedResources =
        bucket === undefined ? [] : [`arn:*:s3:::${bucket}`, `arn:*:s3:::${bucket}/*`].map((text) => resource.add(patternOf(text, PLAIN)));
    action.add(
        patternOf("*", PLAIN),
        S3_ACTIONS.map((name) => `s3:${name.toLowerCase()}`),
    );
    if (bucket !== undefined) resource.add(patternOf("*", PLAIN), [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/object`]);

    const sides: Array<{ side: "before" | "after"; model: PolicyModel }> = [
        ...(before ? [{ side: "before" as const, model: before }] : []),
        { side: "after", model: after },
    ];
    const kinds = keyKinds(sides.map((side) => side.model));
    const keyDimensions = new Map<string, Dimension>();
    const atoms = new Map<string, AtomDimension>();
    const keyDimension = (name: string): Dimension => {
        let dimension = keyDimensions.get(name);
        if (!dimension) {
            const kind = kinds.get(name) ?? "string";
            const label = `condition key ${name}`;
            dimension =
                kind === "string"
                    ? new StringDimension(label, name)
                    : kind === "ip"
                      ? new IpDimension(label, name)
                      : new OrderedDimension(label, name, kind === "date");
            keyDimensions.set(name, dimension);
            dimensions.push(dimension);
        }
        return dimension;
    };

    const readings = new Map<string, ReadingDimension>();
    const readingOf = (id: string, text: string): ReadingDimension => {
        let reading = readings.get(id);
        if (!reading) {
            reading = new ReadingDimension(`how AWS reads ${JSON.stringify(text)}`);
            readings.set(id, reading);
            dimensions.push(reading);
        }
        return reading;
    };
    const context: BuildContext = { readingOf };
    const pending: Array<{ side: "before" | "after"; statement: ModelStatement; effect: "Allow" | "Deny"; constraints: Constraint[] }> = [];
    for (const { side, model } of sides) {
        const variables = versionOf(model) === "2012-10-17";
        for (const statement of model.statements ?? []) {
            const label = `${side === "before" ? "old" : "new"} ${statementLabel(statement)}`;
            const effect = statement.effect;
            if (!effect) throw new OutsideFragment(`${label}: an Effect other than "Allow" or "Deny"`);
            for (const [a, b] of [
                ["Principal", "NotPrincipal"],
                ["Action", "NotAction"],
                ["Resource", "NotResource"],
            ]) {
                if (elementNamed(statement.elements, a) && elementNamed(statement.elements, b)) throw new OutsideFragment(`${label}: both ${a} and ${b}`);
            }
            const constraints: Constraint[] = [];
            constraints.push(only(principal, principalCells(statement, label, principal)));
            constraints.push(...patternConstraints(statement, "actions", label, action, governedActions, variables, context));
            constraints.push(...patternConstraints(statement, "resources", label, resource, governedResources, variables, context));
            for (const condition of conditionsOf(statement, label)) {
                const { parts } = condition.operator;
                const key = condition.key as NonNullable<ModelCondition["key"]>;
                const items = key.values.items as string[];
                if (variables && items.some((item) => item.includes("${")))
                    throw new OutsideFragment(`${label}: a policy variable in Condition ${condition.operator.operator} ${key.key}`);
                if (parts.set !== "") {
                    const id = `${condition.operator.operator}\u0000${key.name}\u0000${[...key.values.keys].sort().join(",")}`;
                    let atom = atoms.get(id);
                    if (!atom) {
                        atom = new AtomDimension(`condition ${condition.operator.operator} on ${key.name}`, key.name, condition);
                        atoms.set(id, atom);
                        dimensions.push(atom);
                    }
                    constraints.push(only(atom, () => 2n));
                    continue;
                }
                constraints.push(...conditionConstraints(condition, label, keyDimension(key.name), context));
            }
            pending.push({ side, statement, effect, constraints });
        }
    }
    for (const dimension of dimensions) {
        checkDeadline(budget);
        dimension.finish(budget);
    }
    const statements = pending.map(({ side, statement, effect, constraints }) => ({
        side,
        statement,
        effect,
        boxes: boxesOf(dimensions, constraints, budget),
    }));
    return { dimensions, principal, statements };
}

/** One way to meet a constraint: cells required in some dimensions. */
type Alternative = Array<[Dimension, () => bigint]>;
/** A statement's requirement on a request: one of its alternatives (most constraints have one). */
type Constraint = Alternative[];

function only(dimension: Dimension, cells: () => bigint): Constraint {
    return [[[dimension, cells]]];
}

/** What the constraint builders need from the space being built. */
interface BuildContext {
    /** The coordinate of how AWS reads a disputed ARN pattern (the same in both policies). */
    readingOf(id: string, text: string): ReadingDimension;
}

/** Most boxes one statement may become (each disputed ARN pattern can double them). */
const MAX_STATEMENT_BOXES = 256;

/** The boxes of a statement: every way to meet all its constraints, empty ones dropped. */
function boxesOf(dimensions: Dimension[], constraints: Constraint[], budget: Budget): bigint[][] {
    let boxes: bigint[][] = [dimensions.map((dimension) => dimension.full())];
    for (const constraint of constraints) {
        const next: bigint[][] = [];
        for (const box of boxes) {
            for (const alternative of constraint) {
                const narrowed = box.slice();
                let empty = false;
                for (const [dimension, cells] of alternative) {
                    const index = dimensions.indexOf(dimension);
                    narrowed[index] &= cells();
                    if (narrowed[index] === 0n) empty = true;
                }
                if (!empty) next.push(narrowed);
            }
        }
        if (next.length > MAX_STATEMENT_BOXES) throw new BudgetExceeded("a statement with too many disputed ARN patterns");
        checkDeadline(budget);
        boxes = next;
    }
    return boxes;
}

function versionOf(model: PolicyModel): unknown {
    return elementNamed(model.elements, "Version")?.value;
}

/** The kind of each condition key's values, from the single-valued operators on it; mixing kinds is outside the fragment. */
function keyKinds(models: PolicyModel[]): Map<string, KeyKind> {
    const kinds = new Map<string, KeyKind>();
    for (const model of models) {
        for (const statement of model.statements ?? []) {
            for (const condition of statement.conditions ?? []) {
                const { parts } = condition.operator;
                if (parts.set !== "" || !condition.key || parts.family === "Null") continue;
                const kind = KIND_OF_FAMILY[parts.family ?? ""];
                if (!kind) continue;
                const known = kinds.get(condition.key.name);
                if (known && known !== kind) throw new OutsideFragment(`condition key ${condition.key.name} compared both as ${known} and as ${kind}`);
                kinds.set(condition.key.name, kind);
            }
        }
    }
    return kinds;
}

function principalCells(statement: ModelStatement, label: string, dimension: PrincipalDimension): () => bigint {
    const principals = statement.principals;
    if (!principals) throw new OutsideFragment(`${label}: no Principal or NotPrincipal`);
    if (!principals.types) throw new OutsideFragment(`${label}: a ${principals.element.name} that names no one AWS can read`);
    let named = 0n;
    for (const { type, ids } of principals.types) {
        for (const id of ids.items) {
            if (id === undefined) throw new OutsideFragment(`${label}: a ${principals.element.name} id that is not a string`);
            if (type === "AWS" && id === "*") continue;
            if (id.includes("*") || id.includes("?")) throw new OutsideFragment(`${label}: a wildcard in ${principals.element.name} id ${JSON.stringify(id)}`);
            named |= dimension.cellOf(type, id);
        }
    }
    // Every principal's cell is known only once both policies are read: "everyone" and "everyone but" wait for it.
    return () => {
        const cells = principals.everyone ? dimension.full() : named;
        return principals.not ? dimension.full() & ~cells : cells;
    };
}

function patternConstraints(
    statement: ModelStatement,
    view: "actions" | "resources",
    label: string,
    dimension: StringDimension,
    governed: Array<() => bigint>,
    variables: boolean,
    context: BuildContext,
): Constraint[] {
    const patterns = statement[view];
    const name = view === "actions" ? "Action" : "Resource";
    if (!patterns) throw new OutsideFragment(`${label}: no ${name} or Not${name}`);
    if (patterns.list.unreadable) throw new OutsideFragment(`${label}: a ${patterns.element.name} item that is not a string`);
    const items = patterns.list.items as string[];
    const universe = () => (governed.length ? governed.reduce((all, cell) => all | cell(), 0n) : dimension.full());
    const inUniverse = only(dimension, universe);
    if (view === "actions") {
        const cells = items.map((item) => dimension.add(patternOf(item, PLAIN), [instance(item)]));
        const matched = () => cells.reduce((all, cell) => all | cell(), 0n);
        return [inUniverse, only(dimension, patterns.not ? () => ~matched() : matched)];
    }
    if (variables && items.some((item) => item.includes("${"))) throw new OutsideFragment(`${label}: a policy variable in ${patterns.element.name}`);
    const arns = items.map((item) => disputedPattern(item, dimension, false, context));
    return [inUniverse, ...(patterns.not ? arns.map(notMatchedBy) : [matchedByAny(arns)])];
}

/** An ARN pattern read both ways: what both readings match (`sure`), what only the permissive one does, and the coordinate saying which holds. */
interface DisputedPattern {
    dimension: StringDimension;
    sure: () => bigint;
    /** Cells only the permissive reading matches; undefined when the readings agree. */
    doubt?: { cells: () => bigint; reading: ReadingDimension };
}

function disputedPattern(text: string, dimension: StringDimension, arnCondition: boolean, context: BuildContext): DisputedPattern {
    // Strict: wildcards outside the resource part match no `:`, case counts. Permissive: a plain glob, and an Arn
    // operator's values ignore case (the .NET SDK's reading).
    const strict = patternOf(text, { wildcards: true, ignoreCase: false, segmentWildcards: true });
    const permissive = patternOf(text, { wildcards: true, ignoreCase: arnCondition, segmentWildcards: false });
    const sure = dimension.add(strict, [instance(text)]);
    if (samePattern(strict, permissive)) return { dimension, sure };
    const wide = dimension.add(permissive);
    const reading = context.readingOf(`${arnCondition ? "Arn" : "Resource"}\u0000${text}`, text);
    return { dimension, sure, doubt: { cells: () => wide() & ~sure(), reading } };
}

/** Matched by at least one pattern: surely, or in a pattern's doubt when AWS's reading matches it. */
function matchedByAny(patterns: DisputedPattern[]): Constraint {
    if (patterns.length === 0) return [];
    const { dimension } = patterns[0];
    const alternatives: Constraint = [[[dimension, () => patterns.reduce((all, pattern) => all | pattern.sure(), 0n)]]];
    for (const { doubt } of patterns)
        if (doubt)
            alternatives.push([
                [dimension, doubt.cells],
                [doubt.reading, () => 2n],
            ]);
    return alternatives;
}

/** Not matched by one pattern: outside both readings, or in its doubt when AWS's reading does not match it. */
function notMatchedBy(pattern: DisputedPattern): Constraint {
    const { dimension, sure, doubt } = pattern;
    if (!doubt) return only(dimension, () => ~sure());
    return [
        [[dimension, () => ~(sure() | doubt.cells())]],
        [
            [dimension, doubt.cells],
            [doubt.reading, () => 1n],
        ],
    ];
}

/** A principal no policy names: a user in an account none of `namedIds` mentions. */
export function someoneElse(namedIds: readonly string[]): AccessPrincipal {
    const named = namedIds.join("\n");
    for (let n = 999999999999; ; n--) {
        if (!named.includes(String(n))) return { type: "AWS", id: `arn:aws:iam::${n}:user/someone-else` };
    }
}

/** A word a pattern matches, to offer as a readable witness: wildcards replaced by nothing or one letter. */
export function instance(pattern: string): string {
    return pattern.replace(/\*/g, "").replace(/\?/g, "x");
}

function conditionsOf(statement: ModelStatement, label: string): ModelCondition[] {
    if (statement.conditionUnreadable) throw new OutsideFragment(`${label}: a Condition that is not an object of operators`);
    const conditions = statement.conditions ?? [];
    for (const { operator, key } of conditions) {
        const { parts } = operator;
        if (!key) throw new OutsideFragment(`${label}: Condition ${operator.operator} is not an object of keys`);
        if (key.values.unreadable)
            throw new OutsideFragment(`${label}: a Condition ${operator.operator} ${key.key} value that is not a string, number or Boolean`);
        if (!parts.family || (parts.set !== "" && parts.set !== "ForAnyValue" && parts.set !== "ForAllValues"))
            throw new OutsideFragment(`${label}: the condition operator ${operator.operator}`);
        if (parts.family === "Binary") throw new OutsideFragment(`${label}: the condition operator ${operator.operator} (binary values)`);
    }
    return conditions;
}

/** What one (operator, key) requires of its key's dimension. */
function conditionConstraints(condition: ModelCondition, label: string, dimension: Dimension, context: BuildContext): Constraint[] {
    const { parts, operator } = condition.operator;
    const key = condition.key as NonNullable<ModelCondition["key"]>;
    const items = key.values.items as string[];
    const where = `${label}: Condition ${operator} ${key.key}`;
    const typed = dimension as StringDimension & OrderedDimension & IpDimension;
    const absent = () => typed.absent();
    if (parts.family === "Null") {
        const wants = items.map((item) => item.toLowerCase());
        if (wants.some((want) => want !== "true" && want !== "false")) throw new OutsideFragment(`${where}: a Null value other than true or false`);
        return [only(dimension, () => wants.reduce((all, want) => all | (want === "true" ? typed.absent() : typed.values()), 0n))];
    }
    if (parts.family === "Arn") {
        // A negated operator holds when no value matches (and when the key is absent); a positive one when one does.
        const arns = items.map((item) => disputedPattern(item, dimension as StringDimension, true, context));
        if (parts.negated)
            return arns.map((arn) => [
                ...notMatchedBy(arn).map((alternative) => withValuesOnly(alternative, typed)),
                [[dimension, absent] as [Dimension, () => bigint]],
            ]);
        return [[...matchedByAny(arns), ...(parts.ifExists ? [[[dimension, absent] as [Dimension, () => bigint]]] : [])]];
    }
    let values: Array<() => bigint>;
    if (dimension instanceof StringDimension) {
        const reading: PatternReading = {
            wildcards: parts.base === "StringLike" || parts.base === "StringNotLike",
            ignoreCase: parts.family === "Bool" || parts.base.endsWith("IgnoreCase"),
            segmentWildcards: false,
        };
        const candidates = parts.family === "Bool" ? ["true", "false"] : [];
        values = items.map((item) => dimension.add(patternOf(item, reading), [reading.wildcards ? instance(item) : item, ...candidates]));
    } else if (dimension instanceof OrderedDimension) {
        const test = parts.base.replace(/^(Numeric|Date)/, "");
        values = items.map((item) => {
            const constant = parts.family === "Date" ? instantDecimal(item) : readDecimal(item);
            if (!constant) throw new OutsideFragment(`${where}: ${JSON.stringify(item)} is not a ${parts.family === "Date" ? "date" : "number"}`);
            return dimension.add(constant, test);
        });
    } else {
        values = items.map((item) => {
            const range = readIpRange(item);
            if (!range) throw new OutsideFragment(`${where}: ${JSON.stringify(item)} is not an IP address or CIDR range`);
            return (dimension as IpDimension).add(range);
        });
    }
    const matched = () => values.reduce((all, cells) => all | cells(), 0n);
    if (parts.negated) return [only(dimension, () => (typed.values() & ~matched()) | typed.absent())];
    return [only(dimension, () => (parts.ifExists ? matched() | typed.absent() : matched()))];
}

/** An alternative restricted to the key's values (a complement taken over strings must not take in "absent" twice). */
function withValuesOnly(alternative: Alternative, dimension: { values(): bigint }): Alternative {
    return alternative.map(([on, cells], i) => (i === 0 ? [on, () => cells() & dimension.values()] : [on, cells]));
}

function instantDecimal(text: string): Decimal | undefined {
    const ms = readInstant(text);
    return ms === undefined ? undefined : { units: BigInt(ms), scale: 0 };
}
