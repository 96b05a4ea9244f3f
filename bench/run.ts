/**
 * `npm run bench`: every benchmark in one run, with its baseline beside it, as one JSON object (stdout, and
 * bench/results/<timestamp>.json and latest.json) and a short table (stderr).
 *
 * It builds dist/ when stale, measures the in-process and host-only parts first (equivalence, the parsers, the
 * access-change analysis, the provider handle, a preview at scale and the host's memory, a real `pulumi preview`
 * of new BucketPolicy resources beside a minimal dynamic resource), then starts a disposable RadosGW for the parts that
 * need S3 (calls per operation, an `up` at scale through the host, and through the CLI one stack per program: `up`,
 * previews in state, one change, `refresh`, `destroy`, `up` without checkpoints; and the provider plugin's program:
 * `up`, previews in state beside the others', state bytes, `destroy`), and stops it.
 *
 * Each suite (bench/suites/) owns its goals and its rows of the table; this file sequences the suites, collects their
 * goals and rows, and writes the report.
 *
 * Flags: --smoke   a short version for CI (tiny iteration counts, 50-resource preview, 5-bucket up, 20-resource CLI
 *                  previews and commands);
 *        --no-s3   skip the parts that need the local S3 server.
 * Exit status 1 when an enforced goal is missed (the S3 call floors, through the host and through the CLI; the sizes:
 * `__provider` ≤ 8 KB, state bytes per resource ≤ 1.5 × the minimal dynamic resource's); the timing goals are
 * reported, never enforced (a shared machine is noisy).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DynamicProviderHost } from "../tests/support/providerHost";
import { LOCAL_S3_SCRIPT, LocalS3Env, makeShortTempDir, s3ClientFor, startLocalS3, stopLocalS3 } from "../tests/support/localS3";
import { startS3Proxy } from "../tests/support/s3proxy";
import { REPO_DIR, buildIfStale } from "./lib/build";
import { BenchCli, startBenchCli } from "./lib/cli";
import { distProviderHandle } from "./lib/dist";
import { Goals, goalRows } from "./lib/report";
import * as access from "./suites/access";
import * as cliSuite from "./suites/cli";
import * as equivalence from "./suites/equivalence";
import * as handle from "./suites/handle";
import type { HandleFigures } from "./suites/handle";
import * as parsers from "./suites/parsers";
import * as preview from "./suites/preview";
import * as s3Suite from "./suites/s3";

interface Settings {
    smoke: boolean;
    s3: boolean;
}

/** How much of each benchmark to run. */
function plan(settings: Settings) {
    return settings.smoke
        ? {
              measure: { rounds: 3, roundMs: 5, warmupCalls: 20 },
              handleProcesses: 1,
              previewResources: 50,
              lifecycleRuns: 1,
              upResources: 5,
              cliPreviewResources: 20,
              // Two, so that the one-change up's second run (the change reversed) and the interleaving run in CI too.
              cliRounds: 2,
          }
        : {
              measure: { rounds: 9, roundMs: 60, warmupCalls: 200 },
              handleProcesses: 5,
              previewResources: 1000,
              lifecycleRuns: 5,
              upResources: 100,
              // A preview of 1,000 takes 15–25 s per program on 2 cores, and one command's wall time moves by ±20 % from
              // run to run here: four interleaved rounds of each preview, and of the one-change up. The same count for
              // the other CLI commands on resources in state (one run of each: an `up` with checkpoints takes minutes).
              cliPreviewResources: 1000,
              cliRounds: 4,
          };
}

/** Pulumi's default `--parallel`: 4 × GOMAXPROCS (the CPU count), unless PULUMI_PARALLEL is set (pkg/cmd/pulumi/operations/up.go). */
function enginesDefaultParallel(): number {
    const fromEnv = Number(process.env.PULUMI_PARALLEL);
    return fromEnv > 0 ? fromEnv : 4 * os.cpus().length;
}

