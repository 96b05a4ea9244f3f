/**
 * The CLI tier's fixture: the real `pulumi` (from `scripts/pulumi-cli/ensure.sh`), driven through the Automation API
 * (`@pulumi/pulumi/automation`) or as a plain process, on a file backend in a temporary folder with the passphrase
 * secrets provider, offline, with one local S3 user's credentials in the environment (never in config or state).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { S3Client } from "@aws-sdk/client-s3";
import { BucketTracker, LocalS3Env, LocalS3UserName, bucketTracker, loadLocalS3Env, s3ClientFor } from "./localS3";
import type { Scenario, ScenarioResource } from "../cli/program";
import { BUCKET_POLICY_TYPE } from "../../provider/resource";

export const REPO_DIR = path.resolve(__dirname, "../..");
/** The CLI tier's program: a user's program that imports the package by name. */
export const TEST_PROGRAM_DIR = path.join(REPO_DIR, "tests/cli/program");
export const ENSURE_CLI_SCRIPT = path.join(REPO_DIR, "scripts/pulumi-cli/ensure.sh");
export const PASSPHRASE = "cli-tier-passphrase";

/**
 * The CLI's root (`<root>/bin/pulumi`): `PULUMI_CLI_ROOT` when the global setup already provided it, otherwise the
 * ensure script's answer (a build on first use).
 */
export function pulumiCliRoot(): string {
    if (process.env.PULUMI_CLI_ROOT) return process.env.PULUMI_CLI_ROOT;
    const result = spawnSync("bash", [ENSURE_CLI_SCRIPT], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (result.status !== 0) throw new Error(`scripts/pulumi-cli/ensure.sh failed (exit ${result.status})`);
    process.env.PULUMI_CLI_ROOT = result.stdout.trim();
    return process.env.PULUMI_CLI_ROOT;
}

/**
 * Links this repository into a program's node_modules (by default the test program's), as `npm install <path-to-repo>`
 * does, so the program and the provider host load `pulumi-s3-bucket-policy` by name.
 */
export function linkPackageIntoTestProgram(programDir = TEST_PROGRAM_DIR): void {
    const link = path.join(programDir, "node_modules", "pulumi-s3-bucket-policy");
    fs.mkdirSync(path.dirname(link), { recursive: true });
    if (fs.existsSync(link) && fs.realpathSync(link) === fs.realpathSync(REPO_DIR)) return;
    fs.rmSync(link, { force: true, recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), REPO_DIR), link, "dir");
}

/** A private world for one suite: a file backend, a PULUMI_HOME, the environment every pulumi command gets. */
export interface CliWorld {
    dir: string;
    backendUrl: string;
    envVars: Record<string, string>;
    command: PulumiCommand;
    /** Removes the folders. */
    dispose(): void;
}

/** The environment of the CLI and the plugins it starts: offline settings, the passphrase, one user's credentials. */
export function cliEnv(dir: string, s3: LocalS3Env, user: LocalS3UserName = "alice"): Record<string, string> {
    const bin = path.join(pulumiCliRoot(), "bin");
    return {
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_HOME: path.join(dir, "home"),
        PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        // The tests' program is type-checked by `npm run typecheck`; the CLI runs it transpile-only, as fast as it gets.
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        AWS_ACCESS_KEY_ID: s3.users[user].accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.users[user].secretAccessKey,
        AWS_REGION: s3.region,
    };
}

