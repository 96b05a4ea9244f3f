/**
 * The pure policy core: parse, canonicalize, compare, diff and format S3 bucket policies, and judge public access.
 * Imports neither the AWS SDK nor Pulumi. Every function is a pass over one model of the policy (model.ts); RULES.md
 * lists the rules and the one function that applies each.
 */
export { PolicyParseError } from "./errors";
export { parsePolicy } from "./parse";
export { canonicalizePolicy, policiesEquivalent } from "./canonical";
export { formatPolicy } from "./format";
export { diffPolicies, describePolicyDiff } from "./diff";
export { analyzePublicAccess } from "./publicAccess";
export type {
    ConditionBlock,
    ConditionValue,
    DocumentChange,
    ElementChange,
    PolicyDiff,
    PolicyDocument,
    PolicyStatement,
    PrincipalType,
    PrincipalValue,
    PublicAccessAnalysis,
    PublicStatement,
    StatementChange,
    StatementRef,
} from "./types";
