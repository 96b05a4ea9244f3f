/**
 * What the provider relies on S3 to do, what AWS does (from the PutBucketPolicy reference and the S3 documentation),
 * and what each local server does. `tests/s3/compatibility.s3.test.ts` observes every row on RadosGW and on LocalStack
 * and fails when a server's answer is not the one written here; docs/servers.md's compatibility table is rendered from these
 * rows (`tests/unit/readme.test.ts` checks it is up to date: `npx ts-node tests/support/compatibility.ts` prints it).
 */
import {
    DeleteBucketPolicyCommand,
    GetBucketPolicyCommand,
    GetBucketPolicyStatusCommand,
    GetObjectCommand,
    PutBucketPolicyCommand,
    PutObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { LocalS3Env, LocalS3ServerKind, s3ClientFor, uniqueBucketName } from "./localS3";
import { replaceHeaderBeforeSigning } from "./tamper";

/** One server, its two accounts' clients, and fresh buckets of alice's. */
export interface CompatibilityWorld {
    env: LocalS3Env;
    alice: S3Client;
    bob: S3Client;
    /** An empty bucket of alice's, made for this row. */
    newBucket(): Promise<string>;
    /** alice's account id where the server has accounts; a well-formed id it does not know otherwise. */
    aliceAccount: string;
    /** An account that does not own alice's buckets. */
    otherAccount: string;
}

export interface CompatibilityRow {
    id: string;
    /** What the provider relies on, as a request. */
    behaviour: string;
    /** AWS's answer, and where it is documented. */
    aws: string;
    /** The answer observed on each server (an outcome of {@link outcomeOf}, or several joined with "; "). */
    radosgw: string;
    localstack: string;
    /** How the provider copes where a server (or AWS) differs from what it would like. */
    copes: string;
    observe(world: CompatibilityWorld): Promise<string>;
}

/** `"204"`, `"200"`, or `"<status> <error code>"` for a call. */
export async function outcomeOf(call: Promise<{ $metadata: { httpStatusCode?: number } }>): Promise<string> {
    try {
        return String((await call).$metadata.httpStatusCode);
    } catch (error) {
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        return `${e.$metadata?.httpStatusCode ?? "no status"} ${e.name}`;
    }
}

/** Several outcomes labelled, or one when they are all the same: `"403 AccessDenied (Get, Put, Delete)"`. */
function summarize(outcomes: Array<[string, string]>): string {
    const distinct = [...new Set(outcomes.map(([, outcome]) => outcome))];
    if (distinct.length === 1) return `${distinct[0]} (${outcomes.map(([label]) => label).join(", ")})`;
    return outcomes.map(([label, outcome]) => `${label} ${outcome}`).join("; ");
}

const policyFor = (bucket: string, statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const readsObjects = (bucket: string, principal: string) =>
    policyFor(bucket, { Effect: "Allow", Principal: { AWS: principal }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` });
const managesPolicy = (bucket: string, principal: string) =>
    policyFor(bucket, {
        Effect: "Allow",
        Principal: { AWS: principal },
        Action: ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
        Resource: `arn:aws:s3:::${bucket}`,
    });

/** The three bucket-policy calls with the same extra parameters, labelled Get, Put, Delete (Delete last: it removes). */
async function threeCalls(client: S3Client, bucket: string, policy: string, extra: { ExpectedBucketOwner?: string } = {}): Promise<Array<[string, string]>> {
    return [
        ["Get", await outcomeOf(client.send(new GetBucketPolicyCommand({ Bucket: bucket, ...extra })))],
        ["Put", await outcomeOf(client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy, ...extra })))],
        ["Delete", await outcomeOf(client.send(new DeleteBucketPolicyCommand({ Bucket: bucket, ...extra })))],
    ];
}

export const COMPATIBILITY: CompatibilityRow[] = [
    {
        id: "round-trip",
        behaviour: "PutBucketPolicy, then GetBucketPolicy: is the text read back the text put?",
        aws: "204, then 200 with the document as S3 keeps it, which need not be the text put (whitespace, order)",
        radosgw: "204; 200 same text",
        localstack: "204; 200 same text",
        copes: "Never compares text: the live document is compared with the declared one by meaning (canonical form).",
        async observe({ alice, newBucket, env }) {
            const bucket = await newBucket();
            const text = `{ "Statement": [ { "Resource": "arn:aws:s3:::${bucket}/*", "Action": "s3:GetObject",\n  "Principal": { "AWS": "${env.users.bob.principalArn}" }, "Effect": "Allow" } ],\n "Version": "2012-10-17" }`;
            const put = await outcomeOf(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text })));
            const got = await alice.send(new GetBucketPolicyCommand({ Bucket: bucket }));
            return `${put}; ${got.$metadata.httpStatusCode} ${got.Policy === text ? "same text" : "other text"}`;
        },
    },
    {
        id: "no-policy",
        behaviour: "GetBucketPolicy and DeleteBucketPolicy on a bucket without a policy",
        aws: "Get 404 NoSuchBucketPolicy; Delete 204 (API reference, Get/DeleteBucketPolicy)",
        radosgw: "Get 404 NoSuchBucketPolicy; Delete 200",
        localstack: "Get 404 NoSuchBucketPolicy; Delete 204",
        copes: 'Read as "no policy" (refresh drops the resource); a delete of a missing policy is success, whatever the 2xx.',
        async observe({ alice, newBucket }) {
            const bucket = await newBucket();
            return summarize([
                ["Get", await outcomeOf(alice.send(new GetBucketPolicyCommand({ Bucket: bucket })))],
                ["Delete", await outcomeOf(alice.send(new DeleteBucketPolicyCommand({ Bucket: bucket })))],
            ]);
        },
    },
    {
        id: "no-bucket",
        behaviour: "The three calls on a bucket that does not exist",
        aws: "404 NoSuchBucket",
        radosgw: "404 NoSuchBucket (Get, Put, Delete)",
        localstack: "404 NoSuchBucket (Get, Put, Delete)",
        copes: "Get and Delete: no policy. Put: retried for a while (a new bucket can take a moment to be seen), then an error naming the bucket.",
        async observe({ alice }) {
            const bucket = uniqueBucketName("compat-missing");
            return summarize(await threeCalls(alice, bucket, readsObjects(bucket, "*")));
        },
    },
    {
        id: "legacy-name",
        behaviour: "GetBucketPolicy and PutBucketPolicy on `Legacy_Bucket_Name` (capitals and underscores: a legacy us-east-1 name), which does not exist",
        aws: "404 NoSuchBucket: such names are served for buckets created before March 2018, and can no longer be created",
        radosgw: "404 NoSuchBucket (Get, Put)",
        localstack: "404 NoSuchBucket (Get, Put)",
        copes: "check accepts letters, digits, `.`, `-`, `_` up to 255 characters and leaves the rest to S3; an InvalidBucketName answer says what AWS accepts today.",
        async observe({ alice }) {
            const bucket = "Legacy_Bucket_Name";
            return summarize([
                ["Get", await outcomeOf(alice.send(new GetBucketPolicyCommand({ Bucket: bucket })))],
                ["Put", await outcomeOf(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: readsObjects(bucket, "*") })))],
            ]);
        },
    },
    {
        id: "owner-match",
        behaviour: "The three calls with x-amz-expected-bucket-owner = the bucket owner's account",
        aws: "As without the header",
        radosgw: "Get 404 NoSuchBucketPolicy; Put 204; Delete 200",
        localstack: "Get 404 NoSuchBucketPolicy; Put 204; Delete 204",
        copes: "Sends the header on every call when expectedBucketOwner is set.",
        async observe({ alice, newBucket, aliceAccount, env }) {
            const bucket = await newBucket();
            return summarize(await threeCalls(alice, bucket, readsObjects(bucket, env.users.bob.principalArn), { ExpectedBucketOwner: aliceAccount }));
        },
    },
    {
        id: "owner-mismatch",
        behaviour: "The three calls with x-amz-expected-bucket-owner = another account",
        aws: "403 AccessDenied (PutBucketPolicy reference: ExpectedBucketOwner)",
        radosgw: "Get 404 NoSuchBucketPolicy; Put 204; Delete 200",
        localstack: "403 AccessDenied (Get, Put, Delete)",
        copes: "On AWS and LocalStack the call is refused and the error says the bucket belongs to another account. RadosGW ignores the header: there the check is not made (tested on LocalStack).",
        async observe({ alice, newBucket, otherAccount, env }) {
            const bucket = await newBucket();
            return summarize(await threeCalls(alice, bucket, readsObjects(bucket, env.users.bob.principalArn), { ExpectedBucketOwner: otherAccount }));
        },
    },
    {
        id: "owner-malformed",
        behaviour: "GetBucketPolicy with x-amz-expected-bucket-owner = `alice` (not an account id)",
        aws: "400 InvalidBucketOwnerAWSAccountID",
        radosgw: "404 NoSuchBucketPolicy",
        localstack: "400 InvalidBucketOwnerAWSAccountID",
        copes: "check refuses an expectedBucketOwner that is not 12 digits, before any call.",
        async observe({ alice, newBucket }) {
            const bucket = await newBucket();
            return outcomeOf(alice.send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: "alice" })));
        },
    },
    {
        id: "not-json",
        behaviour: "PutBucketPolicy with a document that is not JSON",
        aws: "400 MalformedPolicy",
        radosgw: "400 InvalidArgument",
        localstack: "400 MalformedPolicy",
        copes: "check refuses it before any call; MalformedPolicy and InvalidArgument are both reported as a refused document, never retried.",
        async observe({ alice, newBucket }) {
            const bucket = await newBucket();
            return outcomeOf(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: "{not json" })));
        },
    },
    {
        id: "empty-document",
        behaviour: "PutBucketPolicy with an empty document",
        aws: "400 MalformedPolicy",
        radosgw: "400 InvalidArgument",
        localstack: "400 MalformedPolicy",
        copes: "check refuses an empty policy before any call.",
        async observe({ alice, newBucket }) {
            const bucket = await newBucket();
            return outcomeOf(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: "" })));
        },
    },
    {
        id: "no-statement",
        behaviour: "PutBucketPolicy with `{}`",
        aws: "400 MalformedPolicy (Missing required field Statement)",
        radosgw: "204",
        localstack: "400 MalformedPolicy",
        copes: "check refuses a document without Statement before any call, so RadosGW never stores one.",
        async observe({ alice, newBucket }) {
            const bucket = await newBucket();
            return outcomeOf(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: "{}" })));
        },
    },
    {
        id: "wrong-checksum",
        behaviour: "PutBucketPolicy whose `x-amz-checksum-crc32` does not match the document (signed as sent)",
        aws: '400 BadDigest (checksums are verified: S3 User Guide, "Checking object integrity")',
        radosgw: "204",
        localstack: "204",
        copes: "The SDK computes the checksum of the exact text put (checksumAlgorithm, CRC32 when unset); tests/s3/checksums.s3.test.ts checks each algorithm's header on the wire.",
        async observe({ env, newBucket }) {
            const bucket = await newBucket();
            const client = s3ClientFor(env, "alice");
            replaceHeaderBeforeSigning(client, "x-amz-checksum-crc32", "AAAAAA==");
            return outcomeOf(client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: readsObjects(bucket, env.users.bob.principalArn) })));
        },
    },
    {
        id: "unknown-action",
        behaviour: "PutBucketPolicy granting an action S3 does not have (`s3:FooBar`)",
        aws: "400 MalformedPolicy (Policy has invalid action)",
        radosgw: "400 InvalidArgument",
        localstack: "204",
        copes: "Not checked by the provider (S3 adds actions); S3's refusal is reported with its code and message, not retried.",
        async observe({ alice, newBucket }) {
            const bucket = await newBucket();
            const policy = policyFor(bucket, { Effect: "Allow", Principal: "*", Action: "s3:FooBar", Resource: `arn:aws:s3:::${bucket}/*` });
            return outcomeOf(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy })));
        },
    },
    {
        id: "unknown-principal",
        behaviour: "PutBucketPolicy naming a principal that does not exist",
        aws: "400 MalformedPolicy (Invalid principal in policy)",
        radosgw: "204",
        localstack: "204",
        copes: "Retried for a while (a new IAM principal takes time to be seen), then reported.",
        async observe({ alice, newBucket }) {
            const bucket = await newBucket();
            return outcomeOf(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: readsObjects(bucket, "arn:aws:iam::999999999999:user/nobody") })));
        },
    },
    {
        id: "other-account-granted",
        behaviour: "Another account's Get/Put/DeleteBucketPolicy, granted by the bucket policy",
        aws: "405 MethodNotAllowed: only the owner's account may (PutBucketPolicy reference)",
        radosgw: "Get 200; Put 204; Delete 200",
        localstack: "Get 200; Put 204; Delete 204",
        copes: '405 is reported as "only the bucket owner\'s account may manage its policy" (fault proxy stands in for it).',
        async observe({ alice, bob, newBucket, env }) {
            const bucket = await newBucket();
            const grant = managesPolicy(bucket, env.users.bob.principalArn);
            await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: grant }));
            return summarize(await threeCalls(bob, bucket, grant));
        },
    },
    {
        id: "other-account-denied",
        behaviour: "Another account's GetBucketPolicy, not granted",
        aws: "403 AccessDenied",
        radosgw: "403 AccessDenied",
        localstack: "200",
        copes: "403 is reported as a missing permission, naming the operation.",
        async observe({ alice, bob, newBucket }) {
            const bucket = await newBucket();
            await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: readsObjects(bucket, "arn:aws:iam::999999999999:root") }));
            return outcomeOf(bob.send(new GetBucketPolicyCommand({ Bucket: bucket })));
        },
    },
    {
        id: "enforcement",
        behaviour: "The policy decides: GetObject by the other account, granted, then not granted",
        aws: "200, then 403 AccessDenied",
        radosgw: "granted 200; not granted 403 AccessDenied",
        localstack: "200 (granted, not granted)",
        copes: "Nothing to cope with; the lifecycle tests prove enforcement on RadosGW.",
        async observe({ alice, bob, newBucket, env }) {
            const bucket = await newBucket();
            await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
            await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: readsObjects(bucket, env.users.bob.principalArn) }));
            const granted = await outcomeOf(bob.send(new GetObjectCommand({ Bucket: bucket, Key: "k" })));
            await alice.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
            const denied = await outcomeOf(bob.send(new GetObjectCommand({ Bucket: bucket, Key: "k" })));
            return summarize([
                ["granted", granted],
                ["not granted", denied],
            ]);
        },
    },
    {
        id: "bad-signature",
        behaviour: "GetBucketPolicy signed with a wrong secret key",
        aws: "403 SignatureDoesNotMatch",
        radosgw: "403 SignatureDoesNotMatch",
        localstack: "404 NoSuchBucketPolicy",
        copes: "Reported as wrong credentials (never retried); the secret never appears in the message.",
        async observe({ env, newBucket }) {
            const bucket = await newBucket();
            const impostor = s3ClientFor(env, "alice", { credentials: { accessKeyId: env.users.alice.accessKeyId, secretAccessKey: "not-the-secret" } });
            return outcomeOf(impostor.send(new GetBucketPolicyCommand({ Bucket: bucket })));
        },
    },
    {
        id: "policy-status",
        behaviour: 'GetBucketPolicyStatus (is the policy public?) for a policy granting s3:GetObject to `{"AWS": "*"}`',
        aws: '200 IsPublic true (S3 User Guide, "The meaning of public")',
        radosgw: "200 IsPublic true",
        localstack: "501 InternalFailure (not implemented)",
        copes: "Not called by the provider today.",
        async observe({ alice, newBucket }) {
            const bucket = await newBucket();
            await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: readsObjects(bucket, "*") }));
            try {
                const status = await alice.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }));
                return `${status.$metadata.httpStatusCode} IsPublic ${status.PolicyStatus?.IsPublic}`;
            } catch (error) {
                const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
                const notImplemented = e.$metadata?.httpStatusCode === 501 ? " (not implemented)" : "";
                return `${e.$metadata?.httpStatusCode} ${e.name}${notImplemented}`;
            }
        },
    },
];

const SERVER_NAMES: Record<LocalS3ServerKind, string> = { radosgw: "RadosGW 16.2", localstack: "LocalStack 2026.3.0" };

/** The docs/servers.md table: one row per behaviour, AWS first, then the two servers, then how the provider copes. */
export function renderCompatibilityTable(rows: readonly CompatibilityRow[] = COMPATIBILITY): string {
    const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
    const lines = [
        `| Behaviour | AWS (documented) | ${SERVER_NAMES.radosgw} (observed) | ${SERVER_NAMES.localstack} (observed) | How the provider copes |`,
        "| --- | --- | --- | --- | --- |",
        ...rows.map((row) => `| ${[row.behaviour, row.aws, row.radosgw, row.localstack, row.copes].map(cell).join(" | ")} |`),
    ];
    return lines.join("\n");
}

if (require.main === module) process.stdout.write(`${renderCompatibilityTable()}\n`);
