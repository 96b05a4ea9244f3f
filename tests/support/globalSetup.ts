/**
 * Jest global setup: starts the two disposable local S3 servers for the whole run when a selected tier needs them,
 * RadosGW (`scripts/local-s3.sh`) and LocalStack's S3 (`scripts/localstack.sh`), and publishes them to the test
 * workers through `LOCAL_S3_ENV_FILE` and `LOCALSTACK_ENV_FILE` (workers inherit the environment of this process).
 * {@link globalTeardown} stops only what this setup started.
 *
 * It starts nothing when
 * - `LOCAL_S3=skip`;
 * - for one server: its variable names an existing env file (a server you started yourself: reused, left running);
 * - no selected project needs a server: only `unit`/`program` are chosen with `--selectProjects`/`--ignoreProjects`,
 *   or the path patterns on the command line match no `*.s3.test.ts`/`*.host.test.ts` file.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LOCAL_S3_SCRIPT, LocalS3Env, startLocalS3, stopLocalS3 } from "./localS3";
import { LOCALSTACK_ENV_FILE, LOCALSTACK_SCRIPT, startLocalStack, stopLocalStack } from "./localStack";

/** Finds the Pulumi CLI, or builds it (kept apart from ./pulumiCli so this setup does not load the Automation API). */
const ENSURE_CLI_SCRIPT = path.resolve(__dirname, "../../scripts/pulumi-cli/ensure.sh");

/**
 * The parts of jest's `globalConfig` this setup reads (declared here: `@jest/types` is not a direct dependency).
 * `testPathPatterns` is jest 30's object with `patterns`; older jest passed `testPathPattern`, a string.
 * @internal
 */
export interface JestGlobalConfig {
    rootDir: string;
    testPathPatterns?: { patterns?: string[] } | string[];
    testPathPattern?: string;
}

/** The jest projects (displayName) that never use the server; any other project is assumed to need it. @internal */
export const PROJECTS_WITHOUT_SERVER = ["unit", "program"];
/** The projects of jest.config.js, used when it cannot be read. @internal */
export const ALL_PROJECTS = ["unit", "s3", "host", "program", "cli"];

/** The displayNames of the projects in `<rootDir>/jest.config.js`, or {@link ALL_PROJECTS}. @internal */
export function projectNames(rootDir: string): string[] {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const config = require(path.join(rootDir, "jest.config.js")) as { projects?: Array<{ displayName?: string } | string> };
        const names = (config.projects ?? [])
            .map((project) => (typeof project === "string" ? undefined : project.displayName))
            .filter((name): name is string => !!name);
        return names.length ? names : ALL_PROJECTS;
    } catch {
        return ALL_PROJECTS;
    }
}
/** Where the tests that need the server live, to check the command line's path patterns against. */
const SERVER_TEST_DIRS = ["tests/s3", "tests/host", "tests/cli"];
const SERVER_TEST_FILE = /\.(s3|host|cli)\.test\.ts$/;
/** The CLI tier's tests: they need the Pulumi CLI too. */
const CLI_TEST_DIR = "tests/cli";
const CLI_TEST_FILE = /\.cli\.test\.ts$/;

/** One server this setup started, as teardown needs it. @internal */
export interface StartedServer {
    /** e.g. `RadosGW at http://127.0.0.1:2xxxx` */
    label: string;
    /** The variable that names its env file for the workers, and the value it had before setup set it. */
    envVar: string;
    previousEnvFile: string | undefined;
    stop: () => Promise<void>;
    /** Synchronous stop (for the exit and signal handlers); idempotent. */
    stopNow: () => void;
}

/** What setup leaves on `globalThis` for teardown. @internal */
export interface LocalS3RunState {
    servers: StartedServer[];
    /** Removes the exit and signal handlers that stop the servers if teardown never runs. */
    removeHandlers: () => void;
}

/** The `globalThis` property that carries {@link LocalS3RunState} from setup to teardown. @internal */
export const STATE_KEY = "__localS3RunState__";

type GlobalWithState = typeof globalThis & { [STATE_KEY]?: LocalS3RunState };

