/**
 * Does a policy change grant new access? Proved "none" only when no request is newly allowed (allowed by `after`, not
 * allowed by `before`) and no request that `before` denied explicitly is left undenied by `after`; "granted" only with a
 * request the concrete evaluator confirms; "possible" otherwise. The method, the fragment it decides exactly, and
 * why it is sound: docs/access-changes.md.
 */
import { createHash } from "node:crypto";
import { ModelStatement, PolicyModel, elementNamed, statementLabel } from "../policy/model";
import { modelsEquivalent } from "../policy/equivalent";
import { modelOf } from "../policy/read";
import { statementCanonical } from "../policy/texts";
import { Box, TooManyPieces, intersect, isEmpty, subtractAll } from "./boxes";
import { describeWitness } from "./describe";
import { OutsideEvaluator, evaluatePolicy, statementMatches } from "./evaluate";
import { guessRequest } from "./guess";
import { BudgetExceeded } from "./glob";
import { Budget, OutsideFragment, SideStatement, Space, buildSpace, checkDeadline } from "./space";
import type { AccessChangeAnalysis, AccessContext, AccessFinding, AccessFindingKind, AccessPrincipal, AccessRequest } from "./types";

export interface AccessChangeOptions {
    /** The bucket the policies govern: requests on other resources are outside the question (and witnesses name it). */
    bucket?: string;
    /** Milliseconds after which the analysis stops and answers "possible" (default 2,000). */
    budgetMs?: number;
}

/** Most automaton states and box pieces one analysis may make before it answers "possible". */
const MAX_STATES = 200_000;
const MAX_PIECES = 20_000;
/** Pieces tried per statement for a witness the evaluator confirms. */
const WITNESS_TRIES = 16;

/**
 * Whether `after` grants access that `before` did not (`before` undefined: no policy). Texts or objects, like
 * `policiesEquivalent`.
 *
 * @throws {@link PolicyParseError} when either policy cannot be read
 */
export function analyzeAccessChange(before: string | object | undefined, after: string | object, options: AccessChangeOptions = {}): AccessChangeAnalysis {
    const afterModel = modelOf(after);
    const beforeModel = before === undefined ? undefined : modelOf(before);
    if (beforeModel && modelsEquivalent(beforeModel, afterModel)) return { newAccess: "none", findings: [], reasons: [] };
    if (onlyNarrowsByStatements(beforeModel, afterModel)) return { newAccess: "none", findings: [], reasons: [] };
    if (!beforeModel) {
        const findings = findingsOfNewPolicy(afterModel, options.bucket);
        if (findings) return { newAccess: "granted", findings, reasons: [] };
    }
    const budget: Budget = { deadline: Date.now() + (options.budgetMs ?? 2000), states: MAX_STATES };
    try {
        return decide(beforeModel, afterModel, buildSpace(beforeModel, afterModel, options.bucket, budget), budget);
    } catch (error) {
        if (error instanceof OutsideFragment) return possible(`${error.construct} (outside what the analysis decides exactly)`);
        if (error instanceof BudgetExceeded || error instanceof TooManyPieces) return possible(error.message);
        throw error;
    }
}

/**
 * A new policy (compared with none) grants new access through every Allow that matches any request outside its
 * Denies. When a request guessed from each Allow's own text is confirmed (the policy allows it read narrowest, and
 * the statement itself matches it), every Allow is a finding and no cell need be cut: the common create costs a few
 * evaluations. Undefined when some Allow has no confirmed guess (the full procedure decides then).
 */
function findingsOfNewPolicy(after: PolicyModel, bucket: string | undefined): AccessFinding[] | undefined {
    const statements = after.statements ?? [];
    if (statements.some((statement) => statement.effect === undefined)) return undefined;
    const allows = statements.filter((statement) => statement.effect === "Allow");
    if (allows.length === 0) return undefined;
    const named = new Set<string>();
    const namedIds: string[] = [];
    for (const statement of statements) {
        for (const { type, ids } of statement.principals?.types ?? []) {
            for (const id of ids.items) {
                named.add(`${type}\u0000${id}`);
                if (id !== undefined) namedIds.push(id);
            }
        }
    }
    const isNamed = (principal: AccessPrincipal) => named.has(`${principal.type}\u0000${principal.id}`);
    const version = elementNamed(after.elements, "Version")?.value;
    const spellings = conditionSpellings(undefined, after);
    const findings: AccessFinding[] = [];
    for (const statement of allows) {
        const witness = guessRequest(statement, bucket, namedIds);
        if (!witness) return undefined;
        try {
            if (evaluatePolicy(after, witness, "narrowest") !== "allow" || !statementMatches(statement, witness, false, version)) return undefined;
        } catch (error) {
            if (error instanceof OutsideEvaluator) return undefined;
            throw error;
        }
        findings.push({
            kind: "allowed",
            statementIndex: statement.index,
            ...(statement.sid !== undefined ? { statementId: statement.sid } : {}),
            policy: "after",
            witness,
            description: describeWitness("allowed", statement, witness, !isNamed(witness.principal), spellings),
            fingerprint: fingerprintOf("allowed", statement),
        });
    }
    return findings;
}

function possible(reason: string): AccessChangeAnalysis {
    return { newAccess: "possible", findings: [], reasons: [reason] };
}

/**
 * The syntactic proof: every Allow of `after` is an Allow of `before`, written alike, and every Deny of `before` is
 * a Deny of `after` (same Version, so every statement means the same on both sides). Identity, not "positive" and
 * "negative" statements: a `NotAction` Allow added is no Allow of `before`.
 */
