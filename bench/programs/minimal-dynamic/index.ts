/**
 * The floor any dynamic resource pays: a `pulumi.dynamic.Resource` whose provider has only `create`, returning its
 * inputs as outputs, declared once per entry of the same resources file as the BucketPolicy program, with the same
 * bucket and ~1 KB policy text as plain string inputs. No check, diff, update, read or delete: the host answers check
 * with the inputs as they are, diff with "unknown" (the engine compares old and new inputs itself), read with what is
 * in state, delete with nothing, and update with `__provider` alone as the outputs (the bench's one-change `up`
 * updates one resource of N; an `update` method would add its text to every resource's `__provider`, and so to the
 * floor's state).
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import type { DeclaredResource } from "../declared";

const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: String(inputs.bucket), outs: inputs };
    },
};

class Minimal extends pulumi.dynamic.Resource {
    constructor(name: string, args: { bucket: string; policy: string }) {
        super(provider, name, args, undefined, "bench", "Minimal");
    }
}

const config = new pulumi.Config();
const declared = JSON.parse(fs.readFileSync(config.require("resourcesFile"), "utf8")) as DeclaredResource[];

for (const resource of declared) new Minimal(resource.name, { bucket: resource.bucket, policy: resource.policy });

export const count = declared.length;