interface Report {
    /**
     * 2: the CLI's `cliUp` became `cliLifecycle` (both programs, up to destroy), `cliPreviewExisting` lost its `setup`
     * (the first up of cliLifecycle), and `providerHandle` measures the hand-written handle. 3: `cliPlugin` (the provider
     * plugin's program beside the two others). 4: `cliLifecycle.oneChangeUpRuns` and `oneChangeUpRatio` (the one-change
     * up, one run per round).
     */
    schema: 4;
    mode: "full" | "smoke";
    startedAt: string;
    durationSeconds: number;
    machine: Record<string, unknown>;
    build: string;
    equivalence: Record<string, equivalence.EquivalenceSize>;
    /** parsePolicy against JSON.parse and the number-keeping parsers (why scan.ts stays: docs/how-it-works.md). */
    parsers: parsers.ParsersFigures;
    providerHandle: HandleFigures;
    /** analyzeAccessChange on 5-, 20- and 50-statement changes (issue 22). */
    access: access.AccessFigures;
    previewAtScale: preview.PreviewFigures;
    s3Calls: Record<s3Suite.LifecycleStep, s3Suite.OperationCalls> | null;
    upAtScale: s3Suite.ScaleFigures | null;
    /** `pulumi preview` of new BucketPolicy resources beside a minimal dynamic resource, through the real CLI. */
    cliPreviewNew: cliSuite.PreviewComparison;
    /** The same previews with the resources in state (needs S3 for the BucketPolicy `up`). */
    cliPreviewExisting: cliSuite.PreviewComparison | null;
    /** `pulumi up`, one change, `refresh`, `destroy` and `up` without checkpoints, both programs, on the local RadosGW. */
    cliLifecycle: cliSuite.CliLifecycleFigures | null;
    /** The provider plugin's BucketPolicy from a TypeScript program in the same run: `up`, previews in state, state bytes. */
    cliPlugin: cliSuite.PluginFigures | null;
    goals: Goals;
    notes: string[];
}

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function versionOf(pkg: string): string | undefined {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(`${pkg}/package.json`).version;
    } catch {
        return undefined;
    }
}

function radosgwVersion(): string | undefined {
    try {
        return /ceph version (\S+)/.exec(execFileSync("radosgw", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }))?.[1];
    } catch {
        return undefined;
    }
}

function machine(): Record<string, unknown> {
    return {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        pulumi: versionOf("@pulumi/pulumi"),
        awsSdkS3: versionOf("@aws-sdk/client-s3"),
        radosgw: radosgwVersion(),
        loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
    };
}

/**
 * Starts the local S3 server and makes sure it is stopped whatever happens: normal end, an error, Ctrl-C or SIGTERM.
 * Returns the server and an idempotent stop.
 */
