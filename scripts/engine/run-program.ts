/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` and prints, as one JSON line on stdout, every resource it
 * registered: type, name and inputs exactly as the language host would send them to the engine (dynamic resources
 * carry their serialized provider in `__provider`). Used by the mini engine, which then drives the real provider host.
 *
 * Usage: ts-node run-program.ts <programDir> <project> <stack> <preview:true|false>
 * Stack config comes from PULUMI_CONFIG (namespaced keys), as the CLI passes it.
 */
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
process.once("beforeExit", () => {
    if (failure) {
        process.stderr.write(`program failed: ${failure instanceof Error ? failure.message : String(failure)}\n`);
        process.exit(1);
    }
    process.stdout.write(JSON.stringify({ registrations }) + "\n");
});

try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.resolve(programDir));
} catch (error) {
    process.stderr.write(`program failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
}
