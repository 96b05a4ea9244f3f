/**
 * The benchmarks' BucketPolicy program: one `BucketPolicy` per entry of the resources file (config `resourcesFile`),
 * on the S3 endpoint the environment names (AWS_ENDPOINT_URL_S3), or config `endpoint` when set. It imports
 * `pulumi-s3-bucket-policy` by name, as a user's program does (the bench links the repository into this folder's
 * node_modules).
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { BucketPolicy } from "pulumi-s3-bucket-policy";
import type { DeclaredResource } from "../declared";

const config = new pulumi.Config();
const declared = JSON.parse(fs.readFileSync(config.require("resourcesFile"), "utf8")) as DeclaredResource[];
// Unset in the bench: the S3 endpoint comes from the environment (AWS_ENDPOINT_URL_S3), as an AWS user's program names
// none, so the resources register what theirs do.
const endpoint = config.get("endpoint");

for (const resource of declared) {
    new BucketPolicy(resource.name, { bucket: resource.bucket, policy: resource.policy, ...(endpoint === undefined ? {} : { endpoint }) });
}

export const count = declared.length;
