/**
 * Compile-time tests of the policy document types ({@link PolicyDocumentArgs}). This file is never run: `npm run
 * typecheck` (tsc over `tests/**`) compiles it.
 *
 * - The first half must compile: typed statements holding Outputs (a bucket's `arn`), JSON text from an Output, every
 *   element and principal type.
 * - Each line after a `// @ts-expect-error <token>` directive must be a type error. If the types regress and accept the
 *   mistake, tsc reports "Unused '@ts-expect-error' directive" (TS2578) and `npm run typecheck` fails.
 * - A directive also hides an unrelated error on its line, so `tests/program/types.program.test.ts` compiles this file
 *   with the directives removed and checks that each error is on the expected line and names the `<token>`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BucketPolicyArgs, PolicyDocumentArgs, PolicyStatementArgs } from "../../provider";

declare const bucketArn: pulumi.Output<string>;
declare const bucketName: pulumi.Output<string>;
declare const policyJson: pulumi.Output<string>;
declare const roleArn: pulumi.Output<string>;

// ---- Accepted -------------------------------------------------------------------------------------------------------

export const typedWithOutputs: BucketPolicyArgs = {
    bucket: bucketName,
    expectedBucketOwner: "111122223333",
    policy: {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": false } },
            },
            {
                Effect: "Allow",
                Principal: { AWS: [roleArn, "arn:aws:iam::111122223333:root"], Service: "logging.s3.amazonaws.com" },
                NotAction: ["s3:DeleteObject"],
                Resource: pulumi.interpolate`${bucketArn}/logs/*`,
                Condition: { NumericLessThan: { "s3:max-keys": 10 }, StringEquals: { "aws:SourceAccount": ["111122223333"] } },
            },
        ],
    },
};

export const jsonText: BucketPolicyArgs = { bucket: "logs-bucket", policy: policyJson };

export const singleStatement: PolicyDocumentArgs = {
    Statement: {
        Effect: "Allow",
        NotPrincipal: { CanonicalUser: "79a59df900b949e55d96a1e698fbaced" },
        Action: "s3:GetObject",
        NotResource: "arn:aws:s3:::logs-bucket/private/*",
    },
};

export const statementFromOutput: PolicyDocumentArgs = {
    Statement: [pulumi.output<PolicyStatementArgs>({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::logs-bucket/*" })],
};

// ---- Rejected: each line after a directive is an error naming the token -----------------------------------------------

export const misspeltElement: PolicyStatementArgs = {
    Effect: "Allow",
    Principal: "*",
    // @ts-expect-error Actions
    Actions: "s3:GetObject",
    Resource: "arn:aws:s3:::logs-bucket/*",
};

export const misspeltEffect: PolicyStatementArgs = {
    // @ts-expect-error "Alow"
    Effect: "Alow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::logs-bucket/*",
};

export const misspeltEffectInsideBucketPolicyArgs: BucketPolicyArgs = {
    bucket: "logs-bucket",
    policy: {
        Version: "2012-10-17",
        Statement: [
            {
                // @ts-expect-error "allow"
                Effect: "allow",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: [bucketArn],
            },
        ],
    },
};

export const misspeltElementInsideBucketPolicyArgs: BucketPolicyArgs = {
    bucket: "logs-bucket",
    policy: {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: "*",
                Action: "s3:GetObject",
                // @ts-expect-error Resources
                Resources: [bucketArn],
            },
        ],
    },
};

export const misspeltPrincipalType: PolicyStatementArgs = {
    Effect: "Allow",
    // @ts-expect-error Aws
    Principal: { Aws: "arn:aws:iam::111122223333:root" },
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::logs-bucket/*",
};

export const misspeltVersion: PolicyDocumentArgs = {
    // @ts-expect-error "2012-10-18"
    Version: "2012-10-18",
    Statement: [],
};

export const misspeltStatement: PolicyDocumentArgs = {
    // @ts-expect-error Statements
    Statements: [],
};
