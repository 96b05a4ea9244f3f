/**
 * How `check` words what `analyzeAccessChange` found (issue 22, item 4), and whether `denyNewAccess` lets the change
 * through. Pure: no S3, no Pulumi, no printing; provider.ts prints the lines and returns the failure.
 */
import { createHash } from "crypto";
import type { AccessChangeAnalysis, AccessFinding } from "../access/types";
import { PolicyParseError } from "../policy";
import { modelOf } from "../policy/read";
import { canonicalText } from "../policy/texts";

/** What the change is compared with: the policy the resource had (`update`), or no policy (`create`). */
export type AccessChangeBaseline = "update" | "create";

/** The gate's settings, as `check` resolved them (the input, else the stack config `bucketPolicy:denyNewAccess`). */
export interface AccessChangeGate {
    denyNewAccess: boolean;
    /** Fingerprints of reviewed findings (and of reviewed changes, for a "possible" verdict: {@link changeFingerprint}). */
    acceptNewAccess: readonly string[];
}

/** What `check` does with one analysis: print `lines` (one diagnostic each), or fail on `policy` with `failure`. */
export interface AccessChangeReport {
    lines: string[];
    failure?: string;
}

/** What preview says, under denyNewAccess, of a policy not known yet (it holds another resource's output). */
export const UNKNOWN_POLICY_NOTE =
    "the policy is not known at preview; denyNewAccess will judge it during the update, once it is known and before anything is put";

/**
 * The verdict as a preview may show it for a secret policy (`BucketPolicy` marks one with empty secret derived inputs):
 * the findings keep their statement and fingerprint, and lose who gains what; the reasons are withheld.
 */
export function withheld(analysis: AccessChangeAnalysis): AccessChangeAnalysis {
    const hidden = "details withheld: the policy is secret";
    return {
        newAccess: analysis.newAccess,
        findings: analysis.findings.map((finding) => ({
            ...finding,
            description: `${finding.policy === "before" ? "the old policy's " : ""}Statement[${finding.statementIndex}] (${hidden})`,
        })),
        reasons: analysis.reasons.length > 0 ? [hidden] : [],
    };
}

/** The verdict when the analysis itself could not run (an unreadable old policy, a fault in the analysis). */
export function failedAnalysis(error: unknown): AccessChangeAnalysis {
    return { newAccess: "possible", findings: [], reasons: [`the analysis could not run: ${error instanceof Error ? error.message : String(error)}`] };
}

function canonicalOrText(policy: string): string {
    try {
        return canonicalText(modelOf(policy));
    } catch (error) {
        if (error instanceof PolicyParseError) return policy;
        throw error;
    }
}

/**
 * A short stable id of one change of policy (`change-` and 12 hex digits): the same for any two texts that mean the
 * same, different for any other pair. It lets a reviewed "possible" change through `denyNewAccess` (there is no
 * finding to accept), and only that change: a later edit of either policy gives another id.
 */
export function changeFingerprint(before: string | undefined, after: string): string {
    const hash = createHash("sha256");
    hash.update(before === undefined ? "none" : canonicalOrText(before));
    hash.update("\u0000");
    hash.update(canonicalOrText(after));
    return `change-${hash.digest("hex").slice(0, 12)}`;
}

/** `bucket <name>: ` and, for a create, what the change is compared with. */
function prefix(bucket: string, baseline: AccessChangeBaseline): string {
    return baseline === "create" ? `bucket ${bucket}: new policy, compared with no policy: ` : `bucket ${bucket}: `;
}

