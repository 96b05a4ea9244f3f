/**
 * The real Pulumi CLI (`pulumi preview`, `pulumi up` as users run them): the same work as the host-level suites, with
 * the engine, the language host, a TypeScript program and the provider host all in the loop.
 *
 * - A preview of many new `BucketPolicy` resources (~1 KB policies) beside the same preview of a minimal dynamic
 *   resource (a provider with only `create`, the same ~1 KB string as input): the floor any dynamic resource pays, and
 *   the ratio between the two.
 * - The same two previews after an `up` put the resources in state: each resource is then checked and diffed.
 * - An `up` of BucketPolicy resources on the local RadosGW, its S3 calls counted by the recording proxy, and the
 *   `destroy` after it.
 *
 * Every figure is the wall time of one `pulumi` process, spawn to exit; the event log splits it at the first declared
 * resource's event into what comes before (start-up and the program's synchronous part) and the per-resource stream.
 * The programs run with the CLI's defaults (checkpoints on, default --parallel).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as path from "path";
import type { LocalS3Env } from "../../tests/support/localS3";
import { createTestBucket, destroyBucket } from "../../tests/support/localS3";
import { S3Proxy, startS3Proxy } from "../../tests/support/s3proxy";
import type { DeclaredResource } from "../programs/declared";
import { BenchCli, BenchStack, CommandRun, PROGRAMS, TimedEvent, createStack, removeStack, runPulumiOk, stateBytes } from "../lib/cli";
import { policyOfSize, radosgwPolicyOfSize } from "../lib/policies";
import { Sample, inPool, rounded, summarize } from "../lib/stats";

/** About the policy size of the comparison: compact JSON of at most this many bytes. */
const POLICY_BYTES = 1024;

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
     */
    firstResourceSeconds: number | null;
    /**
     * First to last event of a declared resource, per resource after the first: the stream of engine steps, provider
     * calls (check; diff when in state) and the program's remaining asynchronous work.
     */
    perResourceMs: number | null;
    /** The summary's resource changes, the stack included (e.g. `{ create: 1001 }`). */
    changes: Record<string, number>;
}

/** Whether an event's resource is one the program declared (not the stack, not a provider). */
function declaredResourceEvent(timed: TimedEvent): boolean {
    const metadata = timed.event.resourcePreEvent?.metadata ?? timed.event.resOutputsEvent?.metadata;
    return !!metadata && metadata.type !== "pulumi:pulumi:Stack" && !metadata.type.startsWith("pulumi:providers:");
}

function commandFigures(run: CommandRun, resources: number): CommandFigures {
    const times = run.events.filter(declaredResourceEvent).map((timed) => timed.atMs);
    const summary = run.events.map((timed) => timed.event.summaryEvent).find((event) => event !== undefined);
    const first = times.length ? Math.min(...times) : undefined;
    const last = times.length ? Math.max(...times) : undefined;
    return {
        wallSeconds: Number((run.wallMs / 1000).toFixed(2)),
        engineSeconds: summary?.durationSeconds ?? null,
        firstResourceSeconds: first === undefined ? null : Number((first / 1000).toFixed(2)),
        perResourceMs: first === undefined || last === undefined || resources < 2 ? null : Number(((last - first) / (resources - 1)).toFixed(2)),
        changes: summary?.resourceChanges ?? {},
    };
}

/** Runs `pulumi <command>` on a stack and checks the summary's changes are `expected`. */
async function timedCommand(
    stack: BenchStack,
    args: string[],
    env: Record<string, string>,
    resources: number,
    expected: Record<string, number>,
): Promise<CommandFigures> {
    const run = await runPulumiOk(stack.program.dir, [...args, "--stack", stack.name, "--non-interactive"], { env, events: true });
    const figures = commandFigures(run, resources);
    if (JSON.stringify(figures.changes) !== JSON.stringify(expected))
        throw new Error(`pulumi ${args[0]} of ${stack.program.project}: changes ${JSON.stringify(figures.changes)}, expected ${JSON.stringify(expected)}`);
    return figures;
}

/** The previews of one program over the rounds. */
export interface ProgramPreviews {
    wallSeconds: Sample;
    firstResourceSeconds: Sample | null;
    perResourceMs: Sample | null;
    /** The engine's durations (whole seconds), in round order. */
    engineSeconds: Array<number | null>;
}

