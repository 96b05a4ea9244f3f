/**
 * `npm run bench`: every benchmark in one run, with its baseline beside it, as one JSON object (stdout, and
 * bench/results/<timestamp>.json and latest.json) and a short table (stderr).
 *
 * It builds dist/ when stale, measures the in-process and host-only parts first (equivalence, the serialized
 * provider, a preview at scale and the host's memory, a real `pulumi preview` of BucketPolicy resources beside a
 * minimal dynamic resource), then starts a disposable RadosGW for the parts that need S3 (calls per operation, an `up`
 * at scale through the host and through the CLI, the CLI previews of resources in state), and stops it.
 *
 * Flags: --smoke   a short version for CI (tiny iteration counts, 50-resource preview, 5-bucket up, 20-resource CLI
 *                  previews and a 5-resource CLI up);
 *        --no-s3   skip the parts that need the local S3 server.
 * Exit status 1 when a call or size floor is broken (0 S3 calls for preview and no-op, through the host and through
 * the CLI; 1 write per update; one PutBucketPolicy per resource for a CLI up; `__provider` ≤ 8 KB); the timing goals
 * are reported, never enforced (a shared machine is noisy).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DynamicProviderHost } from "../tests/support/providerHost";
import { LOCAL_S3_SCRIPT, LocalS3Env, makeShortTempDir, s3ClientFor, startLocalS3, stopLocalS3 } from "../tests/support/localS3";
import { startS3Proxy } from "../tests/support/s3proxy";
import { REPO_DIR, buildIfStale } from "./lib/build";
import { BenchCli, startBenchCli } from "./lib/cli";
import { distLazyProviderClass } from "./lib/dist";
import { AccessFigures, runAccess } from "./suites/access";
import { EquivalenceSize, runEquivalence } from "./suites/equivalence";
import { ParsersFigures, parsersTable, runParsers } from "./suites/parsers";
import { CliUpFigures, PreviewComparison, runCliPreviewOfExisting, runCliPreviewOfNew, runCliUp } from "./suites/cli";
import { HandleFigures, runHandle } from "./suites/handle";
import { PreviewFigures, runPreviewAtScale } from "./suites/preview";
import { LIFECYCLE_STEPS, LifecycleStep, OperationCalls, ScaleFigures, runLifecycleCalls, runUpAtScale } from "./suites/s3";

const MAX_PROVIDER_BYTES = 8 * 1024;
/**
 * Timing goals (issues "one policy model" and "one reading of a policy"), at 20 KB, reported, never enforced: a shared
 * machine is noisy. Each is a ratio to JSON.parse of the same texts, measured in the same rounds.
 */
const MAX_EQUIVALENCE_VS_PARSE = 2.5;
const MAX_REWRITTEN_EQUIVALENCE_VS_PARSE = 3;
const MAX_CHECK_VS_PARSE = 4;
const MAX_FORMAT_VS_CANONICALIZE = 1;
/** A BucketPolicy preview through the CLI may cost at most this much of the same preview of a minimal dynamic resource. */
const MAX_CLI_PREVIEW_VS_MINIMAL = 1.2;
/** Issue 22: analyzeAccessChange of a 20-statement change, milliseconds of CPU. */
const MAX_ACCESS_MS_AT_20 = 50;

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
              warmSerializeCalls: 3,
              previewResources: 50,
              lifecycleRuns: 1,
              upResources: 5,
              cliPreviewResources: 20,
              cliRounds: 1,
              cliUpResources: 5,
          }
        : {
              measure: { rounds: 9, roundMs: 60, warmupCalls: 200 },
              handleProcesses: 5,
              warmSerializeCalls: 10,
              previewResources: 1000,
              lifecycleRuns: 5,
              upResources: 100,
              // A preview of 1,000 takes 15–50 s per program on 2 busy cores: two interleaved rounds of each.
              cliPreviewResources: 1000,
              cliRounds: 2,
              cliUpResources: 100,
          };
}

/** Pulumi's default `--parallel`: 4 × GOMAXPROCS (the CPU count), unless PULUMI_PARALLEL is set (pkg/cmd/pulumi/operations/up.go). */
function enginesDefaultParallel(): number {
    const fromEnv = Number(process.env.PULUMI_PARALLEL);
    return fromEnv > 0 ? fromEnv : 4 * os.cpus().length;
}

interface Goal {
    goal: string;
    value: number | string | null;
    met: boolean | null;
    /** Deterministic goals fail the run when missed; timing goals are reported only. */
    enforced: boolean;
}

