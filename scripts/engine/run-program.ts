/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` and prints, as one JSON line on stdout, every resource it
 * registered: type, name and inputs exactly as the language host would send them to the engine (dynamic resources
 * carry their serialized provider in `__provider`). Used by the mini engine, which then drives the real provider host.
 *
 * Usage: ts-node run-program.ts <programDir> <project> <stack> <preview:true|false>
 * Stack config comes from PULUMI_CONFIG (namespaced keys), as the CLI passes it.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

interface Registration {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const [programDir, project, stack, previewFlag] = process.argv.slice(2);
const registrations: Registration[] = [];
let failure: unknown;

pulumi.runtime.setMocks(
    {
        async newResource(args) {
            registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
            return { id: previewFlag === "true" ? undefined : `${args.name}-pending`, state: args.inputs };
        },
        async call(args) {
            return args.inputs;
        },
    },
    project,
    stack,
    previewFlag === "true",
);

process.on("unhandledRejection", (error) => (failure = error));

/** The program's entry as the Pulumi language host picks it for a TypeScript project: index.ts, else the package main. */
function programEntry(dir: string): string {
    const indexTs = path.join(path.resolve(dir), "index.ts");
    return fs.existsSync(indexTs) ? indexTs : path.resolve(dir);
}

/** Every Output reachable from the program's exports (the stack outputs), with the SDK's internal promise. */
function outputsIn(value: unknown, seen = new Set<unknown>()): Array<{ promise(): Promise<unknown> }> {
    if (value === null || typeof value !== "object" || seen.has(value)) return [];
    seen.add(value);
    if (pulumi.Output.isInstance(value)) return [value as unknown as { promise(): Promise<unknown> }];
    return Object.values(value).flatMap((v) => outputsIn(v, seen));
}

/** Waits until `count()` has not changed for a few polls: registrations still in flight finish by then. */
async function untilStable(count: () => number, pollMs = 100, polls = 3): Promise<void> {
    let last = -1;
    let same = 0;
    while (same < polls) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        const now = count();
        same = now === last ? same + 1 : 0;
        last = now;
    }
}

async function main(): Promise<void> {
    // Registrations await closure serialization (inspector callbacks), which does not keep the event loop alive.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exported: unknown = require(programEntry(programDir));
        await Promise.all(outputsIn(exported).map((output) => output.promise()));
        await untilStable(() => registrations.length);
    } finally {
        clearInterval(keepAlive);
    }
    if (failure) throw failure;
    process.stdout.write(JSON.stringify({ registrations }) + "\n");
}

main().catch((error) => {
    process.stderr.write(`program failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
