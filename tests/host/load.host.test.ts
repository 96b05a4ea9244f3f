/**
 * 200 buckets: create, update and delete of 200 policies at once through one real dynamic-provider host, with about
 * 10% of the bucket-policy calls answered by an injected retryable fault (seeded probability rules). Afterwards every
 * bucket holds exactly the policy the state says (compared by meaning, read straight from RadosGW), and none after
 * the delete. Prints the duration and the call counts.
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { policiesEquivalent } from "../../provider/policy";
import { DynamicProviderHost, Props } from "../support/providerHost";
import { resourceInputs, startProviderHost } from "../support/hostFixture";
import { LocalS3Env, bobReads, destroyBucket, livePolicy, loadLocalS3Env, s3ClientFor, uniqueBucketName } from "../support/localS3";
import { FaultRule, S3Proxy, startS3Proxy } from "../support/s3proxy";

const BUCKETS = 200;
const SEED = 20261125;
const POLICY_OPERATIONS = ["GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"];
/** About 10% of the bucket-policy calls in all (1 - 0.97 · 0.98³ · 0.99² ≈ 10.5%). */
const FAULTS: FaultRule[] = [
    { operation: POLICY_OPERATIONS, fault: "SlowDown", probability: 0.03 },
    { operation: POLICY_OPERATIONS, fault: "InternalError", probability: 0.02 },
    { operation: POLICY_OPERATIONS, fault: "OperationAborted", probability: 0.02 },
    { operation: POLICY_OPERATIONS, fault: "reset", probability: 0.02 },
    // Retryable on puts only: a read or a delete takes NoSuchBucket to mean the policy is gone.
    { operation: "PutBucketPolicy", fault: "NoSuchBucket", probability: 0.01 },
    { operation: "PutBucketPolicy", fault: "MalformedPolicy", message: "Invalid principal in policy", probability: 0.01 },
];

