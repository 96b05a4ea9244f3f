/**
 * Jest global setup of the projects that need the local S3 servers (s3, host; cli through ./globalSetup.cli.ts):
 * starts the two disposable servers, RadosGW (`scripts/local-s3.sh`) and LocalStack's S3 (`scripts/localstack.sh`),
 * and publishes them to the test workers through `LOCAL_S3_ENV_FILE` and `LOCALSTACK_ENV_FILE` (workers inherit the
 * environment of this process). {@link ./globalTeardown} stops only what this setup started.
 *
 * It is a per-project `globalSetup` in jest.config.js: jest 30 runs a project's global setup only when at least one
 * test of that project is selected (`runGlobalHook` in @jest/core collects the modules from the selected tests'
 * project configs), so `npx jest tests/unit` starts no server and nothing here reads the command line. Jest runs each
 * distinct module once; the cli project's module is another file, so when both run, the second finds the servers
 * through the env-file variables the first set, and reuses them: each server starts once per run.
 *
 * It starts nothing when
 * - `LOCAL_S3=skip`;
 * - for one server: its variable names an existing env file (a server started by you or by an earlier project's
 *   setup: reused, left running by this setup).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LOCAL_S3_SCRIPT, LocalS3Env, startLocalS3, stopLocalS3 } from "./localS3";
import { LOCALSTACK_ENV_FILE, LOCALSTACK_SCRIPT, startLocalStack, stopLocalStack } from "./localStack";

/** One server this run's setup started, as teardown needs it. @internal */
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

export function log(message: string): void {
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
        const ours = (globalThis as GlobalWithState)[STATE_KEY]?.servers.some((server) => server.envVar === envVar);
        if (!ours) log(`reusing the ${name} server described by ${envVar}=${existing}`);
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

/** Records servers for teardown, and installs (once) the exit and signal handlers that stop them if teardown never runs. */
function register(servers: StartedServer[]): void {
    const holder = globalThis as GlobalWithState;
    if (holder[STATE_KEY]) {
        holder[STATE_KEY].servers.push(...servers);
        return;
    }
    const state: LocalS3RunState = { servers, removeHandlers: () => undefined };
    // If jest dies without running the teardown (an exception, process.exit, Ctrl-C), the servers would outlive it.
    const stopAll = () => state.servers.forEach((server) => server.stopNow());
    const onSignal = (signal: NodeJS.Signals) => {
        stopAll();
        state.removeHandlers();
        process.kill(process.pid, signal);
    };
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    state.removeHandlers = () => {
        process.removeListener("exit", stopAll);
        for (const signal of signals) process.removeListener(signal, onSignal);
    };
    process.once("exit", stopAll);
    for (const signal of signals) process.once(signal, onSignal);
    holder[STATE_KEY] = state;
}

/**
 * Starts RadosGW and LocalStack side by side, each unless its env variable names a running one; idempotent within a
 * run, so every project's setup may call it.
 * @throws Error explaining why a server could not start (e.g. the apt-get failure), so the run stops at once.
 */
export async function startServers(): Promise<void> {
    if (process.env.LOCAL_S3 === "skip") {
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
    if (servers.length > 0) register(servers);
}

/** Jest's `globalSetup(globalConfig, projectConfig)` of the s3 and host projects. */
export default async function globalSetup(_globalConfig?: unknown, _projectConfig?: unknown): Promise<void> {
    await startServers();
}
