/**
 * The one policy `check` refuses although S3 would accept it: a Deny that locks every caller out of managing the
 * bucket's policy (only the account's root user could then change it). A pass over the policy's model.
 */
import { parseArn } from "../policy/arn";
import { ModelPatterns, ModelStatement, PolicyModel, statementLabel } from "../policy/model";
import { wildcardMatches } from "./patterns";

/** The operations that manage a bucket policy, as the model folds action names. */
const POLICY_OPERATIONS = ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"];
const FOLDED_OPERATIONS = POLICY_OPERATIONS.map((operation) => operation.toLowerCase());

/** True when a Resource pattern matches the bucket's own ARN, the resource of the bucket-policy operations. */
function resourceIsBucketItself(resource: string, bucket: string): boolean {
    if (resource === "*") return true;
    const arn = parseArn(resource);
    return arn !== undefined && arn.service === "s3" && wildcardMatches(resource, `arn:${arn.partition}:s3:::${bucket}`);
}

/** Whether any (readable) pattern of the list matches. */
function anyMatches(patterns: ModelPatterns, matches: (pattern: string) => boolean): boolean {
    const { items } = patterns.list;
    for (let i = 0; i < items.length; i++) if (items[i] !== undefined && matches(items[i] as string)) return true;
    return false;
}

/** The bucket-policy operations a statement's actions cover (`NotAction` covers what it does not list). */
function deniedOperations(actions: ModelPatterns): string[] {
    const denied: string[] = [];
    for (let i = 0; i < FOLDED_OPERATIONS.length; i++) {
        if (anyMatches(actions, (pattern) => wildcardMatches(pattern, FOLDED_OPERATIONS[i])) !== actions.not) denied.push(POLICY_OPERATIONS[i]);
    }
    return denied;
}

function locksOut(statement: ModelStatement, bucket: string | undefined): string[] {
    const { effect, principals, actions, resources } = statement;
    if (effect !== "Deny" || statement.conditions !== undefined || !principals || principals.not || !principals.everyone || !actions) return [];
    const denied = deniedOperations(actions);
    if (denied.length === 0 || bucket === undefined || !resources) return denied;
    return anyMatches(resources, (resource) => resourceIsBucketItself(resource, bucket)) !== resources.not ? denied : [];
}

/**
 * A statement that denies everyone (`"*"`) the bucket-policy operations with no condition locks every caller out of the
 * policy except the account's root user. Returns a description of the first such statement. Actions are matched as
 * IAM matches them (wildcards anywhere, case-insensitive; `NotAction` denies what it does not list), and, when the
 * bucket is known, only statements whose Resource (or NotResource) covers the bucket's own ARN count: a Deny on
 * `arn:aws:s3:::bucket/*` covers objects, never the policy.
 */
export function lockoutRisk(model: PolicyModel, bucket?: string): string | undefined {
    for (const statement of model.statements ?? []) {
        const denied = locksOut(statement, bucket);
        if (denied.length > 0) return `${statementLabel(statement)} denies ${denied.join(", ")} to everyone ("*") without a condition`;
    }
    return undefined;
}
