/**
 * Issue 22, item 5: what `analyzeAccessChange` costs on realistic bucket policies of 5, 20 and 50 statements (the
 * generator's kinds: cross-account reads with organisation and network conditions, TLS and encryption denies, service
 * principals with ArnLike source conditions, multi-valued tag conditions, time-boxed writes), for three changes:
 *
 * - widened: one Allow's CIDR widened (/16 → /8) and a new prefix-scoped Allow (answer: granted);
 * - narrowed: one Allow's CIDR narrowed (/16 → /24) and one Deny's condition loosened so it denies more (answer: none,
 *   proved by the full procedure: no statement-identity shortcut applies);
 * - rewritten deny: a Deny's `Bool` made `BoolIfExists` (answer: none).
 *
 * Each call reads both texts fresh (the policy core's models are forgotten first), in CPU time of this process (the
 * machine is shared, wall time would count other processes). The budget: a 50-statement change with a 1 ms budget
 * must answer "possible".
 */
import { distAccess, distForgetModels } from "../lib/dist";
import { statementFor } from "../lib/policies";
import { Goals, fmt } from "../lib/report";
import { Sample, rounded, summarize } from "../lib/stats";

/** Issue 22: analyzeAccessChange of a 20-statement change, milliseconds of CPU (a timing goal: reported only). */
export const MAX_ACCESS_MS_AT_20 = 50;

export const ACCESS_STATEMENTS = [5, 20, 50] as const;
export const ACCESS_CHANGES = ["widened", "narrowed", "rewritten deny"] as const;

export interface AccessFigures {
    /** Milliseconds of CPU per call, by statement count and change, with the verdict it gave. */
    cases: Record<string, Record<string, { ms: Sample; newAccess: string; findings: number }>>;
    /** The slowest change at 20 statements (the goal: ≤ 50 ms). */
    worstAt20Ms: number;
    budget: { budgetMs: number; statements: number; newAccess: string; reasons: string[]; ms: number };
}

type Document = { Version: string; Statement: Array<Record<string, unknown>> };

function policyOf(statements: number): Document {
    return { Version: "2012-10-17", Statement: Array.from({ length: statements }, (_, i) => statementFor("logs", i)) };
}

function changed(before: Document, change: (typeof ACCESS_CHANGES)[number]): Document {
    const after = JSON.parse(JSON.stringify(before)) as Document;
    const condition = (i: number) => after.Statement[i].Condition as Record<string, Record<string, unknown>>;
    if (change === "widened") {
        condition(0).IpAddress["aws:SourceIp"] = ["10.0.0.0/8", "192.168.10.0/24"];
        after.Statement.push({
            Sid: "AllowBobList",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:user/bob" },
            Action: "s3:ListBucket",
            Resource: "arn:aws:s3:::logs",
            Condition: { StringLike: { "s3:prefix": "public/*" } },
        });
    } else if (change === "narrowed") {
        condition(0).IpAddress["aws:SourceIp"] = ["10.0.0.0/24", "192.168.10.0/24"];
        // The TLS deny without its version test denies every plain-HTTP request, not only the old TLS ones.
        after.Statement[1].Condition = { Bool: { "aws:SecureTransport": "false" } };
    } else {
        after.Statement[1].Condition = { BoolIfExists: { "aws:SecureTransport": "false" }, NumericLessThan: { "s3:TlsVersion": "1.2" } };
    }
    return after;
}

function cpuMs(fn: () => void): number {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
}

export function runAccess(rounds: number, log: (line: string) => void): AccessFigures {
    const { analyzeAccessChange } = distAccess();
    const forget = distForgetModels();
    const cases: AccessFigures["cases"] = {};
    for (const statements of ACCESS_STATEMENTS) {
        const before = JSON.stringify(policyOf(statements));
        cases[statements] = {};
        for (const change of ACCESS_CHANGES) {
            const after = JSON.stringify(changed(policyOf(statements), change));
            let result = analyzeAccessChange(before, after, { bucket: "logs" });
            for (let i = 0; i < 3; i++) analyzeAccessChange(before, after, { bucket: "logs" });
            const times: number[] = [];
            for (let i = 0; i < rounds; i++) {
                forget();
                times.push(cpuMs(() => (result = analyzeAccessChange(before, after, { bucket: "logs" }))));
            }
            cases[statements][change] = { ms: rounded(summarize(times)), newAccess: result.newAccess, findings: result.findings.length };
            log(`access ${statements} statements, ${change}: ${result.newAccess}, ${cases[statements][change].ms.median} ms`);
        }
    }
    const before = JSON.stringify(policyOf(50));
    const after = JSON.stringify(changed(policyOf(50), "widened"));
    forget();
    const start = process.hrtime.bigint();
    const budgeted = analyzeAccessChange(before, after, { bucket: "logs", budgetMs: 1 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return {
        cases,
        worstAt20Ms: Math.max(...ACCESS_CHANGES.map((change) => cases[20][change].ms.median)),
        budget: { budgetMs: 1, statements: 50, newAccess: budgeted.newAccess, reasons: budgeted.reasons, ms: Number(ms.toFixed(1)) },
    };
}

export function goals(figures: AccessFigures, smoke: boolean): Goals {
    const budgetAnswers = figures.budget.newAccess === "possible";
    return {
        accessChangeAt20WithinBudget: {
            goal: `analyzeAccessChange of a 20-statement change ≤ ${MAX_ACCESS_MS_AT_20} ms (CPU; the slowest of three changes), and a 1 ms budget answers "possible"`,
            value: `${figures.worstAt20Ms} ms; budget: ${figures.budget.newAccess} in ${figures.budget.ms} ms`,
            met: smoke ? budgetAnswers : figures.worstAt20Ms <= MAX_ACCESS_MS_AT_20 && budgetAnswers,
            enforced: false,
        },
    };
}

export function rows(figures: AccessFigures): string[] {
    const lines = [`analyzeAccessChange, ms of CPU per call (median, fastest–slowest) and verdict  [goal ≤${MAX_ACCESS_MS_AT_20} ms at 20 statements]`];
    for (const [statements, changes] of Object.entries(figures.cases)) {
        const cells = Object.entries(changes).map(([change, c]) => `${change}: ${fmt(c.ms.median)} (${fmt(c.ms.min)}–${fmt(c.ms.max)}) ${c.newAccess}`);
        lines.push(`  ${`${statements} statements`.padEnd(16)}${cells.join("; ")}`);
    }
    lines.push(`  budget ${figures.budget.budgetMs} ms at ${figures.budget.statements} statements: ${figures.budget.newAccess} in ${figures.budget.ms} ms`);
    return lines;
}
