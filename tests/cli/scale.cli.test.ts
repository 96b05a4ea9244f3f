/**
 * Many resources under the real engine: 200 policies with `--parallel 16`, and an `up` interrupted with SIGINT
 * mid-way (the way Ctrl-C or a cancelled pipeline stops it), after which refresh and up converge with nothing lost.
 */
import { policiesEquivalent } from "../../provider/policy";
import { bobReads, declaredLivePolicy } from "../support/localS3";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";
import { ScenarioStack, useCliSuite } from "../support/pulumiCli";
import type { ScenarioResource } from "./program";

jest.setTimeout(600_000);

describe("the real engine at scale", () => {
    const cli = useCliSuite();
    let proxy: S3Proxy;
    beforeAll(async () => {
        proxy = await startS3Proxy({ target: cli.s3.endpoint });
    });
    afterAll(() => proxy?.close());

    async function declareMany(count: number, prefix: string, scenario: ScenarioStack): Promise<ScenarioResource[]> {
        const made = await Promise.all(Array.from({ length: count }, (_, i) => cli.buckets.newBucket(`${prefix}-${i}`)));
        const resources = made.map((bucket, i) => ({
            name: `policy-${i}`,
            bucket,
            policy: { Version: "2012-10-17", Statement: [bobReads(cli.s3, bucket, { sid: `Read${i}` })] },
        }));
        scenario.declare(resources);
        return resources;
    }

    async function expectAllLive(resources: ScenarioResource[]): Promise<void> {
        const mismatched: string[] = [];
        for (const resource of resources) {
            const live = await declaredLivePolicy(cli.alice, resource.bucket);
            if (live === undefined || !policiesEquivalent(live, resource.policy as object)) mismatched.push(resource.bucket);
        }
        expect(mismatched).toEqual([]);
    }

    it("creates 200 policies with --parallel 16, one put each, then plans nothing", async () => {
        const scenario = await cli.stack("scale", proxy.endpoint);
        const resources = await declareMany(200, "cli-par", scenario);
        proxy.reset();

        const up = await scenario.stack.up({ parallel: 16 });
        expect(up.summary.resourceChanges).toMatchObject({ create: 201 }); // and the stack
        const puts = proxy.requests.filter((r) => r.operation === "PutBucketPolicy");
        expect(puts).toHaveLength(200);
        expect(new Set(puts.map((r) => r.bucket)).size).toBe(200);
        await expectAllLive(resources);
        await expect(scenario.stack.preview({ expectNoChanges: true, parallel: 16 })).resolves.toBeDefined();
    });

    it("an up interrupted by SIGINT mid-way converges with refresh and up: every policy in place, nothing pending", async () => {
        const scenario = await cli.stack("interrupted", proxy.endpoint);
        const resources = await declareMany(30, "cli-sigint", scenario);
        // Slow puts, so the interrupt lands while some are in flight and others have not started.
        proxy.setRules([{ operation: "PutBucketPolicy", fault: { delayMs: 700 } }]);

        let interrupted = false;
        const run = await cli.run("interrupted", ["up", "--yes", "--skip-preview", "--parallel", "4"], {
            onStdout: (output, child) => {
                const created = (output.match(/created/g) ?? []).length;
                if (!interrupted && created >= 5) {
                    interrupted = true;
                    child.kill("SIGINT");
                }
            },
        });
        proxy.setRules([]);
        expect(interrupted).toBe(true);
        expect(run.code).not.toBe(0);
        const liveAfterInterrupt = (await Promise.all(resources.map((r) => declaredLivePolicy(cli.alice, r.bucket)))).filter((p) => p !== undefined);
        expect(liveAfterInterrupt.length).toBeGreaterThan(0);
        expect(liveAfterInterrupt.length).toBeLessThan(resources.length);

        const exported = await scenario.stack.exportStack();
        expect(exported.deployment.pending_operations ?? []).toEqual([]);

        await scenario.stack.refresh();
        const up = await scenario.stack.up({ parallel: 4 });
        expect(up.summary.resourceChanges?.create).toBe(resources.length - liveAfterInterrupt.length);
        await expectAllLive(resources);
        await expect(scenario.stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
    });
});