function onlyNarrowsByStatements(before: PolicyModel | undefined, after: PolicyModel): boolean {
    const version = (model: PolicyModel | undefined) => JSON.stringify(model ? (elementNamed(model.elements, "Version")?.value ?? null) : null);
    if (before && version(before) !== version(after)) return false;
    const texts = (model: PolicyModel | undefined, effect: string) =>
        new Set((model?.statements ?? []).filter((statement) => statement.effect === effect).map(statementCanonical));
    if ((after.statements ?? []).some((statement) => statement.effect === undefined)) return false;
    const oldAllows = texts(before, "Allow");
    const newDenies = texts(after, "Deny");
    return [...texts(after, "Allow")].every((text) => oldAllows.has(text)) && [...texts(before, "Deny")].every((text) => newDenies.has(text));
}

function decide(before: PolicyModel | undefined, after: PolicyModel, space: Space, budget: Budget): AccessChangeAnalysis {
    const boxes = (side: "before" | "after", effect: "Allow" | "Deny") =>
        space.statements.filter((statement) => statement.side === side && statement.effect === effect && statement.boxes.length > 0);
    const newDenies = boxes("after", "Deny").flatMap((statement) => statement.boxes);
    const oldAllows = boxes("before", "Allow").flatMap((statement) => statement.boxes);
    const oldDenies = boxes("before", "Deny").flatMap((statement) => statement.boxes);
    const tick = () => checkDeadline(budget);
    const findings: AccessFinding[] = [];
    const reasons: string[] = [];
    const report = (kind: AccessFindingKind, statement: SideStatement, candidates: Box[]) => {
        if (candidates.length === 0) return;
        const finding = confirmedFinding(kind, statement, candidates, before, after, space);
        if (finding) findings.push(finding);
        else
            reasons.push(
                `${statementLabel(statement.statement)}${statement.side === "before" ? " of the old policy" : ""}: it may grant a request no concrete one of which the evaluator confirms (it turns on how AWS reads an ARN pattern, or on a multi-valued condition)`,
            );
    };
    for (const allow of boxes("after", "Allow")) {
        const granted = subtractAll(allow.boxes, newDenies, MAX_PIECES, tick);
        const notAllowedBefore = subtractAll(granted, oldAllows, MAX_PIECES, tick);
        const deniedBefore = notAllowedBefore.length
            ? []
            : granted.flatMap((piece) => oldDenies.map((deny) => intersect(piece, deny))).filter((box) => !isEmpty(box));
        report("allowed", allow, notAllowedBefore.length ? notAllowedBefore : deniedBefore);
    }
    for (const deny of boxes("before", "Deny")) report("undenied", deny, subtractAll(deny.boxes, newDenies, MAX_PIECES, tick));
    if (findings.length) return { newAccess: "granted", findings, reasons };
    if (reasons.length) return { newAccess: "possible", findings, reasons };
    return { newAccess: "none", findings, reasons };
}

/**
 * The first candidate piece whose request the evaluator confirms under every reading: `after` allows it even read
 * narrowest and `before` does not even read widest ("allowed"); `before` denies it even read widest and `after` does
 * not even read narrowest ("undenied").
 */
function confirmedFinding(
    kind: AccessFindingKind,
    statement: SideStatement,
    candidates: Box[],
    before: PolicyModel | undefined,
    after: PolicyModel,
    space: Space,
): AccessFinding | undefined {
    for (const box of candidates.slice(0, WITNESS_TRIES)) {
        const witness = witnessOf(box, space);
        let confirmed: boolean;
        try {
            confirmed =
                kind === "allowed"
                    ? evaluatePolicy(after, witness, "narrowest") === "allow" && (!before || evaluatePolicy(before, witness, "widest") !== "allow")
                    : before !== undefined && evaluatePolicy(before, witness, "widest") === "deny" && evaluatePolicy(after, witness, "narrowest") !== "deny";
        } catch (error) {
            if (error instanceof OutsideEvaluator) continue;
            throw error;
        }
        if (!confirmed) continue;
        const policy = statement.side;
        const { index, sid } = statement.statement;
        return {
            kind,
            statementIndex: index,
            ...(sid !== undefined ? { statementId: sid } : {}),
            policy,
            witness,
            description: describeWitness(kind, statement.statement, witness, space.principal.isOther(witness.principal), conditionSpellings(before, after)),
            fingerprint: fingerprintOf(kind, statement.statement),
        };
    }
    return undefined;
}

/** One request in a box: a value per dimension, a condition key left out when any value (or none) will do. */
function witnessOf(box: Box, space: Space): AccessRequest {
    const [principal, action, resource] = space.dimensions.slice(0, 3).map((dimension, d) => dimension.pick(box[d]));
    const context: AccessContext = {};
    space.dimensions.forEach((dimension, d) => {
        if (d < 3 || dimension.key === undefined || box[d] === dimension.full()) return;
        const coordinate = dimension.pick(box[d]);
        if (coordinate && "value" in coordinate) context[dimension.key] = coordinate.value;
    });
    return {
        principal: (principal as { principal: AccessRequest["principal"] }).principal,
        action: (action as { value: string }).value,
        resource: (resource as { value: string }).value,
        context,
    };
}

/** Each folded condition key as the new policy (else the old) first writes it, for messages. */
function conditionSpellings(before: PolicyModel | undefined, after: PolicyModel): Map<string, string> {
    const spellings = new Map<string, string>();
    for (const model of [after, before]) {
        for (const statement of model?.statements ?? []) {
            for (const { key } of statement.conditions ?? []) if (key && !spellings.has(key.name)) spellings.set(key.name, key.key);
        }
    }
    return spellings;
}

/** A short id of "this statement grants new access this way": its kind and the statement's canonical text. */
function fingerprintOf(kind: AccessFindingKind, statement: ModelStatement): string {
    return createHash("sha256")
        .update(`${kind}\n${statementCanonical(statement)}`)
        .digest("hex")
        .slice(0, 12);
}
