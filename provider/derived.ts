/**
 * The outputs derived from the policy as put: its canonical form and whether S3 would call it public. `BucketPolicy`
 * gives them to the program from its `policy` output; state does not keep them (see resource.ts).
 */
import { modelOf } from "./policy/read";
import { canonicalText } from "./policy/texts";
import { publicAccessOf } from "./policy/publicAccess";
import { publicAccessSummary } from "./validate/publicAccess";

/** The outputs derived from `policy` (inputs.ts DERIVED_OUTPUTS). */
export interface DerivedOutputs {
    /** The canonical form: equal for any two policies that mean the same. */
    canonicalPolicy: string;
    /** Whether S3 would call the policy public (`analyzePublicAccess`). */
    isPublic: boolean;
    /** `not public`, or which statements make the policy public and why. */
    publicAccess: string;
}

/**
 * The outputs derived from a policy's text, read once for all three.
 * @throws PolicyParseError when the text is not a policy document (`check` refuses such a text before any put)
 */
export function derivedOutputs(policy: string): DerivedOutputs {
    const model = modelOf(policy);
    const access = publicAccessOf(model);
    return { canonicalPolicy: canonicalText(model), isPublic: access.isPublic, publicAccess: publicAccessSummary(access) };
}
