/**
 * The S3 endpoint named by the environment (AWS_ENDPOINT_URL_S3), not by the resource, under the real engine: the
 * provider host inherits it from `pulumi`, sends every call there path-style (the endpoint is a host name, so the
 * SDK's own virtual-hosted default would send `bucket.localhost`, which nothing answers), and state keeps no endpoint.
 */
import { policiesEquivalent } from "../../provider/policy";
import { bobReads, declaredLivePolicy } from "../support/localS3";
import { CliWorld, ScenarioStack, exportStack, newCliWorld, newScenarioStack, removeStackFile, TEST_PROGRAM_DIR, useCliSuite } from "../support/pulumiCli";
import { S3Proxy, startS3Proxy } from "../support/s3proxy";

jest.setTimeout(240_000);

describe("the real engine: the S3 endpoint from the environment", () => {
    const cli = useCliSuite();
    let proxy: S3Proxy;
    let world: CliWorld;
    let scenario: ScenarioStack | undefined;
    let hostName: string;

    beforeAll(async () => {
        proxy = await startS3Proxy({ target: cli.s3.endpoint });
        const endpoint = proxy.endpoint.replace("127.0.0.1", "localhost");
        hostName = new URL(endpoint).host;
        world = await newCliWorld(cli.s3);
        world.envVars.AWS_ENDPOINT_URL_S3 = endpoint;
    });
    afterAll(async () => {
        if (scenario) {
            await scenario.stack.destroy().catch(() => undefined);
            removeStackFile(scenario.stack);
        }
        world?.dispose();
        await proxy?.close();
    });

    it("creates, plans nothing and destroys with every call through it, path-style, and keeps no endpoint in state", async () => {
        scenario = await newScenarioStack(world, "env-endpoint", "");
        const bucket = await cli.buckets.newBucket("cli-env-endpoint");
        const policy = { Version: "2012-10-17", Statement: [bobReads(cli.s3, bucket)] };
        scenario.declare([{ name: "policy", bucket, policy }]);

        const up = await scenario.stack.up();
        expect(up.summary.resourceChanges).toMatchObject({ create: 2 });
        expect(policiesEquivalent((await declaredLivePolicy(cli.alice, bucket)) as string, policy)).toBe(true);
        expect(proxy.requests.map((r) => `${r.operation} ${r.bucket} ${r.headers.host}`)).toEqual([
            `GetBucketPolicy ${bucket} ${hostName}`,
            `PutBucketPolicy ${bucket} ${hostName}`,
        ]);

        const [resource] = (await exportStack(world, TEST_PROGRAM_DIR, "env-endpoint")).policies;
        expect(Object.keys(resource.inputs ?? {})).not.toContain("endpoint");
        expect(Object.keys(resource.outputs ?? {})).not.toContain("endpoint");

        proxy.reset();
        await scenario.stack.preview({ expectNoChanges: true });
        expect(proxy.requests).toEqual([]);

        const destroy = await scenario.stack.destroy();
        expect(destroy.summary.resourceChanges).toMatchObject({ delete: 2 });
        expect(await declaredLivePolicy(cli.alice, bucket)).toBeUndefined();
        expect(proxy.requests.filter((r) => r.operation === "DeleteBucketPolicy").map((r) => `${r.bucket} ${r.headers.host}`)).toEqual([
            `${bucket} ${hostName}`,
        ]);
    });
});
