/* global setInterval, clearInterval */
/**
 * Runs in a fresh Node process (plain JavaScript, no ts-node: nothing is preloaded that a JavaScript program would not
 * load) and prints one JSON line: how long it takes to get the serialized provider (`__provider`) and how big it is.
 *
 * Usage: node bench/lib/serializeChild.js direct|resource WARM_CALLS
 * - direct:   serializeFunction(() => provider, { allowSecrets: true }) on the shared handle, as pulumi.dynamic.Resource
 *             does (cold: the first call; warm: the next WARM_CALLS calls), then the same through a registration;
 * - resource: a BucketPolicy registered under setMocks first (cold, the path a program takes), read from inputs.__provider.
 */
"use strict";
const path = require("path");

const repoDir = path.resolve(__dirname, "../..");
const mode = process.argv[2] || "direct";
const warmCalls = Number(process.argv[3] || 10);
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
    // Closure serialization awaits inspector callbacks, which do not keep the event loop alive.
    const keepAlive = setInterval(() => undefined, 1000);
    const result = { mode };
    let start = now();
    const pulumi = require("@pulumi/pulumi");
    result.requirePulumiMs = now() - start;
    if (mode === "resource") {
        const registration = await registerUnderMocks(pulumi);
        result.coldRegisterMs = registration.ms;
        result.bytes = Buffer.byteLength(registration.text, "utf8");
    } else {
        start = now();
        const { LazyBucketPolicyProvider } = require(path.join(repoDir, "dist", "provider", "lazyProvider.js"));
        result.requireHandleMs = now() - start;
        const provider = new LazyBucketPolicyProvider();
        start = now();
        const first = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        result.coldSerializeMs = now() - start;
        result.bytes = Buffer.byteLength(first.text, "utf8");
        result.containsSecrets = first.containsSecrets;
        const warm = [];
        for (let i = 0; i < warmCalls; i++) {
            start = now();
            const again = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
            warm.push(now() - start);
            if (again.text !== first.text) throw new Error("serializeFunction gave a different text on a later call");
        }
        result.warmSerializeMs = warm;
        const registration = await registerUnderMocks(pulumi);
        result.registeredBytes = Buffer.byteLength(registration.text, "utf8");
        result.registerAfterWarmMs = registration.ms;
    }
    clearInterval(keepAlive);
    process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((error) => {
    process.stderr.write(`serializeChild: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
});
