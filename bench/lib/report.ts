/**
 * What every suite gives the report beside its figures: its goals (each with what was measured and whether it was
 * met) and its rows of the table `npm run bench` prints on stderr. bench/run.ts only collects them.
 */
import type { Sample } from "./stats";

/** One goal of the bench. */
export interface Goal {
    goal: string;
    value: number | string | null;
    /** null when not judged (not measured, or smoke rounds too short to judge a timing). */
    met: boolean | null;
    /** Deterministic goals (S3 calls, sizes) fail the run when missed; timing goals are reported only. */
    enforced: boolean;
}

export type Goals = Record<string, Goal>;

/** A figure for the table: 3 significant digits or so. */
export const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** `median (fastest–slowest)` of a sample, with its unit after the median. */
export const spread = (sample: Sample, unit = ""): string => `${fmt(sample.median)}${unit} (${fmt(sample.min)}–${fmt(sample.max)})`;

/** A timing goal's verdict: not judged in smoke mode (rounds of a few milliseconds, or a handful of resources). */
export const timingMet = (smoke: boolean, value: number | null | undefined, max: number): boolean | null =>
    smoke || value === null || value === undefined ? null : value <= max;

/** The goals' lines of the table. */
export function goalRows(goals: Goals): string[] {
    return [
        "Goals:",
        ...Object.entries(goals).map(
            ([name, goal]) => `  ${goal.met === null ? "n/a " : goal.met ? "met " : "MISS"}  ${name}: ${goal.goal}; measured ${JSON.stringify(goal.value)}`,
        ),
    ];
}
