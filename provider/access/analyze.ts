/** Does a policy change grant new access? (docs/access-changes.md). Work in progress: the decision procedure lands next. */
import type { AccessChangeAnalysis } from "./types";

export interface AccessChangeOptions {
    /** The bucket the policies govern: requests on other resources are ignored. */
    bucket?: string;
    /** Milliseconds after which the analysis stops and answers "possible". */
    budgetMs?: number;
}

/**
 * Whether `after` grants access `before` did not. `before` undefined is "no policy". Texts or objects, like
 * `policiesEquivalent`.
 */
export function analyzeAccessChange(_before: string | object | undefined, _after: string | object, _options: AccessChangeOptions = {}): AccessChangeAnalysis {
    return { newAccess: "possible", findings: [], reasons: ["the analysis is not built yet"] };
}
