/** One line per finding: which statement, who, which action, on what, under which condition values. */
import { ModelStatement, statementLabel } from "../policy/model";
import { S3_ACTIONS } from "./space";
import type { AccessFindingKind, AccessRequest } from "./types";

const ACTION_NAMES = new Map(S3_ACTIONS.map((name) => [`s3:${name.toLowerCase()}`, `s3:${name}`]));

/**
 * E.g. `Statement[2] (Sid "AllowBobList") lets arn:aws:iam::111122223333:user/bob s3:ListBucket on arn:aws:s3:::logs
 * when s3:prefix = "public/x"`, or for a Deny that no longer applies `the old policy's Statement[0] (Sid "DenyHttp") no
 * longer denies anyone s3:GetObject on … when aws:SecureTransport = "false"`.
 */
export function describeWitness(
    kind: AccessFindingKind,
    statement: ModelStatement,
    witness: AccessRequest,
    anyone: boolean,
    spellings: Map<string, string>,
): string {
    const who = anyone
        ? `anyone (e.g. ${witness.principal.id})`
        : witness.principal.type === "AWS"
          ? witness.principal.id
          : `${witness.principal.type} ${witness.principal.id}`;
    const what = `${who} ${ACTION_NAMES.get(witness.action) ?? witness.action} on ${witness.resource}`;
    const conditions = Object.entries(witness.context).map(([key, value]) => {
        const name = spellings.get(key) ?? key;
        return value === null
            ? `${name} is absent`
            : `${name} = ${Array.isArray(value) ? `[${value.map((item) => JSON.stringify(item)).join(", ")}]` : JSON.stringify(value)}`;
    });
    const when = conditions.length ? ` when ${conditions.join(" and ")}` : "";
    return kind === "allowed"
        ? `${statementLabel(statement)} lets ${what}${when}`
        : `the old policy's ${statementLabel(statement)} no longer denies ${what}${when}`;
}
