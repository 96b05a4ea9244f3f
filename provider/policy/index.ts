/**
 * The pure policy core: parse, canonicalize, compare, diff and format S3 bucket policies. Imports neither the AWS SDK
 * nor Pulumi; the provider serializes it into state, so it stays small. RULES.md lists the equivalence rules.
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
