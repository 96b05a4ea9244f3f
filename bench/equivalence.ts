/**
 * Micro-benchmark: canonicalize, compare, format and diff a policy of about 20 KB (S3's limit).
 * Run: node -r ts-node/register/transpile-only bench/equivalence.ts
 */
import { canonicalizePolicy, diffPolicies, formatPolicy, policiesEquivalent } from "../provider/policy";

const MAX_POLICY_BYTES = 20 * 1024;

/** A realistic bucket policy: many statements with several actions, resources, principals and conditions. */
function bigPolicy(reversed: boolean): string {
    const statements = [];
    for (let i = 0; statements.length < 200; i++) {
        const statement = {
            Sid: `Grant${i}`,
            Effect: i % 5 === 0 ? "Deny" : "Allow",
            Principal: { AWS: [`arn:aws:iam::1111222233${String(i % 100).padStart(2, "0")}:role/team-${i}`, "444455556666"] },
            Action: ["s3:GetObject", "s3:PutObject", "s3:ListBucket", `s3:GetObjectVersion${i % 3 ? "" : "Acl"}`],
            Resource: [`arn:aws:s3:::example-bucket/team-${i}/*`, "arn:aws:s3:::example-bucket"],
            Condition: { StringEquals: { "aws:SourceVpc": [`vpc-${i}`, "vpc-shared"] }, Bool: { "aws:SecureTransport": true } },
        };
        const text = JSON.stringify({ Version: "2012-10-17", Statement: [...statements, statement] });
        if (text.length > MAX_POLICY_BYTES) break;
        statements.push(statement);
    }
    const ordered = reversed
        ? statements.reverse().map((s) => ({ ...s, Action: [...s.Action].reverse().map((a) => a.toUpperCase()), Resource: [...s.Resource].reverse() }))
        : statements;
    return JSON.stringify({ Version: "2012-10-17", Statement: ordered });
}

/** Best of 7 rounds (the median is printed too): a shared machine is noisy. */
/** The other extreme: one statement with long lists (about 300 resources and 150 principals). */
function longListPolicy(reversed: boolean): string {
    const resources: string[] = [];
    const principals: string[] = [];
    for (let i = 0; JSON.stringify({ resources, principals }).length < MAX_POLICY_BYTES - 600; i++) {
        resources.push(`arn:aws:s3:::example-bucket/tenants/tenant-${i}/*`);
        if (i % 2 === 0) principals.push(`arn:aws:iam::${String(100000000000 + i * 7919)}:role/reader`);
    }
    const order = <T>(list: T[]) => (reversed ? [...list].reverse() : list);
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Tenants",
                Effect: "Allow",
                Principal: { AWS: order(principals) },
                Action: order(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
                Resource: order(resources),
            },
        ],
    });
}

function measure(label: string, runs: number, fn: () => unknown): void {
    for (let i = 0; i < 200; i++) fn();
    const rounds: number[] = [];
    for (let round = 0; round < 7; round++) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < runs; i++) fn();
        rounds.push(Number(process.hrtime.bigint() - start) / 1000 / runs);
    }
    rounds.sort((x, y) => x - y);
    console.log(`${label.padEnd(52)} best ${rounds[0].toFixed(0).padStart(5)} µs   median ${rounds[3].toFixed(0).padStart(5)} µs`);
}

const a = bigPolicy(false);
const b = bigPolicy(true);
const c = b.replace("vpc-7", "vpc-77");
console.log(`policy sizes: ${a.length} and ${b.length} bytes, ${(JSON.parse(a).Statement as unknown[]).length} statements`);
if (!policiesEquivalent(a, b) || policiesEquivalent(a, c)) throw new Error("benchmark policies are not what they should be");
measure("canonicalizePolicy (text, 20 KB)", 500, () => canonicalizePolicy(a));
measure("policiesEquivalent (two 20 KB texts, equal)", 300, () => policiesEquivalent(a, b));
measure("policiesEquivalent (the same 20 KB text twice)", 500, () => policiesEquivalent(a, a.slice(0)));
measure("policiesEquivalent (two 20 KB texts, one change)", 300, () => policiesEquivalent(a, c));
measure("formatPolicy (20 KB)", 300, () => formatPolicy(b));
measure("diffPolicies (20 KB, one change)", 100, () => diffPolicies(a, c));
const d = longListPolicy(false);
const e = longListPolicy(true);
console.log(`long-list policy: ${d.length} bytes`);
if (!policiesEquivalent(d, e)) throw new Error("long-list policies are not equivalent");
measure("canonicalizePolicy (long lists, 20 KB)", 500, () => canonicalizePolicy(d));
measure("policiesEquivalent (long lists, two 20 KB texts)", 300, () => policiesEquivalent(d, e));
measure("formatPolicy (long lists, 20 KB)", 300, () => formatPolicy(e));
measure("JSON.parse alone (20 KB), for reference", 500, () => JSON.parse(a));