export interface PreviewComparison {
    resources: number;
    /** `new`: an empty stack, each resource is checked; `existing`: after an `up`, each is checked and diffed. */
    state: "new" | "existing";
    /** Compact JSON bytes of the first resource's policy (the others differ by their bucket name only). */
    policyBytes: number;
    /** Previews of each program, interleaved (BucketPolicy first in even rounds, the minimal one in odd rounds). */
    rounds: number;
    bucketPolicy: ProgramPreviews;
    minimal: ProgramPreviews;
    /** BucketPolicy's wall time over the minimal one's, the median of the per-round ratios (the goal is ≤ 1.2). */
    ratio: number;
    /** The same for the per-resource stream, what comes before the first resource's event left out. */
    perResourceRatio: number | null;
    /** Requests that reached the S3 endpoint the BucketPolicy program names, over all its previews: must be 0. */
    s3Calls: number;
    /** For `existing`: the state the previews start from, made by an `up` of each program. */
    setup?: {
        /** Wall time of each `up` (run with PULUMI_SKIP_CHECKPOINTS=true: see {@link runCliPreviewOfExisting}). */
        bucketPolicyUpSeconds: number;
        minimalUpSeconds: number;
        /** S3 calls of the BucketPolicy `up`, by operation. */
        bucketPolicyUpCalls: Record<string, number>;
        /** Bytes of state per resource (the backend's JSON file over the resource count). */
        bucketPolicyStateBytesPerResource: number;
        minimalStateBytesPerResource: number;
    };
}

function programPreviews(figures: CommandFigures[]): ProgramPreviews {
    const sample = (values: Array<number | null>) => (values.every((x): x is number => x !== null) ? rounded(summarize(values)) : null);
    return {
        wallSeconds: rounded(summarize(figures.map((f) => f.wallSeconds))),
        firstResourceSeconds: sample(figures.map((f) => f.firstResourceSeconds)),
        perResourceMs: sample(figures.map((f) => f.perResourceMs)),
        engineSeconds: figures.map((f) => f.engineSeconds),
    };
}

function medianRatio(a: Array<number | null>, b: Array<number | null>): number | null {
    const ratios = a.map((x, i) => (x === null || b[i] === null ? null : x / (b[i] as number)));
    return ratios.every((x): x is number => x !== null) ? Number(summarize(ratios).median.toFixed(2)) : null;
}

/**
 * Previews both stacks `rounds` times, interleaved so that a burst of load from elsewhere hits both alike: BucketPolicy
 * then minimal in even rounds, the other way round in odd ones.
 */
async function comparePreviews(
    stacks: { bucketPolicy: BenchStack; minimal: BenchStack },
    env: Record<string, string>,
    resources: number,
    rounds: number,
    expected: Record<string, number>,
    log: (line: string) => void,
): Promise<{ bucketPolicy: CommandFigures[]; minimal: CommandFigures[] }> {
    const figures = { bucketPolicy: [] as CommandFigures[], minimal: [] as CommandFigures[] };
    for (let round = 0; round < rounds; round++) {
        const order: Array<keyof typeof figures> = round % 2 === 0 ? ["bucketPolicy", "minimal"] : ["minimal", "bucketPolicy"];
        for (const program of order) {
            const result = await timedCommand(stacks[program], ["preview"], env, resources, expected);
            figures[program].push(result);
            log(
                `  ${program} preview of ${resources}: ${result.wallSeconds} s (first resource at ${result.firstResourceSeconds} s, ${result.perResourceMs} ms/resource)`,
            );
        }
    }
    return figures;
}

function comparison(
    state: PreviewComparison["state"],
    resources: number,
    rounds: number,
    policyBytes: number,
    figures: { bucketPolicy: CommandFigures[]; minimal: CommandFigures[] },
    s3Calls: number,
): PreviewComparison {
    const wall = (list: CommandFigures[]) => list.map((f) => f.wallSeconds);
    const perResource = (list: CommandFigures[]) => list.map((f) => f.perResourceMs);
    return {
        resources,
        state,
        policyBytes,
        rounds,
        bucketPolicy: programPreviews(figures.bucketPolicy),
        minimal: programPreviews(figures.minimal),
        ratio: medianRatio(wall(figures.bucketPolicy), wall(figures.minimal)) as number,
        perResourceRatio: medianRatio(perResource(figures.bucketPolicy), perResource(figures.minimal)),
        s3Calls,
    };
}

