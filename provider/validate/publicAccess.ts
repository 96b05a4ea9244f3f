/** How `check` and the outputs word what `analyzePublicAccess` found. */
import type { PublicAccessAnalysis, PublicStatement } from "../policy";

function statementText(statement: PublicStatement): string {
    const name = statement.sid !== undefined ? `Statement[${statement.index}] (Sid "${statement.sid}")` : `Statement[${statement.index}]`;
    return `${name}: ${statement.reasons.join("; ")}`;
}

/** The `publicAccess` output: `not public`, or `public: ` and each public statement with its reasons. */
export function publicAccessSummary(analysis: PublicAccessAnalysis): string {
    return analysis.isPublic ? `public: ${analysis.statements.map(statementText).join(" | ")}` : "not public";
}

/** Why `check` refuses a public policy, and how to opt in. */
export function publicPolicyFailure(analysis: PublicAccessAnalysis): string {
    return (
        `policy grants public access as S3 defines it ("The meaning of public"): ${analysis.statements.map(statementText).join(" | ")}. ` +
        `Limit each statement to fixed principals or to fixed values of the condition keys S3 lists (aws:SourceIp, aws:SourceArn, ` +
        `aws:SourceVpce, aws:PrincipalOrgID, …), or set allowPublicAccess: true if the bucket is meant to be public ` +
        `(S3 Block Public Access, BlockPublicPolicy, still refuses it where it is on).`
    );
}

/** The preview's note for a public policy the user allowed. */
export function publicPolicyWarning(bucket: string, analysis: PublicAccessAnalysis): string {
    return (
        `warning: bucket ${bucket}: the policy is public (${analysis.statements.map(statementText).join(" | ")}); ` +
        `allowPublicAccess is set, so it will be applied unless S3 Block Public Access (BlockPublicPolicy) is on for the bucket or the account.`
    );
}
