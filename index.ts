/**
 * This repository's own Pulumi program: applies bucket policies from stack configuration, one bucket (bucket +
 * policyFile or inline policy) or a folder of policy files named <bucket>.json, each with its expected owner.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { BucketPolicy, BucketPolicyArgs } from "./provider";

const config = new pulumi.Config();

/** One bucket's desired policy, read from config or a file. */
interface PolicySource {
    bucket: string;
    policy: string;
    origin: string;
}

function fromSingleBucket(): PolicySource[] {
    const bucket = config.get("bucket");
    if (!bucket) return [];
    const file = config.get("policyFile");
    const inline = config.get("policy");
    if (file && inline) throw new Error("config: set either policyFile or policy for the bucket, not both");
    if (!file && !inline) throw new Error(`config: bucket "${bucket}" needs policyFile or policy`);
    return [
        file ? { bucket, policy: fs.readFileSync(path.resolve(file), "utf8"), origin: file } : { bucket, policy: inline as string, origin: "config:policy" },
    ];
}

function fromPolicyDir(): PolicySource[] {
    const dir = config.get("policyDir");
    if (!dir) return [];
    return fs
        .readdirSync(path.resolve(dir))
        .filter((file) => file.endsWith(".json"))
        .sort()
        .map((file) => ({
            bucket: file.slice(0, -".json".length),
            policy: fs.readFileSync(path.join(path.resolve(dir), file), "utf8"),
            origin: path.join(dir, file),
        }));
}

const sources = [...fromSingleBucket(), ...fromPolicyDir()];
if (sources.length === 0) throw new Error("config: set bucket with policyFile/policy, or policyDir (see Pulumi.yaml)");

/**
 * Per-bucket expected owners (`bucketOwners`). `pulumi config set --path` stores an all-digit value without a leading
 * zero as a number (one with a leading zero stays text), so numbers are turned back into their digits; the provider's
 * check then validates each id.
 */
function bucketOwners(): Record<string, string> {
    const owners = config.getObject<Record<string, unknown>>("bucketOwners") ?? {};
    return Object.fromEntries(Object.entries(owners).map(([bucket, owner]) => [bucket, typeof owner === "number" ? String(owner) : (owner as string)]));
}

const owners = bucketOwners();
const connection: Partial<BucketPolicyArgs> = {
    endpoint: config.get("endpoint") || undefined,
    region: config.get("region") || undefined,
    forcePathStyle: config.getBoolean("forcePathStyle") || undefined,
    adoptExisting: config.getBoolean("adoptExisting") || undefined,
    allowPublicAccess: config.getBoolean("allowPublicAccess") || undefined,
};

const policies = sources.map(
    (source) =>
        new BucketPolicy(source.bucket, {
            ...connection,
            bucket: source.bucket,
            policy: source.policy,
            expectedBucketOwner: owners[source.bucket] || config.get("expectedBucketOwner") || undefined,
        }),
);

/** What was applied, per bucket: the policy text as put, where it came from, and whether S3 would call it public. */
export const applied = Object.fromEntries(
    policies.map((policy, index) => [
        sources[index].bucket,
        { origin: sources[index].origin, policy: policy.policy, expectedBucketOwner: policy.expectedBucketOwner, publicAccess: policy.publicAccess },
    ]),
);
