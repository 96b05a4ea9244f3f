/**
 * The provider handle (`__provider`, stored twice in every resource's state and sent with every engine call): its
 * size, what registering the first BucketPolicy costs a fresh program, and what loading the provider from the handle
 * costs the dynamic-provider host (once per process). The handle is a fixed text (provider/handle.ts): no closure
 * serialization happens in the program.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { REPO_DIR } from "../lib/build";
import { Goals, fmt } from "../lib/report";
import { Sample, rounded, summarize } from "../lib/stats";

/**
 * `__provider` is stored twice in every resource's state and sent with every engine call (issue 24: state per resource
 * ≤ 1.5 × a minimal dynamic resource's, whose serialized provider is about 530 bytes). Enforced: a size is exact.
 */
export const MAX_PROVIDER_BYTES = 1024;

export interface HandleFigures {
    /** `__provider` in bytes (UTF-8), the shipped handle text. */
    bytes: number;
    /** The same, read from inputs.__provider of a BucketPolicy registered under setMocks: must be equal. */
    registeredBytes: number;
    /** require("@pulumi/pulumi") in a fresh process, for scale: a program pays it anyway. */
    requirePulumiMs: Sample;
    /** The first `new BucketPolicy(...)` under setMocks in a fresh process, until the monitor receives its inputs. */
    coldRegisterMs: Sample;
    /** The host's load: the handle evaluated as a module and its handler() called (requires the implementation). */
    hostLoadMs: Sample;
    /** Fresh processes per mode. */
    processes: number;
}

interface ChildResult {
    bytes: number;
    requirePulumiMs?: number;
    registerMs?: number;
    loadMs?: number;
}

function runChild(mode: "register" | "load"): ChildResult {
    const out = execFileSync(process.execPath, [path.join(__dirname, "..", "lib", "handleChild.js"), mode], {
        cwd: REPO_DIR,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out.trim().split("\n").pop() as string) as ChildResult;
}

/** Measures the handle in `processes` fresh processes per mode. */
export function runHandle(processes: number, log: (line: string) => void): HandleFigures {
    const registered: ChildResult[] = [];
    const loaded: ChildResult[] = [];
    for (let i = 0; i < processes; i++) {
        registered.push(runChild("register"));
        loaded.push(runChild("load"));
    }
    const sizes = new Set([...registered, ...loaded].map((r) => r.bytes));
    if (sizes.size !== 1) throw new Error(`__provider sizes differ between the shipped handle and a registration: ${[...sizes].join(", ")}`);
    const figures: HandleFigures = {
        bytes: loaded[0].bytes,
        registeredBytes: registered[0].bytes,
        requirePulumiMs: rounded(summarize(registered.map((r) => r.requirePulumiMs as number))),
        coldRegisterMs: rounded(summarize(registered.map((r) => r.registerMs as number))),
        hostLoadMs: rounded(summarize(loaded.map((r) => r.loadMs as number))),
        processes,
    };
    log(`__provider: ${figures.bytes} bytes; first registration ${figures.coldRegisterMs.median} ms, host load ${figures.hostLoadMs.median} ms`);
    return figures;
}

export function goals(figures: HandleFigures): Goals {
    return {
        providerAtMost1KB: {
            goal: `__provider ≤ ${MAX_PROVIDER_BYTES} bytes`,
            value: figures.bytes,
            met: figures.bytes <= MAX_PROVIDER_BYTES,
            enforced: true,
        },
    };
}

export function rows(h: HandleFigures): string[] {
    return [
        `__provider: ${h.bytes} B (goal ≤ ${MAX_PROVIDER_BYTES}); first BucketPolicy under setMocks ${fmt(h.coldRegisterMs.median)} ms ` +
            `(require @pulumi/pulumi ${fmt(h.requirePulumiMs.median)} ms); the host's load of the handle ${fmt(h.hostLoadMs.median)} ms`,
    ];
}
