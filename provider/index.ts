/** Public entry of the BucketPolicy package: the resource, its argument and document types, and the pure policy functions. */
export { BucketPolicy } from "./resource";
export type { BucketPolicyArgs } from "./resource";
export type { PolicyDocumentArgs, PolicyStatementArgs, PolicyPrincipalArgs, PolicyConditionArgs, InputValues } from "./types";
export { BucketPolicyProvider } from "./provider";
export type { BucketPolicyInputs, BucketPolicyOutputs, ChecksumAlgorithm } from "./inputs";
export { CHECKSUM_ALGORITHMS } from "./inputs";
export { BucketPolicyError } from "./errors";
export {
    analyzePublicAccess,
    canonicalizePolicy,
    policiesEquivalent,
    diffPolicies,
    describePolicyDiff,
    formatPolicy,
    parsePolicy,
    PolicyParseError,
} from "./policy";
export type { PolicyDocument, PolicyStatement, PolicyDiff, PublicAccessAnalysis, PublicStatement } from "./policy";
export { analyzeAccessChange } from "./access/analyze";
export type { AccessChangeOptions } from "./access/analyze";
export type { AccessChangeAnalysis, AccessFinding, AccessFindingKind, AccessRequest, AccessPrincipal, AccessContext } from "./access/types";
