/**
 * Items 2 and 4 (second half), against the local RadosGW through the recording proxy, with the real dynamic-provider
 * host over gRPC: the S3 calls each operation makes on the wire, and an `up` of many policies on as many buckets with
 * the engine's default parallelism.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { DynamicProviderHost, Props } from "../../tests/support/providerHost";
import type { LocalS3Env } from "../../tests/support/localS3";
import { createTestBucket, destroyBucket } from "../../tests/support/localS3";
import type { S3Proxy } from "../../tests/support/s3proxy";
import { radosgwPolicy, reversedKeys } from "../lib/policies";
import { Goals, fmt } from "../lib/report";
import { Sample, elapsedMs, inPool, rounded, summarize } from "../lib/stats";

const OWNER = "111122223333";
const WRITES = new Set(["PutBucketPolicy", "DeleteBucketPolicy"]);

/** What one operation sent to S3. */
export interface OperationCalls {
    calls: number;
    writes: number;
    /** The S3 operations, in order (from the first run; every run must give the same). */
    operations: string[];
    /** Wall time of the operation through the host (engine RPCs included), over the runs. */
    ms: Sample;
}

export type LifecycleStep = "previewCreate" | "create" | "noop" | "previewUpdate" | "update" | "refresh" | "delete";

/** What each lifecycle step does, for the report. */
export const LIFECYCLE_STEPS: Record<LifecycleStep, string> = {
    previewCreate: "preview of a new resource: check",
    create: "up of a new resource: check + create",
    noop: "preview/up with an equal, reformatted policy: check + diff (no update)",
    previewUpdate: "preview of a changed policy: check + diff",
    update: "up of a changed policy: check + diff + update",
    refresh: "refresh: read",
    delete: "destroy: delete",
};

/** The context the S3 suites share: a server, a proxy in front of it, a host whose S3 calls go through the proxy. */
export interface S3Context {
    env: LocalS3Env;
    proxy: S3Proxy;
    host: DynamicProviderHost;
    alice: S3Client;
    providerText: string;
}

function inputsFor(context: S3Context, bucket: string, policy: string): Props {
    return { bucket, policy, endpoint: context.proxy.endpoint, expectedBucketOwner: OWNER, __provider: context.providerText };
}

/** The S3 calls of each step of one resource's life (preview → create → no-op → preview of a change → update → refresh → delete), `runs` times. */
export async function runLifecycleCalls(context: S3Context, runs: number, log: (line: string) => void): Promise<Record<LifecycleStep, OperationCalls>> {
    const { host, proxy, env } = context;
    const bob = env.users.bob.principalArn;
    const seen = new Map<LifecycleStep, { operations: string[]; ms: number[] }>();
    const record = async (step: LifecycleStep, work: () => Promise<void>) => {
        proxy.reset();
        const start = process.hrtime.bigint();
        await work();
        const ms = elapsedMs(start);
        const operations = proxy.requests.map((r) => r.operation);
        const entry = seen.get(step);
        if (!entry) seen.set(step, { operations, ms: [ms] });
        else {
            if (entry.operations.join() !== operations.join())
                throw new Error(`${step}: run made ${operations.join(", ")}, an earlier one ${entry.operations.join(", ")}`);
            entry.ms.push(ms);
        }
    };
    // The host loads the provider on its first call: done here, so the first step's time is not the load's.
    await host.check("warm-up", {}, { bucket: "bench-warm-up", policy: JSON.stringify(radosgwPolicy("bench-warm-up", bob)), __provider: context.providerText });
    for (let run = 0; run < runs; run++) {
        const bucket = await createTestBucket(context.alice, "bench-ops");
        try {
            const document = radosgwPolicy(bucket, bob);
            const name = bucket;
            let checked: Props = {};
            await record("previewCreate", async () => {
                const answer = await host.check(name, {}, inputsFor(context, bucket, JSON.stringify(document)));
                if (answer.failures.length) throw new Error(`check failed: ${JSON.stringify(answer.failures)}`);
                checked = answer.inputs;
            });
            let outputs: Props = {};
            await record("create", async () => {
                const answer = await host.check(name, {}, inputsFor(context, bucket, JSON.stringify(document)));
                outputs = (await host.create(name, answer.inputs)).outputs;
            });
            await record("noop", async () => {
                const reformatted = JSON.stringify(reversedKeys(document as never), null, 2);
                const answer = await host.check(name, checked, inputsFor(context, bucket, reformatted));
                const diff = await host.diff(name, bucket, outputs, answer.inputs, checked);
                if (diff.changes !== "none") throw new Error(`no-op: diff says ${diff.changes}`);
            });
            const changed = JSON.stringify(radosgwPolicy(bucket, bob, ["s3:GetObject", "s3:GetObjectTagging"]));
            await record("previewUpdate", async () => {
                const answer = await host.check(name, checked, inputsFor(context, bucket, changed));
                const diff = await host.diff(name, bucket, outputs, answer.inputs, checked);
                if (diff.changes !== "some") throw new Error(`preview of a change: diff says ${diff.changes}`);
            });
            await record("update", async () => {
                const answer = await host.check(name, checked, inputsFor(context, bucket, changed));
                const diff = await host.diff(name, bucket, outputs, answer.inputs, checked);
                if (diff.changes !== "some") throw new Error(`update: diff says ${diff.changes}`);
                outputs = await host.update(name, bucket, outputs, answer.inputs);
                checked = answer.inputs;
            });
            await record("refresh", async () => {
                const read = await host.read(name, bucket, outputs, checked);
                if (read.id !== bucket || read.outputs.policy !== outputs.policy) throw new Error("refresh: the policy read back is not the one put");
            });
            await record("delete", async () => {
                await host.delete(name, bucket, outputs);
            });
        } finally {
            await destroyBucket(context.alice, bucket);
        }
    }
    const result = {} as Record<LifecycleStep, OperationCalls>;
    for (const step of Object.keys(LIFECYCLE_STEPS) as LifecycleStep[]) {
        const entry = seen.get(step);
        if (!entry) throw new Error(`${step} did not run`);
        result[step] = {
            calls: entry.operations.length,
            writes: entry.operations.filter((op) => WRITES.has(op)).length,
            operations: entry.operations,
            ms: rounded(summarize(entry.ms)),
        };
    }
    log(`S3 calls: ${(Object.keys(result) as LifecycleStep[]).map((step) => `${step} ${result[step].calls}`).join(", ")}`);
    return result;
}