interface Report {
    schema: 1;
    mode: "full" | "smoke";
    startedAt: string;
    durationSeconds: number;
    machine: Record<string, unknown>;
    build: string;
    equivalence: Record<string, EquivalenceSize>;
    /** parsePolicy against JSON.parse and the number-keeping parsers (why scan.ts stays: docs/how-it-works.md). */
    parsers: ParsersFigures;
    providerHandle: HandleFigures;
    /** analyzeAccessChange on 5-, 20- and 50-statement changes (issue 22). */
    access: AccessFigures;
    previewAtScale: PreviewFigures;
    s3Calls: Record<LifecycleStep, OperationCalls> | null;
    upAtScale: ScaleFigures | null;
    /** `pulumi preview` of new BucketPolicy resources beside a minimal dynamic resource, through the real CLI. */
    cliPreviewNew: PreviewComparison;
    /** The same previews with the resources in state (needs S3 for the BucketPolicy `up`). */
    cliPreviewExisting: PreviewComparison | null;
    /** `pulumi up` and `destroy` of BucketPolicy resources on the local RadosGW. */
    cliUp: CliUpFigures | null;
    goals: Record<string, Goal>;
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
): Promise<{ calls: Record<LifecycleStep, OperationCalls>; scale: ScaleFigures; cliUp: CliUpFigures; cliPreviewExisting: PreviewComparison }> {
    const server = await startServer();
    try {
        const { env } = server;
        const alice = s3ClientFor(env, "alice");
        const proxy = await startS3Proxy({ target: env.endpoint });
        const host = await DynamicProviderHost.start({
            cwd: REPO_DIR,
            env: { AWS_ACCESS_KEY_ID: env.users.alice.accessKeyId, AWS_SECRET_ACCESS_KEY: env.users.alice.secretAccessKey, AWS_REGION: env.region },
            config: { "aws:region": env.region },
        });
        try {
            const context = { env, proxy, host, alice, providerText };
            const calls = await runLifecycleCalls(context, counts.lifecycleRuns, log);
            const scale = await runUpAtScale(context, counts.upResources, parallel, log);
            const cliContext = { cli, env, proxy, alice };
            const cliUp = await runCliUp(cliContext, counts.cliUpResources, parallel, log);
            // Last: it leaves its buckets to the server's purge.
            const cliPreviewExisting = await runCliPreviewOfExisting(cliContext, counts.cliPreviewResources, counts.cliRounds, parallel, log);
            return { calls, scale, cliUp, cliPreviewExisting };
        } finally {
            await host.stop();
            await proxy.close();
            alice.destroy();
        }
    } finally {
        await server.stop();
    }
}

