/**
 * Policy document types for Pulumi programs: the IAM policy grammar, with a Pulumi `Input` allowed wherever a string
 * goes (for example a bucket's `arn` output), so a misspelt element or `Effect` is a compile error.
 */
import type * as pulumi from "@pulumi/pulumi";

/** One value or a list of values, each possibly an Output. */
export type InputValues<T> = pulumi.Input<T> | pulumi.Input<Array<pulumi.Input<T>>>;

/** `"*"` (everyone) or principals by type. */
export type PolicyPrincipalArgs =
    | "*"
    | {
          AWS?: InputValues<string>;
          Service?: InputValues<string>;
          Federated?: InputValues<string>;
          CanonicalUser?: InputValues<string>;
      };

/** Condition operator → condition key → value(s). Values are compared as strings by AWS. */
export type PolicyConditionArgs = Record<string, Record<string, InputValues<string | number | boolean>>>;

/** One statement of a bucket policy. */
export interface PolicyStatementArgs {
    Sid?: pulumi.Input<string>;
    Effect: pulumi.Input<"Allow" | "Deny">;
    Principal?: pulumi.Input<PolicyPrincipalArgs>;
    NotPrincipal?: pulumi.Input<PolicyPrincipalArgs>;
    Action?: InputValues<string>;
    NotAction?: InputValues<string>;
    Resource?: InputValues<string>;
    NotResource?: InputValues<string>;
    Condition?: pulumi.Input<PolicyConditionArgs>;
}

/** A bucket policy document. */
export interface PolicyDocumentArgs {
    Version?: pulumi.Input<"2012-10-17" | "2008-10-17">;
    Id?: pulumi.Input<string>;
    Statement: pulumi.Input<PolicyStatementArgs> | pulumi.Input<Array<pulumi.Input<PolicyStatementArgs>>>;
}
