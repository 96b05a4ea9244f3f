/**
 * The serialized provider (`__provider`, stored in every resource's state and sent with every engine call):
 * its size, and how long serialization takes in a fresh process (cold) and once the serializer is loaded (warm).
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { REPO_DIR } from "../lib/build";
import { Sample, rounded, summarize } from "../lib/stats";

export interface HandleFigures {
    /** `__provider` in bytes (UTF-8), from serializeFunction(() => provider, { allowSecrets: true }). */
    bytes: number;
    /** The same, read from inputs.__provider of a BucketPolicy registered under setMocks: must be equal. */
    registeredBytes: number;
    containsSecrets: boolean;
    /** require("@pulumi/pulumi") in a fresh process, for scale: a program pays it anyway. */
    requirePulumiMs: Sample;
    /** The first serializeFunction in a fresh process (loads the closure serializer and its TypeScript parser). */
    coldSerializeMs: Sample;
    /** A `new BucketPolicy(...)` under setMocks in a fresh process, until the monitor receives its inputs (null in smoke mode). */
    coldRegisterMs: Sample | null;
    /** Later serializeFunction calls in the same process. pulumi.dynamic.Resource caches the text per provider object, so a program pays this once. */
    warmSerializeMs: Sample;
    /** Fresh processes per mode. */
    processes: number;
}

interface ChildResult {
    requirePulumiMs: number;
    coldSerializeMs?: number;
    coldRegisterMs?: number;
    bytes: number;
    registeredBytes?: number;
    containsSecrets?: boolean;
    warmSerializeMs?: number[];
}

function runChild(mode: "direct" | "resource", warmCalls: number): ChildResult {
    const out = execFileSync(process.execPath, [path.join(__dirname, "..", "lib", "serializeChild.js"), mode, String(warmCalls)], {
        cwd: REPO_DIR,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out.trim().split("\n").pop() as string) as ChildResult;
}

/**
 * Runs item 3 in `processes` fresh processes per mode.
 * @param registerCold also time a registration as the first thing a fresh process does (one more process per run)
 */
export function runHandle(processes: number, warmCalls: number, registerCold: boolean, log: (line: string) => void): HandleFigures {
    const direct: ChildResult[] = [];
    const resource: ChildResult[] = [];
    for (let i = 0; i < processes; i++) {
        direct.push(runChild("direct", warmCalls));
        if (registerCold) resource.push(runChild("resource", 0));
    }
    const sizes = new Set([...direct.map((r) => r.bytes), ...direct.map((r) => r.registeredBytes), ...resource.map((r) => r.bytes)]);
    if (sizes.size !== 1) throw new Error(`__provider sizes differ between runs or paths: ${[...sizes].join(", ")}`);
    const figures: HandleFigures = {
        bytes: direct[0].bytes,
        registeredBytes: direct[0].registeredBytes as number,
        containsSecrets: direct.some((r) => r.containsSecrets),
        requirePulumiMs: rounded(summarize([...direct, ...resource].map((r) => r.requirePulumiMs))),
        coldSerializeMs: rounded(summarize(direct.map((r) => r.coldSerializeMs as number))),
        coldRegisterMs: resource.length ? rounded(summarize(resource.map((r) => r.coldRegisterMs as number))) : null,
        warmSerializeMs: rounded(summarize(direct.flatMap((r) => r.warmSerializeMs ?? []))),
        processes,
    };
    log(`__provider: ${figures.bytes} bytes; cold serialize ${figures.coldSerializeMs.median} ms, warm ${figures.warmSerializeMs.median} ms`);
    return figures;
}
