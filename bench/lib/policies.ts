/**
 * Realistic bucket policies of a chosen size, and texts that mean the same or differ, for the benchmarks.
 *
 * The statements are the kinds production buckets carry: cross-account reads with organisation and network conditions,
 * TLS-only and encryption-required denies, service principals delivering logs with source conditions, prefix-scoped
 * listing. Everything is deterministic (no randomness): the same size gives the same text on every run.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Statement = { [key: string]: Json };

/** A policy document as the generator builds it. */
export interface PolicyDocument {
    Version: string;
    Statement: Statement[];
    [key: string]: Json;
}

const ACCOUNTS = ["111122223333", "444455556666", "777788889999", "123456789012", "210987654321"];

function account(i: number): string {
    return ACCOUNTS[i % ACCOUNTS.length];
}

/** The i-th statement for `bucket`: the kinds rotate, their names, principals and values vary with i. */
export function statementFor(bucket: string, i: number): Statement {
    const arn = `arn:aws:s3:::${bucket}`;
    const team = `team-${String(i).padStart(3, "0")}`;
    switch (i % 6) {
        case 0:
            return {
                Sid: `CrossAccountRead${i}`,
                Effect: "Allow",
                Principal: { AWS: [`arn:aws:iam::${account(i)}:role/${team}-reader`, `arn:aws:iam::${account(i + 1)}:role/${team}-analytics`, account(i + 2)] },
                Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"],
                Resource: [`${arn}/${team}/*`, `${arn}/shared/${team}/*`],
                Condition: {
                    StringEquals: { "aws:PrincipalOrgID": `o-${team}abcd` },
                    IpAddress: { "aws:SourceIp": [`10.${i % 250}.0.0/16`, "192.168.10.0/24"] },
                },
            };
        case 1:
            return {
                Sid: `DenyInsecureTransport${i}`,
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" }, NumericLessThan: { "s3:TlsVersion": "1.2" } },
            };
        case 2:
            return {
                Sid: `LogDelivery${i}`,
                Effect: "Allow",
                Principal: { Service: ["logging.s3.amazonaws.com", "cloudtrail.amazonaws.com"] },
                Action: "s3:PutObject",
                Resource: `${arn}/AWSLogs/${account(i)}/${team}/*`,
                Condition: {
                    StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": [account(i), account(i + 3)] },
                    ArnLike: { "aws:SourceArn": `arn:aws:cloudtrail:eu-west-1:${account(i)}:trail/${team}` },
                },
            };
        case 3:
            return {
                Sid: `RequireKms${i}`,
                Effect: "Deny",
                Principal: { AWS: "*" },
                Action: ["s3:PutObject", "s3:PutObjectAcl"],
                Resource: `${arn}/${team}/*`,
                Condition: {
                    StringNotEquals: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] },
                    StringNotLikeIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:eu-west-1:${account(i)}:key/*` },
                },
            };
        case 4:
            return {
                Sid: `ListOwnPrefix${i}`,
                Effect: "Allow",
                Principal: { AWS: [`arn:aws:iam::${account(i)}:root`, `arn:aws:iam::${account(i + 4)}:user/${team}-ci`] },
                Action: ["s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation"],
                Resource: arn,
                Condition: {
                    StringLike: { "s3:prefix": [`${team}/*`, "shared/*", ""] },
                    "ForAnyValue:StringEquals": { "aws:PrincipalTag/team": [team, "platform"] },
                },
            };
        default:
            return {
                Sid: `TimeBoxedWrite${i}`,
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${account(i)}:role/${team}-writer` },
                Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: [`${arn}/${team}/incoming/*`],
                Condition: { DateLessThan: { "aws:CurrentTime": "2031-12-31T23:59:59Z" }, Bool: { "aws:MultiFactorAuthPresent": true } },
            };
    }
}

/**
 * The largest realistic policy for `bucket` whose compact JSON is at most `maxBytes` (at least one statement).
 * @param maxBytes e.g. 1024, 5 * 1024, 20 * 1024 (S3's limit)
 */
export function policyOfSize(bucket: string, maxBytes: number): PolicyDocument {
    const statements: Statement[] = [statementFor(bucket, 0)];
    for (let i = 1; ; i++) {
        const next = statementFor(bucket, i);
        if (Buffer.byteLength(JSON.stringify({ Version: "2012-10-17", Statement: [...statements, next] })) > maxBytes) break;
        statements.push(next);
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Every object's keys in reverse order, recursively: the same document to a deep-equal (and to AWS). */
export function reversedKeys(value: Json): Json {
    if (Array.isArray(value)) return value.map(reversedKeys);
    if (value !== null && typeof value === "object")
        return Object.fromEntries(
            Object.keys(value)
                .reverse()
                .map((key) => [key, reversedKeys(value[key])]),
        );
    return value;
}

/**
 * The same policy to AWS, written differently: statements and every list in reverse order, actions in upper case,
 * keys reversed. A deep-equal of the parsed documents says "different"; the canonical comparison says "same".
 */
export function rewrittenPolicy(document: PolicyDocument): PolicyDocument {
    const reverseLists = (value: Json, key?: string): Json => {
        if (Array.isArray(value)) return [...value].reverse().map((item) => reverseLists(item, key));
        if (value !== null && typeof value === "object") return Object.fromEntries(Object.keys(value).map((k) => [k, reverseLists(value[k], k)]));
        if (typeof value === "string" && (key === "Action" || key === "NotAction")) return value.toUpperCase();
        return value;
    };
    return reversedKeys(reverseLists(document as unknown as Json)) as unknown as PolicyDocument;
}

/** The same document with one real change: the last statement's first Action gains a neighbour. */
export function changedPolicy(document: PolicyDocument): PolicyDocument {
    const statements = document.Statement.map((s) => ({ ...s }));
    const last = statements[statements.length - 1];
    const actions = Array.isArray(last.Action) ? last.Action : [last.Action];
    last.Action = [...actions, "s3:GetObjectAttributes"];
    return { ...document, Statement: statements };
}

/**
 * A small policy RadosGW 16.2 accepts as it is (its principal parser knows only its own users and `*`), for the
 * benchmarks that put policies to the local server.
 */
export function radosgwPolicy(bucket: string, principalArn: string, actions: string[] = ["s3:GetObject"]): PolicyDocument {
    const arn = `arn:aws:s3:::${bucket}`;
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "ReaderGets", Effect: "Allow", Principal: { AWS: [principalArn] }, Action: actions, Resource: [`${arn}/*`] },
            {
                Sid: "ReaderLists",
                Effect: "Allow",
                Principal: { AWS: [principalArn] },
                Action: ["s3:ListBucket"],
                Resource: [arn],
                Condition: { StringLike: { "s3:prefix": ["shared/*", "reports/*"] } },
            },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/**
 * A policy RadosGW 16.2 accepts, of about `maxBytes` of compact JSON (at least one statement): {@link radosgwPolicy}'s
 * kinds of statement (reads by `principalArn` of one prefix, listing with a prefix condition, a TLS-only deny)
 * repeated over numbered prefixes, for the benchmarks that put many ~1 KB policies to the local server.
 */
export function radosgwPolicyOfSize(bucket: string, principalArn: string, maxBytes: number): PolicyDocument {
    const arn = `arn:aws:s3:::${bucket}`;
    const statementAt = (i: number): Statement => {
        const prefix = `team-${String(i).padStart(3, "0")}`;
        switch (i % 3) {
            case 0:
                return { Sid: `Read${i}`, Effect: "Allow", Principal: { AWS: [principalArn] }, Action: ["s3:GetObject"], Resource: [`${arn}/${prefix}/*`] };
            case 1:
                return {
                    Sid: `List${i}`,
                    Effect: "Allow",
                    Principal: { AWS: [principalArn] },
                    Action: ["s3:ListBucket"],
                    Resource: [arn],
                    Condition: { StringLike: { "s3:prefix": [`${prefix}/*`] } },
                };
            default:
                return {
                    Sid: `DenyInsecureTransport${i}`,
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [`${arn}/${prefix}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                };
        }
    };
    const statements: Statement[] = [statementAt(0)];
    for (let i = 1; ; i++) {
        const next = statementAt(i);
        if (Buffer.byteLength(JSON.stringify({ Version: "2012-10-17", Statement: [...statements, next] })) > maxBytes) break;
        statements.push(next);
    }
    return { Version: "2012-10-17", Statement: statements };
}
