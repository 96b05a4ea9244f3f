/**
 * The real Pulumi CLI for the benchmarks: the binaries of `scripts/pulumi-cli/ensure.sh`, the CLI tier's offline
 * environment (tests/support/pulumiCli.ts `cliEnv`: file backend and PULUMI_HOME in a temporary folder, passphrase
 * secrets, no update check, no plugin download, transpile-only TypeScript), the benchmark programs under
 * bench/programs/, and one `pulumi` process per command, timed from spawn to exit.
 *
 * Each command writes the engine's events to a file (`--event-log`, what the Automation API reads), which is tailed
 * while the command runs: the arrival time of each resource's events splits the wall time into what comes before the
 * first resource's event (CLI, language host, program load and top-level code, first registration) and the
 * per-resource stream.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { LocalS3Env, LocalS3User } from "../../tests/support/localS3";
import { cliEnv, linkPackageIntoTestProgram, pulumiCliRoot } from "../../tests/support/pulumiCli";
import { REPO_DIR } from "./build";
import { elapsedMs } from "./stats";

/** A benchmark program: a folder under bench/programs/ with a Pulumi.yaml, and the project name it declares. */
export interface BenchProgram {
    dir: string;
    project: string;
}

/** The benchmark programs; each declares what the resources file named by their `resourcesFile` config lists. */
export const PROGRAMS = {
    /** One `BucketPolicy` per declared resource, importing the package by name. */
    bucketPolicies: { dir: path.join(REPO_DIR, "bench", "programs", "bucket-policies"), project: "bench-bucket-policies" },
    /** The floor: a dynamic resource whose provider only has `create`. */
    minimalDynamic: { dir: path.join(REPO_DIR, "bench", "programs", "minimal-dynamic"), project: "bench-minimal-dynamic" },
    /** The provider plugin's BucketPolicy (`s3-bucket-policy:index:BucketPolicy`), declared by its token from TypeScript. */
    pluginPolicies: { dir: path.join(REPO_DIR, "bench", "programs", "plugin-policies"), project: "bench-plugin-policies" },
} satisfies Record<string, BenchProgram>;

export type ProgramName = keyof typeof PROGRAMS;

/** Placeholder credentials for commands that must not reach S3 (a preview): the CLI tier's environment needs some. */
const OFFLINE_USER: LocalS3User = { accessKeyId: "bench-offline", secretAccessKey: "bench-offline", ownerId: "", principalArn: "" };
const OFFLINE: LocalS3Env = {
    server: "radosgw",
    endpoint: "http://127.0.0.1:9",
    region: "us-east-1",
    dir: "",
    users: { alice: OFFLINE_USER, bob: OFFLINE_USER },
};

/** How often a running command's event log is read: the resolution of the phase times. */
const TAIL_INTERVAL_MS = 20;

/** A private CLI world for one bench run: a temporary backend and PULUMI_HOME, removed by {@link BenchCli.dispose}. */
export interface BenchCli {
    /** `pulumi version`, e.g. `v3.274.1`. */
    version: string;
    dir: string;
    /**
     * The environment of every pulumi process; with a server, its alice's credentials (the provider host inherits them);
     * with `s3Endpoint`, AWS_ENDPOINT_URL_S3, where the programs' resources go when they name no endpoint (as an AWS
     * user's program names none).
     */
    env(server?: LocalS3Env, s3Endpoint?: string): Record<string, string>;
    dispose(): void;
}

/**
 * Makes the CLI ready (ensure.sh builds it on first use) and a world for it; links the repository into the
 * BucketPolicy program's node_modules, as `npm install <path-to-repo>` does (node_modules is git-ignored).
 */