/** The values of a repeatable jest CLI option (`--opt a b`, `--opt=a`, `--opt a --opt b`). @internal */
export function cliValues(argv: readonly string[], option: string): string[] | undefined {
    let values: string[] | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === `--${option}`) {
            values ??= [];
            for (let j = i + 1; j < argv.length && !argv[j].startsWith("-"); j++) values.push(argv[j]);
        } else if (arg.startsWith(`--${option}=`)) {
            values ??= [];
            values.push(arg.slice(option.length + 3));
        }
    }
    return values;
}

/** The project names jest will run, when the command line narrows them; `undefined` when it does not. @internal */
export function selectedProjects(argv: readonly string[], allProjects: readonly string[]): string[] | undefined {
    const selected = cliValues(argv, "selectProjects");
    const ignored = cliValues(argv, "ignoreProjects");
    if (!selected && !ignored) return undefined;
    // The option is greedy: in `--selectProjects program tests/program/x` jest takes the path for a project name too,
    // and selects nothing by it. Only real project names count.
    return allProjects.filter((name) => (selected ?? allProjects).includes(name) && !(ignored ?? []).includes(name));
}

function listFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? listFiles(full) : [full];
    });
}

/** The path patterns (regular expressions on absolute paths) given on the command line, if any. */
function testPathPatterns(globalConfig: JestGlobalConfig): string[] {
    const patterns = globalConfig.testPathPatterns;
    if (Array.isArray(patterns)) return patterns;
    if (patterns?.patterns) return patterns.patterns;
    return globalConfig.testPathPattern ? [globalConfig.testPathPattern] : [];
}

/** Why no server is needed for this run, or `undefined` when one is. @internal */
export function reasonToSkip(globalConfig: JestGlobalConfig, argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
    if (env.LOCAL_S3 === "skip") return "LOCAL_S3=skip";
    const projects = selectedProjects(argv, projectNames(globalConfig.rootDir));
    if (projects && projects.every((name) => PROJECTS_WITHOUT_SERVER.includes(name))) {
        return `only the ${projects.join(", ") || "(no)"} project(s) are selected`;
    }
    const patterns = testPathPatterns(globalConfig);
    if (patterns.length > 0) {
        const rootDir = globalConfig.rootDir;
        const serverTests = SERVER_TEST_DIRS.flatMap((dir) => listFiles(path.join(rootDir, dir))).filter((file) => SERVER_TEST_FILE.test(file));
        const matches = (file: string) =>
            patterns.some((pattern) => {
                try {
                    return new RegExp(pattern, "i").test(file);
                } catch {
                    return true; // an odd pattern: start the server rather than guess
                }
            });
        if (!serverTests.some(matches)) return `the test path patterns (${patterns.join(" ")}) match no s3/host/cli test`;
    }
    return undefined;
}

/** Whether this run includes the CLI tier (so the Pulumi CLI must be built or found before the tests start). @internal */
export function runsCliTier(globalConfig: JestGlobalConfig, argv: readonly string[]): boolean {
    const projects = selectedProjects(argv, projectNames(globalConfig.rootDir));
    if (projects && !projects.includes("cli")) return false;
    const patterns = testPathPatterns(globalConfig);
    if (patterns.length === 0) return true;
    const cliTests = listFiles(path.join(globalConfig.rootDir, CLI_TEST_DIR)).filter((file) => CLI_TEST_FILE.test(file));
    return cliTests.some((file) => patterns.some((pattern) => new RegExp(pattern, "i").test(file)));
}

