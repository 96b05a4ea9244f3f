/** One BucketPolicy of the plugin, from stack config: bucket, policy (JSON text; secret when `secret` is true) and owner. */
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const policy = config.getBoolean("secret") ? config.requireSecret("policy") : config.require("policy");

/** The plugin's resource, declared by its token: what a generated Node.js SDK's class registers. */
class PluginBucketPolicy extends pulumi.CustomResource {
    declare readonly canonicalPolicy: pulumi.Output<string>;
    declare readonly isPublic: pulumi.Output<boolean>;
    constructor(name: string, args: { bucket: string; policy: pulumi.Input<string>; expectedBucketOwner: string }) {
        super("s3-bucket-policy:index:BucketPolicy", name, { ...args, canonicalPolicy: undefined, isPublic: undefined });
    }
}

const bucketPolicy = new PluginBucketPolicy("bucketPolicy", { bucket: config.require("bucket"), policy, expectedBucketOwner: config.require("owner") });
export const canonicalPolicy = bucketPolicy.canonicalPolicy;
export const isPublic = bucketPolicy.isPublic;