export function startBenchCli(log: (line: string) => void): BenchCli {
    const root = pulumiCliRoot();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bp-bench-cli-"));
    fs.mkdirSync(path.join(dir, "backend"));
    linkPackageIntoTestProgram(PROGRAMS.bucketPolicies.dir);
    const env = (server?: LocalS3Env, s3Endpoint?: string) => ({
        ...cliEnv(dir, server ?? OFFLINE, "alice"),
        ...(s3Endpoint === undefined ? {} : { AWS_ENDPOINT_URL_S3: s3Endpoint }),
        // `--event-log` is registered only when debug commands are on (pkg/cmd/pulumi/operations/preview.go).
        PULUMI_DEBUG_COMMANDS: "true",
    });
    const version = spawnSync(path.join(root, "bin", "pulumi"), ["version"], { encoding: "utf8", env: { ...process.env, ...env() } }).stdout.trim();
    log(`pulumi CLI ${version} (${root})`);
    return { version, dir, env, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** One engine event as the event log writes it (apitype.EngineEvent): the fields the benchmarks read. */
export interface EngineEvent {
    sequence: number;
    resourcePreEvent?: { metadata: { op: string; urn: string; type: string } };
    resOutputsEvent?: { metadata: { op: string; urn: string; type: string } };
    summaryEvent?: { durationSeconds: number; resourceChanges: Record<string, number>; result?: string };
    diagnosticEvent?: { message: string; severity: string };
}

/** An event and when it reached the log file, in ms after the command was spawned. */
export interface TimedEvent {
    atMs: number;
    event: EngineEvent;
}

/** What one pulumi command did. */
export interface CommandRun {
    code: number | null;
    wallMs: number;
    stdout: string;
    stderr: string;
    events: TimedEvent[];
}

/** Reads the lines appended to `file` since the last call, stamping each with the time it was seen. */
function eventTail(file: string, start: bigint): { poll(): void; events: TimedEvent[] } {
    const events: TimedEvent[] = [];
    let offset = 0;
    let partial = "";
    const buffer = Buffer.alloc(1 << 20);
    return {
        events,
        poll() {
            let fd: number;
            try {
                fd = fs.openSync(file, "r");
            } catch {
                return; // not created yet
            }
            try {
                for (;;) {
                    const read = fs.readSync(fd, buffer, 0, buffer.length, offset);
                    if (read === 0) break;
                    offset += read;
                    partial += buffer.toString("utf8", 0, read);
                }
            } finally {
                fs.closeSync(fd);
            }
            const lines = partial.split("\n");
            partial = lines.pop() ?? "";
            const atMs = elapsedMs(start);
            for (const line of lines) if (line.trim()) events.push({ atMs, event: JSON.parse(line) as EngineEvent });
        },
    };
}

/** Options of {@link runPulumi}. */
export interface RunOptions {
    /** The process's environment over `process.env`: {@link BenchCli.env}'s, plus e.g. PULUMI_SKIP_CHECKPOINTS. */
    env: Record<string, string>;
    /** Add `--event-log` and tail it (preview, up, refresh, destroy; other commands do not take the flag). */
    events?: boolean;
}

/** Runs `pulumi <args>` in `programDir` and resolves when it exits, whatever its exit code. */
export function runPulumi(programDir: string, args: string[], options: RunOptions): Promise<CommandRun> {
    const eventLog = path.join(os.tmpdir(), `bp-bench-events-${process.pid}-${process.hrtime.bigint()}.jsonl`);
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const tail = eventTail(eventLog, start);
        const child = spawn(path.join(pulumiCliRoot(), "bin", "pulumi"), options.events ? [...args, "--event-log", eventLog] : args, {
            cwd: programDir,
            env: { ...process.env, ...options.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const timer = setInterval(() => tail.poll(), TAIL_INTERVAL_MS);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", (error) => {
            clearInterval(timer);
            reject(error);
        });
        child.on("close", (code) => {
            const wallMs = elapsedMs(start);
            clearInterval(timer);
            tail.poll();
            fs.rmSync(eventLog, { force: true });
            resolve({ code, wallMs, stdout, stderr, events: tail.events });
        });
    });
}

/** What one pulumi command did, from its wall time and its event log. */
export interface CommandFigures {
    /** Spawn to exit of the `pulumi` process. */
    wallSeconds: number;
    /** The engine's own duration (summary event), in whole seconds. */
    engineSeconds: number | null;
    /**
     * Spawn to the first event of a declared resource: the CLI's and the language host's start, the program's load
     * (ts-node, @pulumi/pulumi, the package) and its synchronous top-level code, then the first registration and the
     * provider host's start and first call. The Node SDK sends no RegisterResource before the top-level code returns,
     * so with a loop of `new` this includes constructing every resource object (SDK work per declared property).
     * Commands that do not run the program (refresh, destroy) start with the engine's first step.
     */
    firstResourceSeconds: number | null;
    /**
     * First to last event of a declared resource, per resource after the first: the stream of engine steps, provider
     * calls and checkpoints (and the program's remaining asynchronous work).
     */
    perResourceMs: number | null;
    /** The last declared resource's event to exit: the stack's outputs, the last checkpoint, plugins shut down. */
    afterLastResourceSeconds: number | null;
    /** The summary's resource changes, the stack included (e.g. `{ create: 1001 }`). */
    changes: Record<string, number>;
}

/** Whether an event's resource is one the program declared (not the stack, not a provider). */
function declaredResourceEvent(timed: TimedEvent): boolean {
    const metadata = timed.event.resourcePreEvent?.metadata ?? timed.event.resOutputsEvent?.metadata;
    return !!metadata && metadata.type !== "pulumi:pulumi:Stack" && !metadata.type.startsWith("pulumi:providers:");
}

/** Splits a command's wall time at its first and last declared resource's events; `resources` is how many it declared. */
export function commandFigures(run: CommandRun, resources: number): CommandFigures {
    const times = run.events.filter(declaredResourceEvent).map((timed) => timed.atMs);
    const summary = run.events.map((timed) => timed.event.summaryEvent).find((event) => event !== undefined);
    const first = times.length ? Math.min(...times) : undefined;
    const last = times.length ? Math.max(...times) : undefined;
    const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
    return {
        wallSeconds: seconds(run.wallMs),
        engineSeconds: summary?.durationSeconds ?? null,
        firstResourceSeconds: first === undefined ? null : seconds(first),
        perResourceMs: first === undefined || last === undefined || resources < 2 ? null : Number(((last - first) / (resources - 1)).toFixed(2)),
        afterLastResourceSeconds: last === undefined ? null : seconds(run.wallMs - last),
        changes: summary?.resourceChanges ?? {},
    };
}

/** Runs a command that must succeed; its output is in the error otherwise. */
export async function runPulumiOk(programDir: string, args: string[], options: RunOptions): Promise<CommandRun> {
    const run = await runPulumi(programDir, args, options);
    if (run.code !== 0) {
        const output = `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`.trim();
        throw new Error(`pulumi ${args.join(" ")} in ${path.relative(REPO_DIR, programDir)} exited ${run.code}:\n${output}`);
    }
    return run;
}

/** A stack of a benchmark program in the bench's backend; its `Pulumi.<stack>.yaml` sits in the program folder. */
export interface BenchStack {
    program: BenchProgram;
    name: string;
}

/**
 * Creates a stack of `program` with plain-text `config` (one `stack init`, one `config set-all`). The name carries the
 * process id: the settings file lands in the shared program folder, where another bench run may have its own.
 */
export async function createStack(cli: BenchCli, program: BenchProgram, label: string, config: Record<string, string>): Promise<BenchStack> {
    const name = `${label}-${process.pid}`;
    const options = { env: cli.env() };
    await runPulumiOk(program.dir, ["stack", "init", name, "--non-interactive"], options);
    const pairs = Object.entries(config).flatMap(([key, value]) => ["--plaintext", `${key}=${value}`]);
    await runPulumiOk(program.dir, ["config", "set-all", "--stack", name, ...pairs], options);
    return { program, name };
}

/**
 * Removes a stack without touching what it manages (`stack rm --force`), and its settings file; never throws, so it
 * can run in a `finally`.
 */
export async function removeStack(cli: BenchCli, stack: BenchStack): Promise<void> {
    await runPulumi(stack.program.dir, ["stack", "rm", stack.name, "--force", "--yes", "--non-interactive"], { env: cli.env() }).catch(() => undefined);
    fs.rmSync(path.join(stack.program.dir, `Pulumi.${stack.name}.yaml`), { force: true });
}

function stateFile(cli: BenchCli, stack: BenchStack): string {
    return path.join(cli.dir, "backend", ".pulumi", "stacks", stack.program.project, `${stack.name}.json`);
}

/** The size of a stack's state file in the bench's file backend (the one JSON document the backend rewrites). */
export function stateBytes(cli: BenchCli, stack: BenchStack): number {
    return fs.statSync(stateFile(cli, stack)).size;
}

/** One resource as the state file keeps it (apitype.ResourceV3): the fields the benchmarks read. */
export interface StateResource {
    urn: string;
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/** The resources of a stack's state file (its latest deployment). */
export function stateResources(cli: BenchCli, stack: BenchStack): StateResource[] {
    const state = JSON.parse(fs.readFileSync(stateFile(cli, stack), "utf8")) as { checkpoint?: { latest?: { resources?: StateResource[] } } };
    return state.checkpoint?.latest?.resources ?? [];
}
