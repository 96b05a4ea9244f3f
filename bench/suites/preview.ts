/**
 * Items 4 (first half) and 5: a preview of many resources through the real dynamic-provider host over gRPC — `check`
 * then `diff` against the stored outputs, one resource at a time as the engine's step generator does by default
 * (PULUMI_PARALLEL_DIFF off) — and the host's peak memory meanwhile. No S3 call is made (the endpoint is a closed
 * port: a call would fail the run).
 */
import { DynamicProviderHost, Props } from "../../tests/support/providerHost";
import { REPO_DIR } from "../lib/build";
import { distProvider } from "../lib/dist";
import { readMemory, sampleMemory } from "../lib/memory";
import { changedPolicy, policyOfSize, reversedKeys } from "../lib/policies";
import { fmt } from "../lib/report";
import { Sample, rounded, summarize } from "../lib/stats";
import { SIZES } from "./equivalence";

export interface PreviewFigures {
    resources: number;
    /** Policy sizes used, cycling: 1 KB, 5 KB, 20 KB. */
    policyBytes: Record<string, number>;
    /** One resource in ten has a real change; the others are the same policy reformatted (keys reordered, indented). */
    changed: number;
    unchanged: number;
    totalSeconds: number;
    perResourceMs: number;
    /** check + diff per resource through the host, by policy size (the first resource left out). */
    perResourceMsBySize: Record<string, Sample>;
    /** The first resource's check + diff, which loads the provider in the host. */
    firstResourceMs: number;
    /** Bytes the engine sends per resource (check news + diff olds + news, as JSON), averaged. */
    requestBytesPerResource: number;
    host: {
        /** Resident memory after start and Configure, before the preview. */
        rssBeforeMiB: number;
        /** VmHWM at the end: the peak resident memory of the host process over its life. */
        peakRssMiB: number;
        /** The highest VmRSS sampled during the preview (every 50 ms). */
        maxSampledRssMiB: number;
        samples: number;
    };
}

const OWNER = "111122223333";
const CLOSED_ENDPOINT = "http://127.0.0.1:9";

/** Runs the preview of `count` resources through a fresh host. */
export async function runPreviewAtScale(count: number, providerText: string, log: (line: string) => void): Promise<PreviewFigures> {
    const provider = distProvider();
    await provider.configure({ config: { get: () => undefined } });

    // The stack's state, as `up` would have left it: the checked inputs, and the outputs create returns (+ __provider).
    const documents = new Map<string, ReturnType<typeof policyOfSize>>();
    const resources: Array<{ name: string; size: string; oldInputs: Props; oldOutputs: Props; news: Props; changed: boolean }> = [];
    const policyBytes: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
        const [label, maxBytes] = SIZES[i % SIZES.length];
        const bucket = `bench-preview-${String(i).padStart(4, "0")}`;
        const document = policyOfSize(bucket, maxBytes);
        documents.set(bucket, document);
        policyBytes[label] ??= Buffer.byteLength(JSON.stringify(document));
        const inputs = {
            bucket,
            policy: JSON.stringify(document),
            endpoint: CLOSED_ENDPOINT,
            expectedBucketOwner: OWNER,
            region: "us-east-1",
            __provider: providerText,
        };
        // Set-up, as a resource already in state: the same text as old inputs, so no access-change line is printed.
        const checked = await provider.check(inputs, inputs);
        if (checked.failures?.length) throw new Error(`preview: check of ${bucket} failed: ${JSON.stringify(checked.failures)}`);
        const { __provider: _omit, ...outs } = checked.inputs as Props;
        const oldOutputs = { ...outs, __provider: providerText };
        const changed = i % 10 === 9;
        const policy = changed ? JSON.stringify(changedPolicy(document)) : JSON.stringify(reversedKeys(document as never), null, 2);
        resources.push({ name: bucket, size: label, oldInputs: checked.inputs as Props, oldOutputs, news: { ...inputs, policy }, changed });
    }
    const requestBytes = resources.reduce(
        (sum, r) => sum + JSON.stringify(r.news).length + JSON.stringify(r.oldOutputs).length + JSON.stringify(r.oldInputs).length,
        0,
    );

    const host = await DynamicProviderHost.start({
        cwd: REPO_DIR,
        env: { AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench", AWS_REGION: "us-east-1" },
    });
    try {
        const pid = host.child.pid as number;
        const before = readMemory(pid);
        const sampler = sampleMemory(pid, 50);
        const start = process.hrtime.bigint();
        let firstResourceMs = 0;
        let changed = 0;
        const bySize: Record<string, number[]> = {};
        for (const [index, resource] of resources.entries()) {
            const resourceStart = process.hrtime.bigint();
            const checked = await host.check(resource.name, resource.oldInputs, resource.news);
            if (checked.failures.length) throw new Error(`preview: host check of ${resource.name} failed: ${JSON.stringify(checked.failures)}`);
            const diff = await host.diff(resource.name, resource.name, resource.oldOutputs, checked.inputs, resource.oldInputs);
            const expected = resource.changed ? "some" : "none";
            if (diff.changes !== expected) throw new Error(`preview: diff of ${resource.name} says ${diff.changes}, expected ${expected}`);
            if (diff.changes === "some") changed++;
            const ms = Number(process.hrtime.bigint() - resourceStart) / 1e6;
            if (index === 0) firstResourceMs = ms;
            else (bySize[resource.size] ??= []).push(ms);
        }
        const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
        const memory = sampler.stop();
        if (host.stderr.trim()) log(`host stderr: ${host.stderr.trim().slice(0, 500)}`);
        const figures: PreviewFigures = {
            resources: count,
            policyBytes,
            changed,
            unchanged: count - changed,
            totalSeconds: Number((totalMs / 1000).toFixed(2)),
            perResourceMs: Number((totalMs / count).toFixed(2)),
            perResourceMsBySize: Object.fromEntries(SIZES.filter(([size]) => bySize[size]).map(([size]) => [size, rounded(summarize(bySize[size]))])),
            firstResourceMs: Number(firstResourceMs.toFixed(1)),
            requestBytesPerResource: Math.round(requestBytes / count),
            host: {
                rssBeforeMiB: Number((before?.rssMiB ?? NaN).toFixed(1)),
                peakRssMiB: Number(memory.hwmMiB.toFixed(1)),
                maxSampledRssMiB: Number(memory.maxRssMiB.toFixed(1)),
                samples: memory.samples,
            },
        };
        log(`preview of ${count}: ${figures.totalSeconds} s (${figures.perResourceMs} ms each), host peak RSS ${figures.host.peakRssMiB} MiB`);
        return figures;
    } finally {
        await host.stop();
    }
}

/** One row; the suite has no goal of its own (an S3 call would fail the run: its endpoint is a closed port). */
export function rows(p: PreviewFigures): string[] {
    const bySize = Object.entries(p.perResourceMsBySize)
        .map(([size, sample]) => `${size} ${fmt(sample.median)}`)
        .join(", ");
    return [
        `Preview of ${p.resources} via the host (check + diff, serial): ${p.totalSeconds} s, ${p.perResourceMs} ms/resource ` +
            `(first ${p.firstResourceMs} ms; median by size ${bySize} ms); host RSS ${p.host.rssBeforeMiB} MiB before, peak ${p.host.peakRssMiB} MiB`,
    ];
}
