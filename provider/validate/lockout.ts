/**
 * The one policy `check` refuses although S3 would accept it: a Deny that locks every caller out of managing the
 * bucket's policy (only the account's root user could then change it).
 */
import { listOf } from "../policy/rules";
import { statementLabel } from "./grammar";
import { wildcardMatches } from "./patterns";

const POLICY_OPERATIONS = ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"];

/** True when a Resource pattern matches the bucket's own ARN, the resource of the bucket-policy operations. */
function resourceIsBucketItself(resource: string, bucket: string): boolean {
    if (resource === "*") return true;
    const partition = /^arn:([^:]+):s3:::/.exec(resource)?.[1];
    return partition !== undefined && wildcardMatches(resource, `arn:${partition}:s3:::${bucket}`);
}

/**
 * A statement that denies everyone (`"*"`) the bucket-policy operations with no condition locks every caller out of the
 * policy except the account's root user. Returns a description of the first such statement. Actions are matched as
 * IAM matches them (wildcards anywhere, case-insensitive; `NotAction` denies what it does not list), and, when the
 * bucket is known, only statements whose Resource (or NotResource) covers the bucket's own ARN count: a Deny on
 * `arn:aws:s3:::bucket/*` covers objects, never the policy.
 */
export function lockoutRisk(document: Record<string, unknown>, bucket?: string): string | undefined {
    const statements = listOf(document.Statement);
    for (let index = 0; index < statements.length; index++) {
        const statement = statements[index] as Record<string, unknown>;
        if (!statement || typeof statement !== "object" || statement.Effect !== "Deny" || statement.Condition !== undefined) continue;
        const principal = statement.Principal as unknown;
        const everyone =
            principal === "*" || (typeof principal === "object" && principal !== null && listOf((principal as Record<string, unknown>).AWS).includes("*"));
        if (!everyone) continue;
        const listed = (element: string) => listOf(statement[element]).filter((item): item is string => typeof item === "string");
        let denied: string[];
        if (statement.Action !== undefined) denied = POLICY_OPERATIONS.filter((op) => listed("Action").some((pattern) => wildcardMatches(pattern, op, true)));
        else if (statement.NotAction !== undefined)
            denied = POLICY_OPERATIONS.filter((op) => !listed("NotAction").some((pattern) => wildcardMatches(pattern, op, true)));
        else continue;
        if (denied.length === 0) continue;
        if (bucket !== undefined) {
            const coversBucket =
                statement.Resource !== undefined
                    ? listed("Resource").some((resource) => resourceIsBucketItself(resource, bucket))
                    : !listed("NotResource").some((resource) => resourceIsBucketItself(resource, bucket));
            if (!coversBucket) continue;
        }
        return `${statementLabel(index, statement)} denies ${denied.join(", ")} to everyone ("*") without a condition`;
    }
    return undefined;
}