/** Finds or builds the Pulumi CLI once for the whole run (minutes on a fresh machine), and publishes its root to the workers. */
function ensurePulumiCli(): void {
    if (process.env.PULUMI_CLI_ROOT) return;
    const started = Date.now();
    const result = spawnSync("bash", [ENSURE_CLI_SCRIPT], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (result.status !== 0) throw new Error(`the CLI tier needs the Pulumi CLI, and scripts/pulumi-cli/ensure.sh failed (exit ${result.status})`);
    process.env.PULUMI_CLI_ROOT = result.stdout.trim();
    log(`Pulumi CLI at ${process.env.PULUMI_CLI_ROOT} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function log(message: string): void {
    process.stderr.write(`[local-s3] ${message}\n`);
}

/** Synchronous stop through a server script, for the process exit and signal handlers. */
function stopSync(script: string, dir: string): void {
    spawnSync("bash", [script, "stop", dir, "--purge"], { stdio: "ignore", timeout: 60_000 });
}

/** Install progress is worth seeing (it can take a while); the rest only with LOCAL_S3_VERBOSE=1. */
function progress(line: string): void {
    if (process.env.LOCAL_S3_VERBOSE === "1" || /install|apt-get|ERROR/i.test(line)) process.stderr.write(`${line}\n`);
}

/** Starts one server unless its env variable already names a running one's env file (then it is reused and left running). */
async function startServer(
    envVar: string,
    name: string,
    script: string,
    start: () => Promise<LocalS3Env>,
    stop: (env: LocalS3Env) => Promise<void>,
): Promise<StartedServer | undefined> {
    const existing = process.env[envVar];
    if (existing && fs.existsSync(existing)) {
        log(`reusing the ${name} server described by ${envVar}=${existing}`);
        return undefined;
    }
    if (existing) log(`${envVar}=${existing} does not exist; starting a new server`);
    const started = Date.now();
    let env: LocalS3Env;
    try {
        env = await start();
    } catch (error) {
        throw new Error(
            `could not start ${name}, which the s3, host and cli tiers need.\n` +
                `Run only the unit and program tiers with \`--selectProjects unit program\`, or set LOCAL_S3=skip to start no server.\n${(error as Error).message}`,
        );
    }
    process.env[envVar] = path.join(env.dir, "env");
    log(`${name} at ${env.endpoint} (users alice, bob; ${env.dir}) started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    let stopped = false;
    return {
        label: `${name} at ${env.endpoint}`,
        envVar,
        previousEnvFile: existing,
        stop: async () => {
            stopped = true;
            await stop(env);
        },
        stopNow: () => {
            if (stopped) return;
            stopped = true;
            stopSync(script, env.dir);
        },
    };
}

/**
 * Jest's `globalSetup(globalConfig, projectConfig)`. `projectConfig` is only the first test's project, so the
 * decision uses the command line (`--selectProjects`, `--ignoreProjects`, path patterns) instead.
 * Starts RadosGW and LocalStack side by side (each reused when its env variable names a running one).
 * @throws Error explaining why a server could not start (e.g. the apt-get failure), so the run stops at once.
 */
export default async function globalSetup(globalConfig: JestGlobalConfig, _projectConfig?: unknown): Promise<void> {
    if (runsCliTier(globalConfig, process.argv)) ensurePulumiCli();
    const skip = reasonToSkip(globalConfig, process.argv, process.env);
    if (skip) {
        for (const envVar of ["LOCAL_S3_ENV_FILE", LOCALSTACK_ENV_FILE]) {
            const file = process.env[envVar];
            if (file && !fs.existsSync(file)) delete process.env[envVar];
        }
        return;
    }
    const outcomes = await Promise.allSettled([
        startServer(
            "LOCAL_S3_ENV_FILE",
            "RadosGW",
            LOCAL_S3_SCRIPT,
            () => startLocalS3(undefined, { onLog: progress }),
            (env) => stopLocalS3(env, { purge: true }),
        ),
        startServer(
            LOCALSTACK_ENV_FILE,
            "LocalStack",
            LOCALSTACK_SCRIPT,
            () => startLocalStack(undefined, { onLog: progress }),
            (env) => stopLocalStack(env, { purge: true }),
        ),
    ]);
    const servers = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" && outcome.value ? [outcome.value] : []));
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failed) {
        for (const server of servers) server.stopNow();
        throw failed.reason;
    }
    if (servers.length === 0) return;

    // If jest dies without running the teardown (an exception, process.exit, Ctrl-C), the servers would outlive it.
    const stopAll = () => servers.forEach((server) => server.stopNow());
    const onSignal = (signal: NodeJS.Signals) => {
        stopAll();
        removeHandlers();
        process.kill(process.pid, signal);
    };
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    const removeHandlers = () => {
        process.removeListener("exit", stopAll);
        for (const signal of signals) process.removeListener(signal, onSignal);
    };
    process.once("exit", stopAll);
    for (const signal of signals) process.once(signal, onSignal);
    (globalThis as GlobalWithState)[STATE_KEY] = { servers, removeHandlers };
}
