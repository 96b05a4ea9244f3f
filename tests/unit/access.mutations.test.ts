/**
 * Mutations of the published policies the project already has (issue 22, item 3): the public-access table
 * (tests/support/publicAccessCases.ts, on the bucket `logs`) and the policies of hashicorp/awspolicyequivalence's cases
 * (tests/vectors/). For each policy inside the analysis's fragment, every widening that applies must not be "none"
 * (where the exhaustive search shows it widens at all), and every narrowing should be proved "none": the share proved
 * is printed, with each narrowing not proved and why.
 */
import { analyzeAccessChange } from "../../provider/access/analyze";
import { evaluatePolicy } from "../../provider/access/evaluate";
import { modelOf } from "../../provider/policy/read";
import { mutations, normalized, searchNewAccess } from "../support/accessCases";
import { PUBLIC_ACCESS_CASES, casePolicy } from "../support/publicAccessCases";
import vectors from "../vectors/awspolicyequivalence.json";

interface Published {
    name: string;
    policy: object;
    bucket: string | undefined;
}

/** The bucket a policy's first S3 ARN names (the analysis's `bucket`), if any. */
function bucketOf(policy: object): string | undefined {
    return /arn:aws:s3:::([a-z0-9.-]+)/.exec(JSON.stringify(policy))?.[1];
}

function published(): Published[] {
    const out: Published[] = PUBLIC_ACCESS_CASES.map((entry) => ({
        name: `public access: ${entry.name}`,
        policy: casePolicy(entry, "logs") as object,
        bucket: "logs",
    }));
    const seen = new Set<string>();
    for (const entry of vectors as Array<{ name: string; policy1: string; policy2: string }>) {
        for (const text of [entry.policy1, entry.policy2]) {
            let policy: unknown;
            try {
                policy = JSON.parse(text);
            } catch {
                continue;
            }
            if (!policy || typeof policy !== "object" || Array.isArray(policy) || seen.has(JSON.stringify(policy))) continue;
            // Bucket policies only: a policy on no S3 bucket (an SQS queue's, an identity policy) grants nothing the question asks about.
            if (bucketOf(policy) === undefined || !normalized(policy).Statement.every((statement) => "Principal" in statement || "NotPrincipal" in statement))
                continue;
            seen.add(JSON.stringify(policy));
            out.push({ name: `awspolicyequivalence: ${entry.name}`, policy, bucket: bucketOf(policy) });
        }
    }
    return out;
}

/** Inside the fragment: the evaluator reads it, and the analysis decides creating it without leaving its fragment. */
function insideFragment({ policy, bucket }: Published): boolean {
    try {
        const statements = normalized(policy).Statement;
        if (statements.length === 0) return false;
        evaluatePolicy(modelOf(policy), { principal: { type: "AWS", id: "*" }, action: "s3:getobject", resource: "arn:aws:s3:::x/y", context: {} });
        return analyzeAccessChange(undefined, policy, { bucket }).newAccess !== "possible";
    } catch {
        return false;
    }
}

describe("mutations of the published policies", () => {
    it("never says none of a widening, and proves the narrowings", () => {
        const all = published();
        const policies = all.filter(insideFragment);
        const outside = all.filter((entry) => !policies.includes(entry)).map((entry) => entry.name);
        let widenings = 0;
        let wideningsNotStrict = 0;
        let narrowings = 0;
        let narrowingsProved = 0;
        const wideningsSaidNone: string[] = [];
        const notProved: string[] = [];
        const notStrict: string[] = [];
        const possibleWidenings: string[] = [];
        const verdicts = { granted: 0, possible: 0 };
        for (const entry of policies) {
            for (const mutation of mutations(entry.policy, entry.bucket ?? "logs")) {
                const result = analyzeAccessChange(entry.policy, mutation.policy, { bucket: entry.bucket });
                const label = `${entry.name}: ${mutation.name}`;
                if (mutation.kind === "narrowing") {
                    narrowings++;
                    if (result.newAccess === "none") narrowingsProved++;
                    else notProved.push(`${label}: ${result.newAccess} (${[...result.reasons, ...result.findings.map((f) => f.description)].join("; ")})`);
                    continue;
                }
                widenings++;
                if (result.newAccess !== "none") {
                    verdicts[result.newAccess]++;
                    if (result.newAccess === "possible") possibleWidenings.push(`${label}: ${result.reasons.join("; ")}`);
                    continue;
                }
                // A "none" of a widening is a lie unless the mutation widens nothing in this policy (say, an Allow
                // added that an unconditional Deny covers): the exhaustive search decides which.
                const search = searchNewAccess(entry.policy, mutation.policy, { bucket: entry.bucket, first: true });
                if (search.found.length || search.sampled)
                    wideningsSaidNone.push(`${label}: ${JSON.stringify(search.found[0]?.request ?? "sampled universe")}`);
                else {
                    wideningsNotStrict++;
                    notStrict.push(label);
                }
            }
        }
        console.log(
            [
                `${all.length} published policies, ${policies.length} inside the fragment (outside: ${outside.join(", ") || "none"})`,
                `widenings: ${widenings}, never none where they widen (granted ${verdicts.granted}, possible ${verdicts.possible}); ${wideningsNotStrict} widen nothing in their policy: ${notStrict.join("; ") || "-"}`,
                `narrowings: ${narrowings}, proved none: ${narrowingsProved} (${((100 * narrowingsProved) / narrowings).toFixed(1)}%)`,
                ...possibleWidenings.map((line) => `widening answered possible: ${line}`),
                ...notProved.map((line) => `narrowing not proved: ${line}`),
            ].join("\n"),
        );
        expect(policies.length).toBeGreaterThanOrEqual(45);
        expect(wideningsSaidNone).toEqual([]);
        expect(wideningsNotStrict).toBeLessThanOrEqual(widenings * 0.1);
        expect(notProved).toEqual([]);
    });
});