/** Runs `work` over `items` with at most `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    await Promise.all(
        Array.from({ length: Math.min(limit, items.length) }, async () => {
            while (next < items.length) {
                const index = next++;
                results[index] = await work(items[index]);
            }
        }),
    );
    return results;
}

describe("load: 200 policies at once through one host, with 10% injected retryable faults", () => {
    let env: LocalS3Env;
    let proxy: S3Proxy;
    let host: DynamicProviderHost;
    let alice: S3Client; // straight to RadosGW: set-up and verification never meet a fault
    const buckets: string[] = [];

    const policyFor = (bucket: string, actions: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(env, bucket, { action: actions })] });
    const inputs = (bucket: string, actions: string[]): Props =>
        resourceInputs(bucket, { policy: policyFor(bucket, actions), endpoint: proxy.endpoint, retryTimeoutSeconds: 60 });
    /** The buckets whose live policy is not what `expected` says (undefined: no policy). */
    const mismatches = async (expected: (bucket: string) => string | undefined) =>
        (
            await inBatches(buckets, 25, async (bucket) => {
                const live = await livePolicy(alice, bucket);
                const want = expected(bucket);
                const ok = want === undefined ? live === undefined : live !== undefined && policiesEquivalent(live, want);
                return ok ? undefined : `${bucket}: live ${live ?? "(none)"}, state ${want ?? "(none)"}`;
            })
        ).filter((line): line is string => line !== undefined);
    const counts = () => {
        const byOperation = new Map<string, number>();
        const injected = new Map<string, number>();
        for (const r of proxy.requests) {
            byOperation.set(r.operation, (byOperation.get(r.operation) ?? 0) + 1);
            if (r.injected) injected.set(r.injected, (injected.get(r.injected) ?? 0) + 1);
        }
        return {
            total: proxy.requests.length,
            injected: [...injected.values()].reduce((a, b) => a + b, 0),
            byOperation: Object.fromEntries(byOperation),
            byFault: Object.fromEntries(injected),
        };
    };
    /** Runs one phase for every bucket at once; returns the failures (there should be none). */
    const phase = async <T>(name: string, work: (bucket: string) => Promise<T>) => {
        const started = Date.now();
        const settled = await Promise.allSettled(buckets.map(work));
        const failures = settled.flatMap((s, i) => (s.status === "rejected" ? [`${buckets[i]}: ${(s.reason as Error).message}`] : []));
        const seconds = (Date.now() - started) / 1000;
        return { name, seconds, values: settled.map((s) => (s.status === "fulfilled" ? s.value : undefined)) as T[], failures };
    };

    beforeAll(async () => {
        env = loadLocalS3Env();
        alice = s3ClientFor(env, "alice");
        const names = Array.from({ length: BUCKETS }, (_, i) => uniqueBucketName(`load-${i}`));
        await inBatches(names, 20, async (bucket) => {
            await alice.send(new CreateBucketCommand({ Bucket: bucket }));
            buckets.push(bucket);
        });
        proxy = await startS3Proxy({ target: env.endpoint });
        host = await startProviderHost(env);
    }, 120_000);
    afterAll(async () => {
        await host?.stop();
        await proxy?.close();
        await inBatches(buckets, 20, (bucket) => destroyBucket(alice, bucket));
    }, 120_000);

    it("creates, updates and deletes all 200; S3 ends holding exactly what the state says", async () => {
        const started = Date.now();
        proxy.setRules(FAULTS, SEED);
        const state = new Map<string, Props>();

        const created = await phase("create", async (bucket) => {
            const checked = await host.check(bucket, {}, inputs(bucket, ["s3:GetObject"]));
            if (checked.failures.length) throw new Error(JSON.stringify(checked.failures));
            const result = await host.create(bucket, checked.inputs);
            state.set(bucket, result.outputs);
            return result;
        });
        expect(created.failures).toEqual([]);
        expect(await mismatches((bucket) => state.get(bucket)?.policy as string)).toEqual([]);

        const updated = await phase("update", async (bucket) => {
            const checked = await host.check(bucket, state.get(bucket) as Props, inputs(bucket, ["s3:GetObject", "s3:GetObjectTagging"]));
            const outputs = await host.update(bucket, bucket, state.get(bucket) as Props, checked.inputs);
            state.set(bucket, outputs);
            return outputs;
        });
        expect(updated.failures).toEqual([]);
        expect([...state.values()].every((outputs) => (outputs.policy as string).includes("s3:GetObjectTagging"))).toBe(true);
        expect(await mismatches((bucket) => state.get(bucket)?.policy as string)).toEqual([]);

        const deleted = await phase("delete", async (bucket) => {
            await host.delete(bucket, bucket, state.get(bucket) as Props);
            state.delete(bucket);
        });
        expect(deleted.failures).toEqual([]);
        expect(await mismatches(() => undefined)).toEqual([]);

        const seconds = (Date.now() - started) / 1000;
        const c = counts();
        console.log(
            `load: ${BUCKETS} buckets, create ${created.seconds.toFixed(1)} s, update ${updated.seconds.toFixed(1)} s, delete ${deleted.seconds.toFixed(1)} s; ` +
                `${seconds.toFixed(1)} s in all with verification. S3 calls through the proxy: ${c.total} (${JSON.stringify(c.byOperation)}), ` +
                `injected faults: ${c.injected} = ${((100 * c.injected) / c.total).toFixed(1)}% (${JSON.stringify(c.byFault)})`,
        );
        // The minimum is 2 calls per create (read, put), 1 per update (put), 2 per delete (read, delete): 1,000.
        expect(c.total - c.injected).toBeGreaterThanOrEqual(5 * BUCKETS);
        expect(c.injected / c.total).toBeGreaterThan(0.05);
        expect(c.injected / c.total).toBeLessThan(0.16);
        expect(seconds).toBeLessThan(60);
    }, 120_000);
});