export async function newCliWorld(s3: LocalS3Env, user: LocalS3UserName = "alice"): Promise<CliWorld> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bp-cli-"));
    fs.mkdirSync(path.join(dir, "backend"));
    const envVars = cliEnv(dir, s3, user);
    const command = await PulumiCommand.get({ root: pulumiCliRoot() });
    return { dir, backendUrl: envVars.PULUMI_BACKEND_URL, envVars, command, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A new stack of `workDir`'s program in `world`; its `Pulumi.<stack>.yaml` is written in `workDir` (git-ignored). */
export async function newStack(world: CliWorld, stackName: string, workDir = TEST_PROGRAM_DIR): Promise<Stack> {
    const workspace = await LocalWorkspace.create({
        workDir,
        pulumiHome: world.envVars.PULUMI_HOME,
        envVars: world.envVars,
        pulumiCommand: world.command,
    });
    return Stack.create(stackName, workspace);
}

/** Removes a stack's settings file from the program folder (the backend folder goes with the world). */
export function removeStackFile(stack: Stack, workDir = TEST_PROGRAM_DIR): void {
    fs.rmSync(path.join(workDir, `Pulumi.${stack.name}.yaml`), { force: true });
}

/** The result of a plain `pulumi` process. */
export interface CliRun {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

/** Runs `pulumi args…` in `cwd` as a process, as a pipeline does; `onStdout` sees the output as it comes. */
export function runPulumi(world: CliWorld, cwd: string, args: string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<CliRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(path.join(pulumiCliRoot(), "bin", "pulumi"), args, {
            cwd,
            env: { ...process.env, ...world.envVars },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            onStdout?.(stdout, child);
        });
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
}

/** Options of {@link runOnStack}. */
export interface StackRunOptions {
    /** The command must exit 0: otherwise the call fails with the command line and its output. */
    ok?: boolean;
    /** Sees the output as it comes ({@link runPulumi}'s `onStdout`). */
    onStdout?: (text: string, child: ReturnType<typeof spawn>) => void;
}

/** Runs `pulumi args… --stack <stack>` in `cwd` as a plain process (no terminal: non-interactive, as a pipeline runs it). */
export async function runOnStack(world: CliWorld, cwd: string, stack: string, args: string[], options: StackRunOptions = {}): Promise<CliRun> {
    const command = [...args, "--stack", stack];
    const run = await runPulumi(world, cwd, command, options.onStdout);
    if (options.ok && run.code !== 0) throw new Error(`pulumi ${command.join(" ")} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
    return run;
}

/** The type of a `BucketPolicy` in state (a dynamic resource). */
export { BUCKET_POLICY_TYPE };

/** A resource of an exported deployment. */
export interface ExportedResource {
    type: string;
    urn: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/** What `pulumi stack export` prints, as a user runs it (the Automation API's `exportStack` shows secrets decrypted). */
export interface ExportedStack {
    /** The printed text. */
    text: string;
    deployment: { resources?: ExportedResource[]; pending_operations?: { type: string; resource: { urn: string } }[] };
    /** The deployment's `BucketPolicy` resources. */
    policies: ExportedResource[];
}

/** `pulumi stack export` of `stack` in `cwd` (it must exit 0), parsed. */
export async function exportStack(world: CliWorld, cwd: string, stack: string): Promise<ExportedStack> {
    const { stdout } = await runOnStack(world, cwd, stack, ["stack", "export"], { ok: true });
    const deployment = (JSON.parse(stdout) as { deployment: ExportedStack["deployment"] }).deployment;
    return { text: stdout, deployment, policies: (deployment.resources ?? []).filter((r) => r.type === BUCKET_POLICY_TYPE) };
}

/** A stack of the test program, and the scenario it declares. */
export interface ScenarioStack {
    stack: Stack;
    /** Writes the scenario the next pulumi command will run. */
    declare(resources: ScenarioResource[]): void;
}

/** A stack of {@link TEST_PROGRAM_DIR} whose program declares what {@link ScenarioStack.declare} last wrote. */
export async function newScenarioStack(world: CliWorld, stackName: string, endpoint: string): Promise<ScenarioStack> {
    const stack = await newStack(world, stackName);
    const scenarioFile = path.join(world.dir, `${stackName}.scenario.json`);
    await stack.setAllConfig({ scenarioFile: { value: scenarioFile }, endpoint: { value: endpoint } });
    return { stack, declare: (resources) => fs.writeFileSync(scenarioFile, JSON.stringify({ resources } satisfies Scenario)) };
}

/** What a CLI test file works with; filled in by the `beforeAll` that {@link useCliSuite} registers. */
export interface CliSuite {
    s3: LocalS3Env;
    /** The bucket owner's client, straight to the server. */
    alice: S3Client;
    buckets: BucketTracker;
    world: CliWorld;
    /** A new stack of the test program on `endpoint` (default: the server); destroyed and removed after the file. */
    stack(name: string, endpoint?: string): Promise<ScenarioStack>;
    /**
     * The same, made in a `beforeAll` registered now, for a file whose tests share one stack: read its fields inside
     * hooks and tests. Call it after {@link useCliSuite}.
     */
    sharedStack(name: string, endpoint?: string): ScenarioStack;
    /** `pulumi args… --stack <stack>` in the test program ({@link runOnStack}). */
    run(stack: string, args: string[], options?: StackRunOptions): Promise<CliRun>;
    /** `pulumi stack export` of a stack of the test program ({@link exportStack}). */
    exportStack(stack: string): Promise<ExportedStack>;
    /** The `BucketPolicy` resources of `pulumi stack export`. */
    exportedPolicies(stack: string): Promise<ExportedResource[]>;
}

/**
 * Registers the set-up every CLI test file shares: the local S3 server, alice's client, throw-away buckets, the test
 * program linked to this package, a CLI world; and after the file, every stack made through {@link CliSuite.stack}
 * destroyed and removed, the world's folders and the buckets deleted. The suite also runs `pulumi` on its stacks and
 * exports them. Read its fields inside hooks and tests (they are filled in `beforeAll`).
 */
export function useCliSuite(): CliSuite {
    const stacks: ScenarioStack[] = [];
    const suite = {
        stack: async (name: string, endpoint?: string) => {
            const scenario = await newScenarioStack(suite.world, name, endpoint ?? suite.s3.endpoint);
            stacks.push(scenario);
            return scenario;
        },
        sharedStack: (name: string, endpoint?: string) => {
            const shared = {} as ScenarioStack;
            beforeAll(async () => Object.assign(shared, await suite.stack(name, endpoint)));
            return shared;
        },
        run: (stack: string, args: string[], options?: StackRunOptions) => runOnStack(suite.world, TEST_PROGRAM_DIR, stack, args, options),
        exportStack: (stack: string) => exportStack(suite.world, TEST_PROGRAM_DIR, stack),
        exportedPolicies: async (stack: string) => (await exportStack(suite.world, TEST_PROGRAM_DIR, stack)).policies,
    } as CliSuite;
    beforeAll(async () => {
        suite.s3 = loadLocalS3Env();
        suite.alice = s3ClientFor(suite.s3, "alice");
        suite.buckets = bucketTracker(suite.alice);
        linkPackageIntoTestProgram();
        suite.world = await newCliWorld(suite.s3);
    });
    afterAll(async () => {
        for (const scenario of stacks) {
            await scenario.stack.destroy({ parallel: 16 }).catch(() => undefined);
            removeStackFile(scenario.stack);
        }
        suite.world?.dispose();
        await suite.buckets?.destroyAll();
    });
    return suite;
}
