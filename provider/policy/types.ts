/**
 * Plain JSON shapes of the IAM policy grammar, as S3 stores a bucket policy. No Pulumi `Input`s here: see
 * `../types.ts` for the program-facing variants.
 */

/** The principal types of the grammar's `<principal_map_entry>`. */
export type PrincipalType = "AWS" | "Service" | "Federated" | "CanonicalUser";

/** `"*"` (everyone) or principals by type; each type holds one id or a list of ids. */
export type PrincipalValue = "*" | { [T in PrincipalType]?: string | string[] };

/** A condition value: AWS compares them as strings, so `true` and `"true"` are the same value. */
export type ConditionValue = string | number | boolean;

/** Condition operator → condition key → value(s), e.g. `{"StringEquals": {"aws:SourceVpc": "vpc-1"}}`. */
export type ConditionBlock = Record<string, Record<string, ConditionValue | ConditionValue[]>>;

/** One statement. The grammar needs exactly one of each pair Principal/NotPrincipal, Action/NotAction, Resource/NotResource. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: PrincipalValue;
    NotPrincipal?: PrincipalValue;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: ConditionBlock;
}

/**
 * A policy document. `Statement` is required by AWS; it is optional here because {@link parsePolicy} returns a
 * document before `check` validates it.
 */
export interface PolicyDocument {
    Version?: "2012-10-17" | "2008-10-17" | (string & {});
    Id?: string;
    Statement?: PolicyStatement | PolicyStatement[];
}

/** A top-level element that differs between two documents, with its old and new value (absent when missing). */
export interface DocumentChange {
    /** `"Version"`, `"Id"`, or (rarely) another top-level key, `"Statement"` when only its presence differs. */
    field: "Version" | "Id" | (string & {});
    /** The old value: the string itself, or the JSON text of a value that is not a string. */
    old?: string;
    /** The new value, like {@link DocumentChange.old}. */
    new?: string;
}

/** A statement named in a diff: by its Sid, or else by its position in its own document. */
export interface StatementRef {
    /** The Sid, or `Statement[i]` for a statement without one. */
    key: string;
    sid?: string;
    /** Position in the `Statement` list of the document it comes from (0-based; a single object is 0). */
    index: number;
    /** A short description, e.g. `Deny s3:DeleteObject`. */
    summary: string;
}

/** The items of one element that one side has and the other lacks, in the user's spelling. */
export interface ElementChange {
    field: string;
    added: string[];
    removed: string[];
}

/** A statement present on both sides under the same Sid whose content differs. */
export interface StatementChange {
    key: string;
    sid?: string;
    /** The elements that differ, in the grammar's order, e.g. `["Action", "Condition"]`. */
    fields: string[];
    oldIndex: number;
    newIndex: number;
    /** Per element, the items added and removed (for previews). */
    details: ElementChange[];
}

/** The structured difference between two policies, for previews. Empty lists when {@link PolicyDiff.equivalent}. */
export interface PolicyDiff {
    equivalent: boolean;
    document: DocumentChange[];
    added: StatementRef[];
    removed: StatementRef[];
    changed: StatementChange[];
}

/** An Allow statement that makes a policy public (see `analyzePublicAccess`), and why. */
export interface PublicStatement {
    /** The Sid, or `Statement[i]` for a statement without one. */
    key: string;
    sid?: string;
    /** Position in the document's `Statement` list (0-based; a single statement object is 0). */
    index: number;
    /** Why the statement is public: its principal first, then each condition that does not restrict it. */
    reasons: string[];
}

/** Whether a policy is public by AWS's documented rule ("The meaning of 'public'"), statement by statement. */
export interface PublicAccessAnalysis {
    /** True when at least one statement is public. */
    isPublic: boolean;
    /** The public statements, in document order; empty when the policy is not public. */
    statements: PublicStatement[];
}
