/**
 * The vocabulary of the access-change analysis (docs/access-changes.md): a request, what a policy answers to it, and
 * what `analyzeAccessChange` reports.
 */

/** Who makes a request: a principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) and its id. */
export interface AccessPrincipal {
    type: string;
    /**
     * The id as a policy names it: an AWS account as its 12-digit id (`arn:aws:iam::<id>:root` is the same account),
     * a user or role by its ARN, a service by its name. An AWS account and a role in it are different principals.
     */
    id: string;
}

/**
 * A request's condition context: each key (folded as AWS folds it: the name up to the first `/` in lower case) to its
 * value, a list of values for a multi-valued key (`ForAnyValue:`/`ForAllValues:`), or `null` when the key is absent
 * and its absence matters (a key not listed is absent too).
 */
export type AccessContext = Record<string, string | string[] | null>;

/** One request: a principal doing an action (folded to lower case) on a resource (an ARN) in a context. */
export interface AccessRequest {
    principal: AccessPrincipal;
    action: string;
    resource: string;
    context: AccessContext;
}

/** What one policy answers to a request: an explicit deny, an allow, or neither (the implicit deny). */
export type PolicyDecision = "deny" | "allow" | "none";

/**
 * How ARN patterns are read where AWS's documents disagree (whether a wildcard before the resource part of an ARN
 * crosses `:`, whether `ArnLike` ignores case). `"widest"` reads the policy so that it grants the most: its Allow
 * statements match the most requests and its Deny statements the fewest; `"narrowest"` the reverse. Everything else
 * has one reading.
 */
export type PolicyReading = "widest" | "narrowest";

/** How a change was shown to grant new access: a request now allowed, or a request no longer denied. */
export type AccessFindingKind = "allowed" | "undenied";

/** One new access, with the request that proves it. */
export interface AccessFinding {
    kind: AccessFindingKind;
    /** The statement that grants it in `after` ("allowed"), or the Deny in `before` that no longer applies ("undenied"). */
    statementIndex: number;
    statementId?: string;
    /** Whether the statement is in `after` or in `before`. */
    policy: "after" | "before";
    /** A request the evaluator confirmed: `after` allows it and `before` did not ("allowed"), or `before` denied it and `after` does not ("undenied"). */
    witness: AccessRequest;
    /** One line saying who gains what, e.g. `Statement[2] (Sid "AllowBobList") lets … s3:listbucket on arn:aws:s3:::logs when s3:prefix = "public/x"`. */
    description: string;
    /** A short stable id of the finding (statement and what it lets through), for `acceptNewAccess`. */
    fingerprint: string;
}

/** The verdict of `analyzeAccessChange`. */
export interface AccessChangeAnalysis {
    /**
     * `"none"`: proved that no request is newly allowed or newly undenied; `"granted"`: at least one finding, each with
     * a confirmed witness; `"possible"`: neither could be shown (see `reasons`).
     */
    newAccess: "none" | "granted" | "possible";
    findings: AccessFinding[];
    /** For `"possible"`: what the analysis could not decide, each naming the construct (and the statement when there is one). */
    reasons: string[];
}