/** One phase of the run at scale. */
export interface ScalePhase {
    totalSeconds: number;
    perResourceMs: number;
    s3Calls: number;
    byOperation: Record<string, number>;
}

export interface ScaleFigures {
    resources: number;
    /** Resource operations in flight at once: Pulumi's default `--parallel`, 4 × GOMAXPROCS (CPU count). */
    parallel: number;
    /** `up` of new resources: check per resource (serial, step generator), create in parallel (step executor). */
    up: ScalePhase;
    /** A second `up` with every policy reformatted: check + diff per resource, nothing to do. */
    noopUp: ScalePhase;
    /** `refresh`: a read per resource, in parallel. */
    refresh: ScalePhase;
    /** `destroy`: a delete per resource, in parallel. */
    destroy: ScalePhase;
}

/** Runs `work` as an engine phase: counts the proxy's requests by operation and times the whole. */
async function phase(context: S3Context, count: number, work: () => Promise<void>): Promise<ScalePhase> {
    context.proxy.reset();
    const start = process.hrtime.bigint();
    await work();
    const ms = elapsedMs(start);
    const byOperation: Record<string, number> = {};
    for (const request of context.proxy.requests) byOperation[request.operation] = (byOperation[request.operation] ?? 0) + 1;
    return {
        totalSeconds: Number((ms / 1000).toFixed(2)),
        perResourceMs: Number((ms / count).toFixed(1)),
        s3Calls: context.proxy.requests.length,
        byOperation,
    };
}

/**
 * Checks each resource in turn and starts its step as soon as it is checked, with at most `parallel` steps in
 * flight: the engine's step generator is serial (by default), its step executor runs `--parallel` workers.
 */
async function checkThenInParallel<T>(
    items: T[],
    parallel: number,
    check: (item: T) => Promise<Props>,
    step: (item: T, checked: Props) => Promise<void>,
): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const failures: unknown[] = [];
    for (const item of items) {
        const checked = await check(item);
        while (inFlight.size >= parallel) await Promise.race(inFlight);
        const running: Promise<void> = step(item, checked)
            .catch((error) => void failures.push(error))
            .finally(() => inFlight.delete(running));
        inFlight.add(running);
    }
    await Promise.all(inFlight);
    if (failures.length) throw failures[0];
}

