/**
 * The benchmarks' provider-plugin program: one `s3-bucket-policy:index:BucketPolicy` of the plugin (Pulumi.yaml names
 * its folder) per entry of the resources file (config `resourcesFile`), with the same inputs as the BucketPolicy
 * program: no `endpoint` unless config `endpoint` is set (the bench names the S3 endpoint in AWS_ENDPOINT_URL_S3). It
 * declares the resource by its token with `pulumi.CustomResource`, as tests/cli/languages/nodejs does: the two inputs
 * it sets, and the three derived outputs as properties to read back (5 registered properties). A class generated from the schema (scripts/package-add.sh)
 * registers all 17 of its properties, those not set as `undefined`: that path is not measured here.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import type { DeclaredResource } from "../declared";

class PluginBucketPolicy extends pulumi.CustomResource {
    declare readonly canonicalPolicy: pulumi.Output<string>;
    declare readonly isPublic: pulumi.Output<boolean>;
    declare readonly publicAccess: pulumi.Output<unknown>;
    constructor(name: string, args: { bucket: string; policy: string; endpoint?: string }) {
        super("s3-bucket-policy:index:BucketPolicy", name, { ...args, canonicalPolicy: undefined, isPublic: undefined, publicAccess: undefined });
    }
}

const config = new pulumi.Config();
const declared = JSON.parse(fs.readFileSync(config.require("resourcesFile"), "utf8")) as DeclaredResource[];
const endpoint = config.get("endpoint");

for (const resource of declared) {
    new PluginBucketPolicy(resource.name, { bucket: resource.bucket, policy: resource.policy, ...(endpoint === undefined ? {} : { endpoint }) });
}

export const count = declared.length;