function writeResources(cli: BenchCli, label: string, resources: DeclaredResource[]): string {
    const file = path.join(cli.dir, `${label}-resources.json`);
    fs.writeFileSync(file, JSON.stringify(resources));
    return file;
}

/**
 * The cost of `pulumi preview` of `count` new resources, BucketPolicy beside the minimal dynamic resource. No S3 server is
 * needed: the BucketPolicy program's endpoint is a recording proxy that answers every request with AccessDenied
 * without forwarding it, so a call would be counted (the floor is 0) and fail at once instead of being retried.
 */
export async function runCliPreviewOfNew(cli: BenchCli, count: number, rounds: number, log: (line: string) => void): Promise<PreviewComparison> {
    const tripwire = await startS3Proxy({
        target: "http://127.0.0.1:9",
        rules: [{ fault: { status: 403, code: "AccessDenied" }, message: "bench: a preview must make no S3 call" }],
    });
    const resources = Array.from({ length: count }, (_, i) => {
        const bucket = `bench-cli-preview-${String(i).padStart(4, "0")}`;
        return { name: bucket, bucket, policy: JSON.stringify(policyOfSize(bucket, POLICY_BYTES)) };
    });
    const resourcesFile = writeResources(cli, "new", resources);
    const stacks: BenchStack[] = [];
    try {
        const bucketPolicy = await createStack(cli, PROGRAMS.bucketPolicies, "new", { resourcesFile, endpoint: tripwire.endpoint });
        stacks.push(bucketPolicy);
        const minimal = await createStack(cli, PROGRAMS.minimalDynamic, "new", { resourcesFile });
        stacks.push(minimal);
        log(`CLI preview of ${count} new resources, ${rounds} round(s) per program`);
        const figures = await comparePreviews({ bucketPolicy, minimal }, cli.env(), count, rounds, { create: count + 1 }, log);
        const result = comparison("new", count, rounds, Buffer.byteLength(resources[0].policy), figures, tripwire.requests.length);
        log(`CLI preview of ${count} new: ratio ${result.ratio} (per resource ${result.perResourceRatio}), ${result.s3Calls} S3 calls`);
        return result;
    } finally {
        for (const stack of stacks) await removeStack(cli, stack);
        await tripwire.close();
    }
}

/** What the CLI suites that need S3 share: the server, the recording proxy in front of it, alice's client. */
export interface CliS3Context {
    cli: BenchCli;
    env: LocalS3Env;
    proxy: S3Proxy;
    alice: S3Client;
}

function countByOperation(proxy: S3Proxy): Record<string, number> {
    const byOperation: Record<string, number> = {};
    for (const request of proxy.requests) byOperation[request.operation] = (byOperation[request.operation] ?? 0) + 1;
    return byOperation;
}

/** `count` new buckets of alice's, made `parallel` at a time, each with a ~1 KB policy RadosGW accepts for it. */
async function bucketsWithPolicies(context: CliS3Context, prefix: string, count: number, parallel: number): Promise<DeclaredResource[]> {
    const buckets: string[] = new Array(count);
    await inPool(buckets, parallel, async (_none, index) => {
        buckets[index] = await createTestBucket(context.alice, `${prefix}-${index}`);
    });
    const bob = context.env.users.bob.principalArn;
    return buckets.map((bucket, index) => ({
        name: `policy-${String(index).padStart(4, "0")}`,
        bucket,
        policy: JSON.stringify(radosgwPolicyOfSize(bucket, bob, POLICY_BYTES)),
    }));
}

/**
 * The preferred variant of item 6: the same previews once the resources exist in state, where the engine checks
 * and diffs each one. The state comes from a real `up` of each program, the BucketPolicy one on `count` RadosGW buckets
 * through the recording proxy (whose request count during the previews must stay 0). Those two `up`s are set-up, not
 * figures, so they run with PULUMI_SKIP_CHECKPOINTS=true: by default the file backend rewrites the whole state file
 * after every step, which makes an `up` of 1,000 resources take minutes (quadratic in the resource count).
 * The buckets are left to the server's purge when the bench stops it (deleting 1,000 RadosGW buckets takes ~20 s).
 */