async function startServer(): Promise<{ env: LocalS3Env; stop: () => Promise<void> }> {
    const dir = makeShortTempDir("lsb-");
    let stopped = false;
    const stopNow = () => {
        if (stopped) return;
        stopped = true;
        spawnSync("bash", [LOCAL_S3_SCRIPT, "stop", dir, "--purge"], { stdio: "ignore", timeout: 60_000 });
    };
    const onSignal = (signal: NodeJS.Signals) => {
        log(`${signal}: stopping the local S3 server`);
        stopNow();
        process.exit(130);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    process.once("exit", stopNow);
    const start = process.hrtime.bigint();
    const env = await startLocalS3(dir, { onLog: (line) => log(line) });
    log(`local S3 server ${env.endpoint} up in ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)} s`);
    return {
        env,
        stop: async () => {
            process.removeListener("SIGINT", onSignal);
            process.removeListener("SIGTERM", onSignal);
            process.removeListener("exit", stopNow);
            if (stopped) return;
            stopped = true;
            await stopLocalS3(env, { purge: true });
            log("local S3 server stopped");
        },
    };
}

async function s3Benchmarks(
    providerText: string,
    counts: ReturnType<typeof plan>,
    parallel: number,
    cli: BenchCli,
): Promise<{ s3: s3Suite.S3Figures; cliStack: Awaited<ReturnType<typeof cliSuite.runCliStack>> }> {
    const server = await startServer();
    try {
        const { env } = server;
        const alice = s3ClientFor(env, "alice");
        const proxy = await startS3Proxy({ target: env.endpoint });
        try {
            const host = await DynamicProviderHost.start({
                cwd: REPO_DIR,
                env: { AWS_ACCESS_KEY_ID: env.users.alice.accessKeyId, AWS_SECRET_ACCESS_KEY: env.users.alice.secretAccessKey, AWS_REGION: env.region },
                config: { "aws:region": env.region },
            });
            let s3: s3Suite.S3Figures;
            try {
                const context = { env, proxy, host, alice, providerText };
                const calls = await s3Suite.runLifecycleCalls(context, counts.lifecycleRuns, log);
                const scale = await s3Suite.runUpAtScale(context, counts.upResources, parallel, log);
                s3 = { calls, scale };
            } finally {
                await host.stop();
            }
            // Last: it leaves its buckets to the server's purge.
            const cliStack = await cliSuite.runCliStack({ cli, env, proxy, alice }, counts.cliPreviewResources, counts.cliRounds, parallel, log);
            return { s3, cliStack };
        } finally {
            await proxy.close();
            alice.destroy();
        }
    } finally {
        await server.stop();
    }
}

/** Each suite's goals and rows of the table, in the table's order. */
function suiteReports(report: Omit<Report, "goals">): Array<{ goals: Goals; rows: string[] }> {
    const smoke = report.mode === "smoke";
    const s3: s3Suite.S3Figures = { calls: report.s3Calls, scale: report.upAtScale };
    const cli: cliSuite.CliFigures = {
        version: String(report.machine.pulumiCli),
        previewNew: report.cliPreviewNew,
        previewExisting: report.cliPreviewExisting,
        lifecycle: report.cliLifecycle,
        plugin: report.cliPlugin,
    };
    return [
        { goals: equivalence.goals(report.equivalence, smoke), rows: equivalence.rows(report.equivalence) },
        { goals: access.goals(report.access, smoke), rows: access.rows(report.access) },
        { goals: {}, rows: parsers.rows(report.parsers) },
        { goals: handle.goals(report.providerHandle), rows: handle.rows(report.providerHandle) },
        { goals: {}, rows: preview.rows(report.previewAtScale) },
        { goals: s3Suite.goals(s3), rows: s3Suite.rows(s3) },
        { goals: cliSuite.goals(cli, smoke), rows: cliSuite.rows(cli) },
    ];
}

async function main(): Promise<number> {
    const args = process.argv.slice(2);
    const unknown = args.filter((arg) => arg !== "--smoke" && arg !== "--no-s3");
    if (unknown.length) {
        process.stderr.write(`usage: npm run bench [-- --smoke] [-- --no-s3]  (unknown: ${unknown.join(" ")})\n`);
        return 2;
    }
    const settings: Settings = { smoke: args.includes("--smoke"), s3: !args.includes("--no-s3") };
    const counts = plan(settings);
    const parallel = enginesDefaultParallel();
    const startedAt = new Date();
    const start = process.hrtime.bigint();
    const machineAtStart = machine();
    log(`mode ${settings.smoke ? "smoke" : "full"}; ${os.cpus().length} CPUs, Node ${process.version}`);
    const build = buildIfStale(log);

    const equivalenceFigures = await equivalence.runEquivalence(counts.measure, log);
    const parsersFigures = parsers.runParsers(counts.measure, log);
    const accessFigures = access.runAccess(counts.measure.rounds, log);
    const providerHandle = handle.runHandle(counts.handleProcesses, log);
    // The text the engine stores and sends with every call, from the shipped (compiled) handle.
    const providerText = distProviderHandle();
    const previewAtScale = await preview.runPreviewAtScale(counts.previewResources, providerText, log);
    const cli = startBenchCli(log);
    let cliPreviewNew: cliSuite.PreviewComparison;
    let s3: Awaited<ReturnType<typeof s3Benchmarks>> | undefined;
    try {
        cliPreviewNew = await cliSuite.runCliPreviewOfNew(cli, counts.cliPreviewResources, counts.cliRounds, log);
        s3 = settings.s3 ? await s3Benchmarks(providerText, counts, parallel, cli) : undefined;
    } finally {
        cli.dispose();
    }

    const partial: Omit<Report, "goals"> = {
        schema: 4,
        mode: settings.smoke ? "smoke" : "full",
        startedAt: startedAt.toISOString(),
        durationSeconds: Number((Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)),
        machine: { ...machineAtStart, pulumiCli: cli.version, loadAverageAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))) },
        build,
        equivalence: equivalenceFigures,
        parsers: parsersFigures,
        access: accessFigures,
        providerHandle,
        previewAtScale,
        s3Calls: s3?.s3.calls ?? null,
        upAtScale: s3?.s3.scale ?? null,
        cliPreviewNew,
        cliPreviewExisting: s3?.cliStack.previewExisting ?? null,
        cliLifecycle: s3?.cliStack.lifecycle ?? null,
        cliPlugin: s3?.cliStack.plugin ?? null,
        notes: [
            "Times are medians over rounds (equivalence: calibrated rounds of about roundMs each) or runs, with the fastest and slowest beside them.",
            "Equivalence pairs: the same document with every object's keys reversed and 2-space indented (deep-equal agrees), and rewritten (lists and statements reversed, actions upper-cased: deep-equal disagrees).",
            "Preview and no-op emulate the engine: check then diff per resource, serially (PULUMI_PARALLEL_DIFF is off by default).",
            `up/refresh/destroy at scale run at most ${parallel} resource operations at once: Pulumi's default --parallel is 4 x GOMAXPROCS (pkg/cmd/pulumi/operations/up.go, issue pulumi/pulumi#14989); set PULUMI_PARALLEL to change it here too.`,
            "CLI figures: the wall time of one `pulumi` process (spawn to exit) with the CLI's defaults (file backend, checkpoints on, default --parallel), programs in TypeScript run transpile-only; 'first resource at' is spawn to the first declared resource's engine event (CLI and program start, plus the program's synchronous top-level code: the Node SDK registers nothing before it returns, so it includes constructing every resource object), then per resource is first to last such event over the resources after the first, and 'after the last' is the last such event to exit (event log tailed every 20 ms); engine is the summary event's whole seconds.",
            "CLI BucketPolicy program: bench/programs/bucket-policies, one BucketPolicy per declared resource with the inputs an AWS user's program gives (bucket, policy); the S3 endpoint, the bench's recording proxy, comes from AWS_ENDPOINT_URL_S3 in every command's environment (before 0.7.0 it was each resource's endpoint input, one more registered property).",
            "CLI minimal dynamic resource: bench/programs/minimal-dynamic, a provider with only create returning its inputs, declared with the same bucket and policy strings as the BucketPolicy program; no check, diff, update, read or delete of its own, so the host answers check with the inputs, diff with 'unknown' (the engine compares inputs), update with __provider alone as the outputs, read with the state, delete with nothing.",
            "CLI commands on resources in state (cliLifecycle, and cliPreviewExisting between its first up and the change), one stack per program, each command run on both in turn, the first program alternating: up of N new resources (checkpoints on), previews, up of one changed policy (as many runs as the previews' rounds, the change and its reverse in turn; the goal judges the median of the runs' ratios), refresh, destroy, then up of the N again with PULUMI_SKIP_CHECKPOINTS=true (checkpoints' cost: the difference between the two ups; with checkpoints the file backend rewrites the whole state after every step).",
            "CLI provider plugin (cliPlugin): bench/programs/plugin-policies, a TypeScript program declaring N s3-bucket-policy:index:BucketPolicy resources of the plugin (provider/plugin, run from dist/) with pulumi.CustomResource, the same names, policy sizes and inputs as the BucketPolicy program (no endpoint input: both reach the bench's S3 proxy through AWS_ENDPOINT_URL_S3), on N buckets of its own (the plugin refuses to take over a policy it did not put); its stack's up (checkpoints on) runs right after the two others' first up, its previews in state are interleaved with theirs, and its destroy (checkpoints off) empties it before the one-change up.",
        ],
    };
    const sections = suiteReports(partial);
    const report: Report = { ...partial, goals: Object.assign({}, ...sections.map((section) => section.goals)) };

    const json = JSON.stringify(report, null, 2);
    const resultsDir = path.join(__dirname, "results");
    fs.mkdirSync(resultsDir, { recursive: true });
    const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
    fs.writeFileSync(path.join(resultsDir, `${stamp}.json`), json + "\n");
    fs.writeFileSync(path.join(resultsDir, "latest.json"), json + "\n");
    process.stdout.write(json + "\n");
    process.stderr.write("\n" + [...sections.flatMap((section) => section.rows), ...goalRows(report.goals)].join("\n") + "\n");
    log(`written bench/results/${stamp}.json and bench/results/latest.json in ${report.durationSeconds} s`);

    const broken = Object.entries(report.goals).filter(([, goal]) => goal.enforced && goal.met === false);
    if (broken.length) {
        process.stderr.write(`bench: floor broken: ${broken.map(([name]) => name).join(", ")}\n`);
        return 1;
    }
    return 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
    },
);
