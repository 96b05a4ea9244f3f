/**
 * A stack written by the previous release (0.4.0, tests/fixtures/state-0.4.0: a real `pulumi stack export`) keeps
 * working under this one, through the real CLI on RadosGW: it previews with no changes, refreshes without a write,
 * loses the outputs this release no longer stores, keeps the secret policy encrypted, takes a real change with one
 * put, and is destroyed cleanly (each resource still recognises the policy 0.4.0 put as its own).
 */
import * as fs from "fs";
import * as path from "path";
import { CreateBucketCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { bobReads, declaredLivePolicy, destroyBucket, livePolicy } from "../support/localS3";
import { useCliSuite } from "../support/pulumiCli";

jest.setTimeout(300_000);

const FIXTURE = path.join(__dirname, "..", "fixtures", "state-0.4.0");
interface Capture {
    endpoint: string;
    stack: string;
    buckets: { plain: string; secret: string };
    livePolicies: { plain: string; secret: string };
}
const capture = JSON.parse(fs.readFileSync(path.join(FIXTURE, "capture.json"), "utf8")) as Capture;

const DERIVED = ["canonicalPolicy", "isPublic", "publicAccess"];

describe("upgrade: a stack written by 0.4.0 under this release", () => {
    const cli = useCliSuite();
    const { plain, secret } = capture.buckets;
    const run = (args: string[]) => cli.run(capture.stack, [...args, "--non-interactive"], { ok: true });
    const exported = async () => (await cli.exportStack(capture.stack)).text;
    const policyResources = () => cli.exportedPolicies(capture.stack);
    const declare = (scenario: Awaited<ReturnType<typeof cli.stack>>, plainActions: string[]) =>
        scenario.declare([
            {
                name: "plain",
                bucket: plain,
                policy: { Version: "2012-10-17", Statement: [bobReads(cli.s3, plain, { sid: "PlainRead", action: plainActions })] },
            },
            {
                name: "secret",
                bucket: secret,
                policy: { Version: "2012-10-17", Statement: [bobReads(cli.s3, secret, { sid: "SecretRead" })] },
                secretPolicy: true,
            },
        ]);

    afterAll(async () => {
        for (const bucket of [plain, secret]) await destroyBucket(cli.alice, bucket).catch(() => undefined);
    });

    it("previews no change, refreshes without a write, takes one change and is destroyed, with nothing lost", async () => {
        // The buckets and live policies as 0.4.0 left them, and its state imported into a stack of the same name.
        for (const bucket of [plain, secret]) await cli.alice.send(new CreateBucketCommand({ Bucket: bucket }));
        await cli.alice.send(new PutBucketPolicyCommand({ Bucket: plain, Policy: capture.livePolicies.plain }));
        await cli.alice.send(new PutBucketPolicyCommand({ Bucket: secret, Policy: capture.livePolicies.secret }));
        const scenario = await cli.stack(capture.stack);
        const deployment = fs.readFileSync(path.join(FIXTURE, "deployment.json"), "utf8").split(capture.endpoint).join(cli.s3.endpoint);
        const file = path.join(cli.world.dir, "deployment-0.4.0.json");
        fs.writeFileSync(file, deployment);
        await run(["stack", "import", "--file", file]);
        const before = await policyResources();
        expect(before).toHaveLength(2);
        for (const resource of before) expect(resource.outputs).toHaveProperty("canonicalPolicy");

        declare(scenario, ["s3:GetObject"]);
        await run(["preview", "--expect-no-changes"]);

        await run(["refresh", "--yes", "--skip-preview"]);
        expect(await livePolicy(cli.alice, plain)).toBe(capture.livePolicies.plain);
        expect(await livePolicy(cli.alice, secret)).toBe(capture.livePolicies.secret);
        const refreshed = await policyResources();
        for (const resource of refreshed) for (const key of DERIVED) expect(resource.outputs ?? {}).not.toHaveProperty(key);
        const secretState = refreshed.find((r) => r.urn.endsWith("::secret"));
        expect(secretState?.outputs?.policy).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
        expect(await exported()).not.toContain("SecretRead");
        await run(["preview", "--expect-no-changes"]);

        // A real change: the plain policy gains an action; the secret one is untouched.
        declare(scenario, ["s3:GetObject", "s3:PutObject"]);
        const up = await run(["up", "--yes", "--skip-preview"]);
        expect(up.stdout).toMatch(/1 updated/);
        const plainLive = (await declaredLivePolicy(cli.alice, plain)) as string;
        expect(JSON.parse(plainLive).Statement[0].Action).toEqual(["s3:GetObject", "s3:PutObject"]);
        expect(await livePolicy(cli.alice, secret)).toBe(capture.livePolicies.secret);
        const updated = await policyResources();
        for (const resource of updated) expect(Buffer.byteLength(String(resource.inputs?.__provider))).toBeLessThan(1024);
        expect(await exported()).not.toContain("SecretRead");
        await run(["preview", "--expect-no-changes"]);

        // Destroy: each resource deletes the policy it put (the secret one's Id is still 0.4.0's).
        await run(["destroy", "--yes", "--skip-preview"]);
        expect(await livePolicy(cli.alice, plain)).toBeUndefined();
        expect(await livePolicy(cli.alice, secret)).toBeUndefined();
    });
});