export async function runCliPreviewOfExisting(
    context: CliS3Context,
    count: number,
    rounds: number,
    parallel: number,
    log: (line: string) => void,
): Promise<PreviewComparison> {
    const { cli, proxy } = context;
    const env = cli.env(context.env);
    const resources = await bucketsWithPolicies(context, "bench-cli-state", count, parallel);
    const resourcesFile = writeResources(cli, "existing", resources);
    const stacks: BenchStack[] = [];
    try {
        const bucketPolicy = await createStack(cli, PROGRAMS.bucketPolicies, "existing", { resourcesFile, endpoint: proxy.endpoint });
        stacks.push(bucketPolicy);
        const minimal = await createStack(cli, PROGRAMS.minimalDynamic, "existing", { resourcesFile });
        stacks.push(minimal);
        const setUp = async (stack: BenchStack) => {
            const run = await runPulumiOk(stack.program.dir, ["up", "--yes", "--skip-preview", "--stack", stack.name, "--non-interactive"], {
                env: { ...env, PULUMI_SKIP_CHECKPOINTS: "true" },
            });
            return Number((run.wallMs / 1000).toFixed(2));
        };
        proxy.reset();
        const bucketPolicyUpSeconds = await setUp(bucketPolicy);
        const bucketPolicyUpCalls = countByOperation(proxy);
        const minimalUpSeconds = await setUp(minimal);
        log(
            `CLI state of ${count} resources: BucketPolicy up ${bucketPolicyUpSeconds} s (${JSON.stringify(bucketPolicyUpCalls)}), minimal up ${minimalUpSeconds} s`,
        );

        proxy.reset();
        log(`CLI preview of ${count} existing resources, ${rounds} round(s) per program`);
        const figures = await comparePreviews({ bucketPolicy, minimal }, env, count, rounds, { same: count + 1 }, log);
        const result = comparison("existing", count, rounds, Buffer.byteLength(resources[0].policy), figures, proxy.requests.length);
        result.setup = {
            bucketPolicyUpSeconds,
            minimalUpSeconds,
            bucketPolicyUpCalls,
            bucketPolicyStateBytesPerResource: Math.round(stateBytes(cli, bucketPolicy) / count),
            minimalStateBytesPerResource: Math.round(stateBytes(cli, minimal) / count),
        };
        log(`CLI preview of ${count} existing: ratio ${result.ratio} (per resource ${result.perResourceRatio}), ${result.s3Calls} S3 calls`);
        return result;
    } finally {
        for (const stack of stacks) await removeStack(cli, stack);
    }
}

/** One CLI command at scale, with what it sent to S3. */
export interface CliPhase extends CommandFigures {
    s3Calls: number;
    byOperation: Record<string, number>;
}

export interface CliUpFigures {
    resources: number;
    /** The CLI's default `--parallel` here (4 × CPUs, or PULUMI_PARALLEL), which the commands use. */
    parallel: number;
    /** `pulumi up --yes --skip-preview` of new policies on as many new buckets (as the Automation API's `up` runs it). */
    up: CliPhase;
    /** `pulumi destroy --yes --skip-preview` of them. */
    destroy: CliPhase;
}

/** The wall time of `pulumi up`, then `pulumi destroy`, of `count` BucketPolicy resources on the local RadosGW. */
export async function runCliUp(context: CliS3Context, count: number, parallel: number, log: (line: string) => void): Promise<CliUpFigures> {
    const { cli, proxy } = context;
    const env = cli.env(context.env);
    const resources = await bucketsWithPolicies(context, "bench-cli-up", count, parallel);
    const resourcesFile = writeResources(cli, "up", resources);
    const stacks: BenchStack[] = [];
    try {
        const stack = await createStack(cli, PROGRAMS.bucketPolicies, "up", { resourcesFile, endpoint: proxy.endpoint });
        stacks.push(stack);
        const phase = async (args: string[], expected: Record<string, number>): Promise<CliPhase> => {
            proxy.reset();
            const figures = await timedCommand(stack, args, env, count, expected);
            return { ...figures, s3Calls: proxy.requests.length, byOperation: countByOperation(proxy) };
        };
        const up = await phase(["up", "--yes", "--skip-preview"], { create: count + 1 });
        log(`CLI up of ${count}: ${up.wallSeconds} s, ${JSON.stringify(up.byOperation)}`);
        const destroy = await phase(["destroy", "--yes", "--skip-preview"], { delete: count + 1 });
        log(`CLI destroy of ${count}: ${destroy.wallSeconds} s, ${JSON.stringify(destroy.byOperation)}`);
        return { resources: count, parallel, up, destroy };
    } finally {
        for (const stack of stacks) await removeStack(cli, stack);
        await inPool(resources, parallel, async (resource) => destroyBucket(context.alice, resource.bucket));
    }
}
