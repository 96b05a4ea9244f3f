/**
 * Jest global setup: starts one disposable local S3 server (RadosGW, `scripts/local-s3.sh`) for the whole run when a
 * selected tier needs it, and publishes it to the test workers through `LOCAL_S3_ENV_FILE` (workers inherit the
 * environment of this process). {@link globalTeardown} stops only what this setup started.
 *
 * It starts nothing when
 * - `LOCAL_S3=skip`;
 * - `LOCAL_S3_ENV_FILE` names an existing env file (a server you started yourself: it is reused and left running);
 * - no selected project needs a server: only `unit`/`program` are chosen with `--selectProjects`/`--ignoreProjects`,
 *   or the path patterns on the command line match no `*.s3.test.ts`/`*.host.test.ts` file.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LOCAL_S3_SCRIPT, LocalS3Env, startLocalS3 } from "./localS3";

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

/** What setup leaves on `globalThis` for teardown. @internal */
export interface LocalS3RunState {
    env: LocalS3Env;
    envFile: string;
    /** The value `LOCAL_S3_ENV_FILE` had before setup set it. */
    previousEnvFile: string | undefined;
    /** Removes the exit and signal handlers that stop the server if teardown never runs. */
    removeHandlers: () => void;
    /** Stops the server synchronously (used by those handlers); idempotent. */
    stopNow: () => void;
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

/** Synchronous stop, for the process exit and signal handlers (asynchronous work cannot run there). */
function stopSync(dir: string): void {
    spawnSync("bash", [LOCAL_S3_SCRIPT, "stop", dir, "--purge"], { stdio: "ignore", timeout: 60_000 });
}

/**
 * Jest's `globalSetup(globalConfig, projectConfig)`. `projectConfig` is only the first test's project, so the
 * decision uses the command line (`--selectProjects`, `--ignoreProjects`, path patterns) instead.
 * @throws Error explaining why the server could not start (e.g. the apt-get failure), so the run stops at once.
 */
export default async function globalSetup(globalConfig: JestGlobalConfig, _projectConfig?: unknown): Promise<void> {
    if (runsCliTier(globalConfig, process.argv)) ensurePulumiCli();
    const existing = process.env.LOCAL_S3_ENV_FILE;
    if (existing && fs.existsSync(existing)) {
        log(`reusing the local S3 server described by LOCAL_S3_ENV_FILE=${existing}`);
        return;
    }
    const skip = reasonToSkip(globalConfig, process.argv, process.env);
    if (skip) {
        if (existing) delete process.env.LOCAL_S3_ENV_FILE;
        return;
    }
    if (existing) log(`LOCAL_S3_ENV_FILE=${existing} does not exist; starting a new server`);

    const started = Date.now();
    let env: LocalS3Env;
    try {
        // Install progress is worth seeing (it can take a while); the rest only with LOCAL_S3_VERBOSE=1.
        env = await startLocalS3(undefined, {
            onLog: (line) => {
                if (process.env.LOCAL_S3_VERBOSE === "1" || /install|apt-get|ERROR/i.test(line)) process.stderr.write(`${line}\n`);
            },
        });
    } catch (error) {
        throw new Error(
            `could not start the local S3 server (Ceph RadosGW) that the s3 and host tiers need.\n` +
                `Run only the unit tier with \`--selectProjects unit\`, or set LOCAL_S3=skip to skip the server.\n${(error as Error).message}`,
        );
    }
    const envFile = path.join(env.dir, "env");
    let stopped = false;
    const stopNow = () => {
        if (stopped) return;
        stopped = true;
        stopSync(env.dir);
    };
    // If jest dies without running the teardown (an exception, process.exit, Ctrl-C), the daemons would outlive it.
    const onExit = () => stopNow();
    const onSignal = (signal: NodeJS.Signals) => {
        stopNow();
        removeHandlers();
        process.kill(process.pid, signal);
    };
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    const removeHandlers = () => {
        process.removeListener("exit", onExit);
        for (const signal of signals) process.removeListener(signal, onSignal);
    };
    process.once("exit", onExit);
    for (const signal of signals) process.once(signal, onSignal);

    const state: LocalS3RunState = { env, envFile, previousEnvFile: existing, removeHandlers, stopNow };
    (globalThis as GlobalWithState)[STATE_KEY] = state;
    process.env.LOCAL_S3_ENV_FILE = envFile;
    log(`RadosGW at ${env.endpoint} (users alice, bob; ${env.dir}) started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
