/**
 * Metamorphic test of analyzeAccessChange (issue 22, item 3): rewriting a policy without changing its meaning
 * (statements reordered, one statement per action, scalar↔list, condition key case, `"*"`↔`{"AWS":"*"}`) never
 * changes the verdict, nor, for "granted", the set of finding kinds.
 */
import { analyzeAccessChange } from "../../provider/access/analyze";
import type { AccessChangeAnalysis } from "../../provider/access/types";
import { BUCKET, Policy, REWRITES, randomMutation, randomPolicy, seededRandom } from "../support/accessCases";

const PAIRS = 250;

const verdict = (result: AccessChangeAnalysis) =>
    result.newAccess === "granted" ? `granted (${[...new Set(result.findings.map((finding) => finding.kind))].sort().join(", ")})` : result.newAccess;

describe("rewrites that keep a policy's meaning", () => {
    it.each(REWRITES.map((rewrite) => [rewrite.name, rewrite] as const))("%s never changes the verdict", (_name, rewrite) => {
        const random = seededRandom(4242);
        const changed: string[] = [];
        const seen: Record<string, number> = {};
        for (let i = 0; i < PAIRS; i++) {
            const before = randomPolicy(random);
            const after: Policy = (i % 2 ? randomMutation(random, before)?.policy : undefined) ?? randomPolicy(random);
            const expected = verdict(analyzeAccessChange(before, after, { bucket: BUCKET }));
            seen[expected] = (seen[expected] ?? 0) + 1;
            // The rewrite on either side, and on both.
            for (const [b, a, where] of [
                [rewrite.apply(before), after, "before"],
                [before, rewrite.apply(after), "after"],
                [rewrite.apply(before), rewrite.apply(after), "both"],
            ] as const) {
                const got = verdict(analyzeAccessChange(b, a, { bucket: BUCKET }));
                if (got !== expected) changed.push(`#${i} rewritten ${where}: ${expected} → ${got}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
            }
        }
        expect(changed).toEqual([]);
        // The pairs reach every verdict that matters.
        expect(Object.keys(seen).some((key) => key.startsWith("granted"))).toBe(true);
        expect(seen.none).toBeGreaterThan(PAIRS / 10);
    });
});
