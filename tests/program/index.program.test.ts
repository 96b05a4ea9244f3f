/**
 * The repository's Pulumi program (index.ts) under pulumi.runtime.setMocks: it registers one BucketPolicy per
 * configured bucket, and the provider it registers serializes into a closure that loads and validates on its own.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as pulumiType from "@pulumi/pulumi";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: (code: string) => { handler: () => Record<string, (...args: unknown[]) => Promise<unknown>> } = require("require-from-string");

interface Registration {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const PROJECT = "s3-bucket-policy";

/** Runs index.ts in a fresh module registry with the given stack config; returns what it registered and exported. */
async function runProgram(config: Record<string, string>): Promise<{ registrations: Registration[]; applied: Record<string, unknown> }> {
    const registrations: Registration[] = [];
    let program: { applied: Record<string, { policy: pulumiType.Output<string> }> } | undefined;
    let pulumi: typeof pulumiType | undefined;
    jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        pulumi = require("@pulumi/pulumi") as typeof pulumiType;
        pulumi.runtime.setMocks(
            {
                newResource: async (args) => {
                    registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: async (args) => args.inputs,
            },
            PROJECT,
            "test",
            false,
        );
        pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        program = require("../../index");
    });
    const applied = program!.applied;
    const resolved: Record<string, unknown> = {};
    for (const [bucket, entry] of Object.entries(applied)) {
        resolved[bucket] = await new Promise((resolve) => entry.policy.apply(resolve));
    }
    return { registrations, applied: resolved };
}

const policyFor = (bucket: string) => ({
    Version: "2012-10-17",
    Statement: [{ Sid: "Read", Effect: "Allow", Principal: { AWS: "444455556666" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }],
});

describe("index.ts", () => {
    let dir: string;
    beforeAll(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "bp-program-"));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("registers a BucketPolicy for the configured bucket and policy file, with the expected owner", async () => {
        const file = path.join(dir, "one.json");
        fs.writeFileSync(file, JSON.stringify(policyFor("logs-bucket"), null, 2));
        const { registrations } = await runProgram({ bucket: "logs-bucket", policyFile: file, expectedBucketOwner: "111122223333" });
        expect(registrations).toHaveLength(1);
        expect(registrations[0]).toMatchObject({
            type: "pulumi-nodejs:dynamic/s3:BucketPolicy",
            name: "logs-bucket",
            inputs: { bucket: "logs-bucket", expectedBucketOwner: "111122223333" },
        });
        expect(JSON.parse(registrations[0].inputs.policy as string)).toEqual(policyFor("logs-bucket"));
    });

    it("registers one BucketPolicy per file of policyDir, with per-bucket owners, and exports what it applied", async () => {
        const folder = path.join(dir, "policies");
        fs.mkdirSync(folder);
        for (const bucket of ["alpha-bucket", "beta-bucket"]) fs.writeFileSync(path.join(folder, `${bucket}.json`), JSON.stringify(policyFor(bucket)));
        fs.writeFileSync(path.join(folder, "README.txt"), "not a policy");
        const { registrations, applied } = await runProgram({
            policyDir: folder,
            bucketOwners: JSON.stringify({ "beta-bucket": "444455556666" }),
            expectedBucketOwner: "111122223333",
        });
        expect(registrations.map((r) => [r.name, r.inputs.expectedBucketOwner])).toEqual([
            ["alpha-bucket", "111122223333"],
            ["beta-bucket", "444455556666"],
        ]);
        expect(Object.keys(applied)).toEqual(["alpha-bucket", "beta-bucket"]);
    });

    it("serializes a provider that loads by itself and validates the registered inputs", async () => {
        const file = path.join(dir, "two.json");
        fs.writeFileSync(file, JSON.stringify(policyFor("data-bucket")));
        const { registrations } = await runProgram({ bucket: "data-bucket", policyFile: file });
        const text = registrations[0].inputs.__provider as string;
        expect(typeof text).toBe("string");
        expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws_secret_access_key/);
        const provider = requireFromString(text).handler();
        for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) expect(typeof provider[method]).toBe("function");
        const { __provider: _p, ...inputs } = registrations[0].inputs;
        const checked = (await provider.check({}, inputs)) as { failures: unknown[]; inputs: { policy: string } };
        expect(checked.failures).toEqual([]);
        const diff = (await provider.diff(
            "data-bucket",
            { ...checked.inputs },
            { ...checked.inputs, policy: JSON.stringify(policyFor("data-bucket"), null, 8) },
        )) as { changes: boolean };
        expect(diff.changes).toBe(false);
    });

    it("fails with a clear message when neither a bucket nor a policy folder is configured", async () => {
        await expect(runProgram({})).rejects.toThrow(/set bucket with policyFile\/policy, or policyDir/);
    });
});
