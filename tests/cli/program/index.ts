/**
 * The CLI test tier's Pulumi program, written as a user of the package writes one: it imports `pulumi-s3-bucket-policy`
 * by name (the test fixture links the repository into this folder's node_modules, as `npm install <path>` does).
 * What it declares comes from the JSON file named by the `scenarioFile` config key, so each test writes its scenario
 * and runs the real `pulumi` on it.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { BucketPolicy, BucketPolicyArgs } from "pulumi-s3-bucket-policy";

/** One resource of a scenario. */
export interface ScenarioResource {
    name: string;
    bucket: string;
    /** A document, or its JSON text. */
    policy: unknown;
    /** Pass the policy through `pulumi.secret`. */
    secretPolicy?: boolean;
    expectedBucketOwner?: string;
    adoptExisting?: boolean;
    confirmRemoveSelfBucketAccess?: boolean;
    allowPublicAccess?: boolean;
    /** Old names of this resource (`aliases: [{ name }]`). */
    aliases?: string[];
    deleteBeforeReplace?: boolean;
    /** The `import` resource option (a bucket name). */
    import?: string;
    /** Declare it read-only with `BucketPolicy.get` instead. */
    get?: boolean;
}

/** What a test writes to the scenario file. */
export interface Scenario {
    resources: ScenarioResource[];
}

const config = new pulumi.Config();
const scenario = JSON.parse(fs.readFileSync(config.require("scenarioFile"), "utf8")) as Scenario;
// Empty: no endpoint input, the S3 endpoint comes from the environment (AWS_ENDPOINT_URL_S3).
const endpoint = config.require("endpoint") || undefined;
const connection: Partial<BucketPolicyArgs> = { ...(endpoint ? { endpoint } : {}), retryTimeoutSeconds: 20 };

const declared = scenario.resources.map((resource) => {
    const policy = typeof resource.policy === "string" ? resource.policy : JSON.stringify(resource.policy);
    const args: BucketPolicyArgs = {
        ...connection,
        bucket: resource.bucket,
        policy: resource.secretPolicy ? pulumi.secret(policy) : policy,
        expectedBucketOwner: resource.expectedBucketOwner,
        adoptExisting: resource.adoptExisting,
        confirmRemoveSelfBucketAccess: resource.confirmRemoveSelfBucketAccess,
        allowPublicAccess: resource.allowPublicAccess,
    };
    if (resource.get) return BucketPolicy.get(resource.name, resource.bucket, { endpoint: connection.endpoint });
    return new BucketPolicy(resource.name, args, {
        aliases: resource.aliases?.map((name) => ({ name })),
        deleteBeforeReplace: resource.deleteBeforeReplace,
        import: resource.import,
    });
});

/** Each resource's policy as put, by resource name. */
export const policies = Object.fromEntries(declared.map((resource, index) => [scenario.resources[index].name, resource.policy]));

/** Whether each resource's policy is public, and why, by resource name. */
export const publicAccess = Object.fromEntries(
    declared.map((resource, index) => [scenario.resources[index].name, { isPublic: resource.isPublic, summary: resource.publicAccess }]),
);