/** The time per resource of up, no-op up, refresh and destroy of `count` policies on `count` new buckets. */
export async function runUpAtScale(context: S3Context, count: number, parallel: number, log: (line: string) => void): Promise<ScaleFigures> {
    const { host } = context;
    const bob = context.env.users.bob.principalArn;
    const buckets: string[] = new Array(count);
    await inPool(buckets, parallel, async (_none, index) => {
        buckets[index] = await createTestBucket(context.alice, `bench-up-${index}`);
    });
    const state = new Map<string, { inputs: Props; outputs: Props }>();
    try {
        const up = await phase(context, count, () =>
            checkThenInParallel(
                buckets,
                parallel,
                async (bucket) => {
                    const answer = await host.check(bucket, {}, inputsFor(context, bucket, JSON.stringify(radosgwPolicy(bucket, bob))));
                    if (answer.failures.length) throw new Error(`check of ${bucket} failed: ${JSON.stringify(answer.failures)}`);
                    return answer.inputs;
                },
                async (bucket, checked) => {
                    const created = await host.create(bucket, checked);
                    state.set(bucket, { inputs: checked, outputs: created.outputs });
                },
            ),
        );
        log(`up of ${count}: ${up.totalSeconds} s, ${up.s3Calls} S3 calls`);
        const noopUp = await phase(context, count, async () => {
            for (const bucket of buckets) {
                const old = state.get(bucket) as { inputs: Props; outputs: Props };
                const reformatted = JSON.stringify(reversedKeys(radosgwPolicy(bucket, bob) as never), null, 2);
                const answer = await host.check(bucket, old.inputs, inputsFor(context, bucket, reformatted));
                const diff = await host.diff(bucket, bucket, old.outputs, answer.inputs, old.inputs);
                if (diff.changes !== "none") throw new Error(`no-op up: diff of ${bucket} says ${diff.changes}`);
            }
        });
        log(`no-op up of ${count}: ${noopUp.totalSeconds} s, ${noopUp.s3Calls} S3 calls`);
        const refresh = await phase(context, count, () =>
            inPool(buckets, parallel, async (bucket) => {
                const old = state.get(bucket) as { inputs: Props; outputs: Props };
                const read = await host.read(bucket, bucket, old.outputs, old.inputs);
                if (read.id !== bucket) throw new Error(`refresh: ${bucket} reads as gone`);
            }),
        );
        const destroy = await phase(context, count, () =>
            inPool(buckets, parallel, async (bucket) => {
                await host.delete(bucket, bucket, (state.get(bucket) as { outputs: Props }).outputs);
                state.delete(bucket);
            }),
        );
        log(`refresh ${refresh.totalSeconds} s, destroy ${destroy.totalSeconds} s`);
        return { resources: count, parallel, up, noopUp, refresh, destroy };
    } finally {
        await inPool(buckets, parallel, async (bucket) => {
            if (bucket) await destroyBucket(context.alice, bucket);
        });
    }
}

/** The suite's figures in the report (null with --no-s3). */
export interface S3Figures {
    calls: Record<LifecycleStep, OperationCalls> | null;
    scale: ScaleFigures | null;
}

/** The call floors, enforced: they are exact. */
export function goals({ calls, scale }: S3Figures): Goals {
    const previewCalls = calls ? calls.previewCreate.calls + calls.previewUpdate.calls : null;
    const noopCalls = calls && scale ? calls.noop.calls + scale.noopUp.s3Calls : null;
    return {
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
    };
}

export function rows({ calls, scale }: S3Figures): string[] {
    const lines: string[] = [];
    if (calls) {
        lines.push(`S3 calls per operation (on the wire):`);
        for (const step of Object.keys(LIFECYCLE_STEPS) as LifecycleStep[]) {
            const c = calls[step];
            lines.push(
                `  ${step.padEnd(14)} ${String(c.calls).padStart(2)} call(s), ${c.writes} write(s)  ${(c.operations.join(" + ") || "-").padEnd(38)} ${fmt(c.ms.median)} ms   ${LIFECYCLE_STEPS[step]}`,
            );
        }
    } else lines.push("S3 calls per operation: not measured (--no-s3)");
    if (scale) {
        const phase = (label: string, x: ScalePhase) => `${label} ${x.totalSeconds} s (${x.s3Calls} calls)`;
        lines.push(
            `At scale, ${scale.resources} policies on ${scale.resources} buckets, parallel ${scale.parallel}: ` +
                [phase("up", scale.up), phase("no-op up", scale.noopUp), phase("refresh", scale.refresh), phase("destroy", scale.destroy)].join("; "),
        );
    }
    return lines;
}
