/* global setInterval, clearInterval */
/**
 * Runs in a fresh Node process (plain JavaScript, no ts-node: nothing is preloaded that a JavaScript program would not
 * load) and prints one JSON line about the provider handle (`__provider`).
 *
 * Usage: node bench/lib/handleChild.js register|load
 * - register: require @pulumi/pulumi, then a BucketPolicy registered under setMocks (the path a program takes), timed
 *             until the monitor receives its inputs; the handle is read from inputs.__provider;
 * - load:     what the dynamic-provider host does once per process: the handle's text evaluated as a module
 *             (require-from-string) and its handler() called, in this repository (the program directory).
 */
"use strict";
const path = require("path");

const repoDir = path.resolve(__dirname, "../..");
const mode = process.argv[2] || "register";
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function registerUnderMocks(pulumi) {
    let resolveInputs;
    const registered = new Promise((resolve) => (resolveInputs = resolve));
    pulumi.runtime.setMocks(
        {
            newResource: async (args) => {
                resolveInputs(args.inputs);
                return { id: undefined, state: args.inputs };
            },
            call: async (args) => args.inputs,
        },
        "bench",
        "dev",
        true,
    );
    const { BucketPolicy } = require(path.join(repoDir, "dist", "provider", "resource.js"));
    const start = now();
    new BucketPolicy("bench", { bucket: "bench-bucket", policy: '{"Version":"2012-10-17","Statement":[]}' });
    const inputs = await registered;
    return { ms: now() - start, text: inputs.__provider };
}

async function main() {
    const keepAlive = setInterval(() => undefined, 1000);
    const result = { mode };
    if (mode === "register") {
        let start = now();
        const pulumi = require("@pulumi/pulumi");
        result.requirePulumiMs = now() - start;
        const registration = await registerUnderMocks(pulumi);
        result.registerMs = registration.ms;
        result.bytes = Buffer.byteLength(registration.text, "utf8");
    } else {
        const { PROVIDER_HANDLE } = require(path.join(repoDir, "dist", "provider", "handle.js"));
        const requireFromString = require("require-from-string");
        const start = now();
        const provider = requireFromString(PROVIDER_HANDLE).handler();
        result.loadMs = now() - start;
        if (typeof provider.check !== "function") throw new Error("the handle's provider has no check");
        result.bytes = Buffer.byteLength(PROVIDER_HANDLE, "utf8");
    }
    clearInterval(keepAlive);
    process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((error) => {
    process.stderr.write(`handleChild: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
});