/** The preview's lines for a verdict, without the severity word (`info: ` is added by {@link reportAccessChange}). */
export function accessChangeLines(
    bucket: string,
    analysis: AccessChangeAnalysis,
    baseline: AccessChangeBaseline,
    accepted: readonly string[] = [],
    change?: string,
): string[] {
    const start = prefix(bucket, baseline);
    if (analysis.newAccess === "none") return [`${start}no new access`];
    if (analysis.newAccess === "granted" && analysis.findings.length > 0 && baseline === "create") {
        // A new policy grants through every Allow: one line per resource, so a stack of many new policies reads.
        const [first, ...more] = analysis.findings;
        const others = more.length ? `; and ${more.length} more: ${more.map((finding) => `Statement[${finding.statementIndex}]`).join(", ")}` : "";
        return [`${start}this change grants new access: ${first.description}${others}`];
    }
    if (analysis.newAccess === "granted" && analysis.findings.length > 0) {
        return analysis.findings.map(
            (finding) =>
                `${start}this change grants new access: ${finding.description}` +
                (accepted.includes(finding.fingerprint) ? ` (accepted: acceptNewAccess lists ${finding.fingerprint})` : ""),
        );
    }
    const acceptedChange = change !== undefined && accepted.includes(change) ? ` (accepted: acceptNewAccess lists ${change})` : "";
    return [`${start}this change may grant new access (cannot prove it does not): ${reasonsOf(analysis)}${acceptedChange}`];
}

function reasonsOf(analysis: AccessChangeAnalysis): string {
    return analysis.reasons.length > 0 ? analysis.reasons.join("; ") : "no reason given";
}

function findingText(finding: AccessFinding): string {
    return `${finding.fingerprint}: ${finding.description}`;
}

/**
 * Whether `denyNewAccess` refuses the change, and why: the reason first, then each finding with its fingerprint and
 * how to accept it. Undefined when the gate is off, the verdict is "none", or every finding is accepted.
 * @param change the change's own fingerprint ({@link changeFingerprint}); undefined when the policy is not known yet.
 */
export function accessChangeFailure(
    bucket: string,
    analysis: AccessChangeAnalysis,
    baseline: AccessChangeBaseline,
    gate: AccessChangeGate,
    change?: string,
): string | undefined {
    if (!gate.denyNewAccess || analysis.newAccess === "none") return undefined;
    const subject = baseline === "create" ? `this new policy for bucket ${bucket} (compared with no policy)` : `this change of the policy of bucket ${bucket}`;
    if (analysis.newAccess === "granted" && analysis.findings.length > 0) {
        const open = analysis.findings.filter((finding) => !gate.acceptNewAccess.includes(finding.fingerprint));
        if (open.length === 0) return undefined;
        return (
            `${subject} grants new access, and denyNewAccess is set: ${open.map(findingText).join(" | ")}. ` +
            `After review, accept it by adding each fingerprint to acceptNewAccess (acceptNewAccess: ${JSON.stringify(open.map((f) => f.fingerprint))}), ` +
            `or set denyNewAccess: false.`
        );
    }
    if (change !== undefined && gate.acceptNewAccess.includes(change)) return undefined;
    const accept =
        change !== undefined
            ? `After review, accept this exact change by adding its fingerprint to acceptNewAccess (acceptNewAccess: ["${change}"]; any other edit of either policy needs a new review), or set denyNewAccess: false.`
            : `Make the policy known at preview (no outputs of resources that do not exist yet), or set denyNewAccess: false for this deployment.`;
    return `${subject} may grant new access (cannot prove it does not: ${reasonsOf(analysis)}), and denyNewAccess is set. ${accept}`;
}

/**
 * Everything `check` reports for one analysed change: the failure when the gate refuses it, otherwise the lines to
 * print (`info: bucket …`). A refused change prints no line: the failure says it all, once.
 */
export function reportAccessChange(
    bucket: string,
    analysis: AccessChangeAnalysis,
    baseline: AccessChangeBaseline,
    gate: AccessChangeGate,
    change?: string,
): AccessChangeReport {
    const failure = accessChangeFailure(bucket, analysis, baseline, gate, change);
    if (failure !== undefined) return { lines: [], failure };
    return { lines: accessChangeLines(bucket, analysis, baseline, gate.acceptNewAccess, change).map((line) => `info: ${line}`) };
}