function goals(report: Omit<Report, "goals">): Record<string, Goal> {
    const smoke = report.mode === "smoke";
    const sizes = Object.values(report.equivalence);
    const worstOf = (pick: (size: EquivalenceSize) => number) => Math.max(...sizes.map(pick));
    const worst = worstOf((size) => size.ratios.equivalentVsParsePair);
    const largest = report.equivalence["20KB"];
    const calls = report.s3Calls;
    const scale = report.upAtScale;
    const previewCalls = calls ? calls.previewCreate.calls + calls.previewUpdate.calls : null;
    const noopCalls = calls && scale ? calls.noop.calls + scale.noopUp.s3Calls : null;
    const cliPreviews = [report.cliPreviewNew, report.cliPreviewExisting].filter((x): x is PreviewComparison => x !== null);
    const cliPreviewCalls = cliPreviews.reduce((sum, comparison) => sum + comparison.s3Calls, 0);
    const cliUp = report.cliUp;
    const puts = cliUp ? (cliUp.up.byOperation.PutBucketPolicy ?? 0) : null;
    const cliRatioGoal = (comparison: PreviewComparison | null, what: string): Goal => ({
        goal: `pulumi preview of ${what} BucketPolicy resources ≤ ${MAX_CLI_PREVIEW_VS_MINIMAL} × the same preview of a minimal dynamic resource (wall time)`,
        value: comparison?.ratio ?? null,
        // Twenty resources measure the CLI's start-up, not the resources.
        met: smoke || !comparison ? null : comparison.ratio <= MAX_CLI_PREVIEW_VS_MINIMAL,
        enforced: false,
    });
    return {
        equivalenceAtMost2_5xParse: {
            goal: `policiesEquivalent(a, b) of the keys-reordered, pretty-printed pair ≤ ${MAX_EQUIVALENCE_VS_PARSE} × (JSON.parse(a) + JSON.parse(b)), 20 KB (worst size reported beside it)`,
            value: largest ? `${largest.ratios.equivalentVsParsePair} (worst size ${worst})` : null,
            // Smoke rounds last a few milliseconds: too short to judge a ratio of timings.
            met: smoke || !largest ? null : largest.ratios.equivalentVsParsePair <= MAX_EQUIVALENCE_VS_PARSE,
            enforced: false,
        },
        rewrittenEquivalenceAtMost3xParse: {
            goal: `policiesEquivalent(a, b) of the fully rewritten pair (statements and lists reversed, actions re-cased, keys reordered, pretty-printed) ≤ ${MAX_REWRITTEN_EQUIVALENCE_VS_PARSE} × (JSON.parse(a) + JSON.parse(b)), 20 KB`,
            value: largest?.ratios.equivalentRewrittenVsParsePair ?? null,
            met: smoke || !largest ? null : largest.ratios.equivalentRewrittenVsParsePair <= MAX_REWRITTEN_EQUIVALENCE_VS_PARSE,
            enforced: false,
        },
        checkAtMost4xParse: {
            goal: `the provider's check (validation, public access, format) ≤ ${MAX_CHECK_VS_PARSE} × JSON.parse of its text, 20 KB`,
            value: largest?.ratios.checkVsParseOne ?? null,
            met: smoke || !largest ? null : largest.ratios.checkVsParseOne <= MAX_CHECK_VS_PARSE,
            enforced: false,
        },
        formatNoDearerThanCanonicalize: {
            goal: `formatPolicy ≤ ${MAX_FORMAT_VS_CANONICALIZE} × canonicalizePolicy of the same text, every size`,
            value: worstOf((size) => size.ratios.formatVsCanonicalize),
            met: smoke ? null : worstOf((size) => size.ratios.formatVsCanonicalize) <= MAX_FORMAT_VS_CANONICALIZE,
            enforced: false,
        },
        accessChangeAt20WithinBudget: {
            goal: `analyzeAccessChange of a 20-statement change ≤ ${MAX_ACCESS_MS_AT_20} ms (CPU; the slowest of three changes), and a 1 ms budget answers "possible"`,
            value: `${report.access.worstAt20Ms} ms; budget: ${report.access.budget.newAccess} in ${report.access.budget.ms} ms`,
            met: smoke
                ? report.access.budget.newAccess === "possible"
                : report.access.worstAt20Ms <= MAX_ACCESS_MS_AT_20 && report.access.budget.newAccess === "possible",
            enforced: false,
        },
        previewMakesNoS3Call: {
            goal: "0 S3 calls for preview (check, check + diff)",
            value: previewCalls,
            met: previewCalls === null ? null : previewCalls === 0,
            enforced: true,
        },
        noopMakesNoS3Call: {
            goal: "0 S3 calls for a no-op (equal, reformatted policy)",
            value: noopCalls,
            met: noopCalls === null ? null : noopCalls === 0,
            enforced: true,
        },
        updateWritesOnce: {
            goal: "1 write (PutBucketPolicy) and nothing else per update",
            value: calls ? calls.update.operations.join(",") : null,
            met: calls ? calls.update.writes === 1 && calls.update.calls === 1 : null,
            enforced: true,
        },
        cliPreviewAtMost1_2xMinimal: cliRatioGoal(report.cliPreviewNew, "new"),
        cliPreviewOfStateAtMost1_2xMinimal: cliRatioGoal(report.cliPreviewExisting, "existing"),
        cliPreviewMakesNoS3Call: {
            goal: "0 S3 calls for pulumi preview (new resources, and resources in state)",
            value: cliPreviewCalls,
            met: cliPreviewCalls === 0,
            enforced: true,
        },
        cliUpPutsOncePerResource: {
            goal: "pulumi up of N new policies: exactly N PutBucketPolicy",
            value: cliUp ? `${puts} for ${cliUp.resources}` : null,
            met: cliUp ? puts === cliUp.resources : null,
            enforced: true,
        },
        providerAtMost8KB: {
            goal: `__provider ≤ ${MAX_PROVIDER_BYTES} bytes`,
            value: report.providerHandle.bytes,
            met: report.providerHandle.bytes <= MAX_PROVIDER_BYTES,
            enforced: true,
        },
    };
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function table(report: Report): string {
    const lines: string[] = [];
    const sizes = Object.keys(report.equivalence);
    const row = (label: string, pick: (size: EquivalenceSize) => string) =>
        lines.push(`  ${label.padEnd(48)}${sizes.map((s) => pick(report.equivalence[s]).padStart(22)).join("")}`);
    const us = (key: keyof EquivalenceSize) => (size: EquivalenceSize) => {
        const sample = size[key] as { median: number; min: number; max: number };
        return `${fmt(sample.median)} (${fmt(sample.min)}–${fmt(sample.max)})`;
    };
    lines.push(`Equivalence, µs per call: median (fastest–slowest round)`);
    row("", (size) => `${size.bytes} B/${size.statements} st`);
    row("JSON.parse, one text", us("parseOneUs"));
    row("JSON.parse, both texts            [floor]", us("parsePairUs"));
    row("naive: parse both + deep-equal    [baseline]", us("naiveDeepEqualPairUs"));
    row("naive: parse both + util.isDeepStrictEqual", us("naiveNodeDeepEqualPairUs"));
    row("canonicalizePolicy, one text", us("canonicalizeOneUs"));
    row("policiesEquivalent, keys reordered, pretty", us("equivalentPairUs"));
    row(`  ratio to parsing both texts     [goal ≤${MAX_EQUIVALENCE_VS_PARSE}]`, (size) => `${size.ratios.equivalentVsParsePair}x`);
    row("  ratio to parsing one text", (size) => `${size.ratios.equivalentVsParseOne}x`);
    row("policiesEquivalent, lists reordered, re-cased", us("equivalentRewrittenUs"));
    row(`  ratio to parsing both texts     [goal ≤${MAX_REWRITTEN_EQUIVALENCE_VS_PARSE}]`, (size) => `${size.ratios.equivalentRewrittenVsParsePair}x`);
    row("  naive deep-equal is … slower", (size) => `${size.ratios.naiveVsEquivalent}x`);
    row("  naive util.isDeepStrictEqual is … slower", (size) => `${size.ratios.naiveNodeVsEquivalent}x`);
    row("formatPolicy (what check puts)", us("formatUs"));
    row("diffPolicies, one change (preview detail)", us("diffPoliciesUs"));
    row("provider check, in-process", us("providerCheckUs"));
    row("provider diff, same text after check", us("providerDiffSameTextUs"));
    row("provider diff, other spelling", us("providerDiffRewrittenUs"));
    row("provider check + diff", us("providerCheckDiffUs"));
    row("provider check, compact text (interleaved)", us("checkOneUs"));
    row(`  ratio to parsing its text       [goal ≤${MAX_CHECK_VS_PARSE}]`, (size) => `${size.ratios.checkVsParseOne}x`);
    row("formatPolicy, compact text (interleaved)", us("formatOneUs"));
    row(`  ratio to canonicalizePolicy     [goal ≤${MAX_FORMAT_VS_CANONICALIZE}]`, (size) => `${size.ratios.formatVsCanonicalize}x`);
    row("analyzePublicAccess (in check)", us("publicAccessUs"));
    row("  ratio to parsing its text", (size) => `${size.ratios.publicAccessVsParseOne}x`);
    lines.push(`analyzeAccessChange, ms of CPU per call (median, fastest–slowest) and verdict  [goal ≤${MAX_ACCESS_MS_AT_20} ms at 20 statements]`);
    for (const [statements, changes] of Object.entries(report.access.cases)) {
        const cells = Object.entries(changes).map(([change, c]) => `${change}: ${fmt(c.ms.median)} (${fmt(c.ms.min)}–${fmt(c.ms.max)}) ${c.newAccess}`);
        lines.push(`  ${`${statements} statements`.padEnd(16)}${cells.join("; ")}`);
    }
    lines.push(
        `  budget ${report.access.budget.budgetMs} ms at ${report.access.budget.statements} statements: ${report.access.budget.newAccess} in ${report.access.budget.ms} ms`,
    );
    lines.push(parsersTable(report.parsers));
    const h = report.providerHandle;
    lines.push(
        `__provider: ${h.bytes} B (goal ≤ ${MAX_PROVIDER_BYTES}); serialize cold ${fmt(h.coldSerializeMs.median)} ms, warm ${fmt(h.warmSerializeMs.median)} ms; ` +
            `first BucketPolicy under setMocks ${h.coldRegisterMs ? `${fmt(h.coldRegisterMs.median)} ms` : "not measured"} (require @pulumi/pulumi ${fmt(h.requirePulumiMs.median)} ms)`,
    );
    const p = report.previewAtScale;
    lines.push(
        `Preview of ${p.resources} via the host (check + diff, serial): ${p.totalSeconds} s, ${p.perResourceMs} ms/resource ` +
            `(first ${p.firstResourceMs} ms; median by size ${Object.entries(p.perResourceMsBySize)
                .map(([size, sample]) => `${size} ${fmt(sample.median)}`)
                .join(", ")} ms); host RSS ${p.host.rssBeforeMiB} MiB before, peak ${p.host.peakRssMiB} MiB`,
    );
    if (report.s3Calls) {
        lines.push(`S3 calls per operation (on the wire):`);
        for (const step of Object.keys(LIFECYCLE_STEPS) as LifecycleStep[]) {
            const c = report.s3Calls[step];
            lines.push(
                `  ${step.padEnd(14)} ${String(c.calls).padStart(2)} call(s), ${c.writes} write(s)  ${(c.operations.join(" + ") || "-").padEnd(38)} ${fmt(c.ms.median)} ms   ${LIFECYCLE_STEPS[step]}`,
            );
        }
    } else lines.push("S3 calls per operation: not measured (--no-s3)");
    const u = report.upAtScale;
    if (u) {
        const phase = (label: string, x: ScaleFigures["up"]) => `${label} ${x.totalSeconds} s (${x.s3Calls} calls)`;
        lines.push(
            `At scale, ${u.resources} policies on ${u.resources} buckets, parallel ${u.parallel}: ${[phase("up", u.up), phase("no-op up", u.noopUp), phase("refresh", u.refresh), phase("destroy", u.destroy)].join("; ")}`,
        );
    }
    lines.push(...cliTable(report));
    lines.push("Goals:");
    for (const [name, goal] of Object.entries(report.goals)) {
        lines.push(`  ${goal.met === null ? "n/a " : goal.met ? "met " : "MISS"}  ${name}: ${goal.goal}; measured ${JSON.stringify(goal.value)}`);
    }
    return lines.join("\n");
}

/** The CLI part of the table. */
function cliTable(report: Report): string[] {
    const lines: string[] = [];
    const seconds = (sample: { median: number; min: number; max: number } | null) =>
        sample ? `${fmt(sample.median)} s (${fmt(sample.min)}–${fmt(sample.max)})` : "-";
    const comparison = (title: string, c: PreviewComparison) => {
        lines.push(`${title}, ${c.resources} resources (${c.policyBytes} B policy), median of ${c.rounds} round(s), wall (fastest–slowest):`);
        for (const [label, p] of [
            ["BucketPolicy", c.bucketPolicy],
            ["minimal dynamic resource  [floor]", c.minimal],
        ] as const) {
            lines.push(
                `  ${label.padEnd(36)}${seconds(p.wallSeconds).padEnd(24)} first resource at ${p.firstResourceSeconds ? fmt(p.firstResourceSeconds.median) : "-"} s, then ` +
                    `${p.perResourceMs ? fmt(p.perResourceMs.median) : "-"} ms/resource, engine ${p.engineSeconds.join("/")} s`,
            );
        }
        lines.push(`  ratio ${c.ratio} (goal ≤ ${MAX_CLI_PREVIEW_VS_MINIMAL}), per resource ${c.perResourceRatio ?? "-"}; ${c.s3Calls} S3 call(s)`);
        if (c.setup)
            lines.push(
                `  state from an up (PULUMI_SKIP_CHECKPOINTS): BucketPolicy ${c.setup.bucketPolicyUpSeconds} s ${JSON.stringify(c.setup.bucketPolicyUpCalls)}, ` +
                    `minimal ${c.setup.minimalUpSeconds} s; state bytes per resource ${c.setup.bucketPolicyStateBytesPerResource} / ${c.setup.minimalStateBytesPerResource}`,
            );
    };
    comparison(`pulumi ${report.machine.pulumiCli} preview of new resources`, report.cliPreviewNew);
    if (report.cliPreviewExisting) comparison("pulumi preview of resources in state (check + diff)", report.cliPreviewExisting);
    else lines.push("pulumi preview of resources in state: not measured (--no-s3)");
    const u = report.cliUp;
    if (u) {
        const phase = (label: string, x: CliUpFigures["up"]) =>
            `${label} ${x.wallSeconds} s (first resource at ${x.firstResourceSeconds ?? "-"} s), ${x.s3Calls} calls ${JSON.stringify(x.byOperation)}`;
        lines.push(
            `pulumi up of ${u.resources} policies on ${u.resources} buckets, parallel ${u.parallel}: ${phase("up", u.up)}; ${phase("destroy", u.destroy)}`,
        );
    } else lines.push("pulumi up: not measured (--no-s3)");
    return lines;
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

    const equivalence = await runEquivalence(counts.measure, log);
    const parsers = runParsers(counts.measure, log);
    const access = runAccess(counts.measure.rounds, log);
    const providerHandle = runHandle(counts.handleProcesses, counts.warmSerializeCalls, !settings.smoke, log);
    // The text the engine stores and sends with every call, from the shipped (compiled) handle.
    const Handle = distLazyProviderClass();
    const handle = new Handle();
    const providerText = (await pulumi.runtime.serializeFunction(() => handle, { allowSecrets: true })).text;
    const previewAtScale = await runPreviewAtScale(counts.previewResources, providerText, log);
    const cli = startBenchCli(log);
    let cliPreviewNew: PreviewComparison;
    let s3: Awaited<ReturnType<typeof s3Benchmarks>> | undefined;
    try {
        cliPreviewNew = await runCliPreviewOfNew(cli, counts.cliPreviewResources, counts.cliRounds, log);
        s3 = settings.s3 ? await s3Benchmarks(providerText, counts, parallel, cli) : undefined;
    } finally {
        cli.dispose();
    }

    const partial = {
        schema: 1 as const,
        mode: settings.smoke ? ("smoke" as const) : ("full" as const),
        startedAt: startedAt.toISOString(),
        durationSeconds: Number((Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)),
        machine: { ...machineAtStart, pulumiCli: cli.version, loadAverageAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))) },
        build,
        equivalence,
        parsers,
        access,
        providerHandle,
        previewAtScale,
        s3Calls: s3?.calls ?? null,
        upAtScale: s3?.scale ?? null,
        cliPreviewNew,
        cliPreviewExisting: s3?.cliPreviewExisting ?? null,
        cliUp: s3?.cliUp ?? null,
        notes: [
            "Times are medians over rounds (equivalence: calibrated rounds of about roundMs each) or runs, with the fastest and slowest beside them.",
            "Equivalence pairs: the same document with every object's keys reversed and 2-space indented (deep-equal agrees), and rewritten (lists and statements reversed, actions upper-cased: deep-equal disagrees).",
            "Preview and no-op emulate the engine: check then diff per resource, serially (PULUMI_PARALLEL_DIFF is off by default).",
            `up/refresh/destroy at scale run at most ${parallel} resource operations at once: Pulumi's default --parallel is 4 x GOMAXPROCS (pkg/cmd/pulumi/operations/up.go, issue pulumi/pulumi#14989); set PULUMI_PARALLEL to change it here too.`,
            "Cold serialization runs in a fresh plain-JavaScript process (no ts-node preloaded).",
            "CLI figures: the wall time of one `pulumi` process (spawn to exit) with the CLI's defaults (file backend, checkpoints on, default --parallel), programs in TypeScript run transpile-only; 'first resource at' is spawn to the first declared resource's engine event (CLI and program start, plus the program's synchronous top-level code: the Node SDK registers nothing before it returns, so it includes constructing every resource object), then per resource is first to last such event over the resources after the first (event log tailed every 20 ms); engine is the summary event's whole seconds.",
            "CLI minimal dynamic resource: bench/programs/minimal-dynamic, a provider with only create returning its inputs, declared with the same bucket and policy strings as the BucketPolicy program; no check or diff of its own, so the host answers check with the inputs and diff with 'unknown' (the engine compares inputs).",
            "CLI previews of resources in state start from an up run with PULUMI_SKIP_CHECKPOINTS=true (set-up only: with checkpoints the file backend rewrites the whole state after every step, quadratic in the resource count).",
        ],
    };
    const report: Report = { ...partial, goals: goals(partial) };

    const json = JSON.stringify(report, null, 2);
    const resultsDir = path.join(__dirname, "results");
    fs.mkdirSync(resultsDir, { recursive: true });
    const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
    fs.writeFileSync(path.join(resultsDir, `${stamp}.json`), json + "\n");
    fs.writeFileSync(path.join(resultsDir, "latest.json"), json + "\n");
    process.stdout.write(json + "\n");
    process.stderr.write("\n" + table(report) + "\n");
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
