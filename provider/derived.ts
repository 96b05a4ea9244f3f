/**
 * The outputs derived from the policy as put: its canonical form and whether S3 would call it public. One function for
 * both places that need them: the provider, which stores them in state, and `BucketPolicy`, which gives them to the
 * program from `policy` when it does not register them (see resource.ts).
 */
import type { BucketPolicyOutputs } from "./inputs";
import { modelOf } from "./policy/read";
import { canonicalText } from "./policy/texts";
import { publicAccessOf } from "./policy/publicAccess";
import { publicAccessSummary } from "./validate/publicAccess";

/** The outputs derived from `policy`. */
export type DerivedOutputs = Required<Pick<BucketPolicyOutputs, "canonicalPolicy" | "isPublic" | "publicAccess">>;

/**
 * The outputs derived from a policy's text, read once for all three.
 * @throws PolicyParseError when the text is not a policy document (`check` refuses such a text before any put)
 */
export function derivedOutputs(policy: string): DerivedOutputs {
    const model = modelOf(policy);
    const access = publicAccessOf(model);
    return { canonicalPolicy: canonicalText(model), isPublic: access.isPublic, publicAccess: publicAccessSummary(access) };
}
