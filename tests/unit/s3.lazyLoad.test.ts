/**
 * The S3 SDK is loaded on the first client, not with the package: a program that declares resources, and a provider
 * host that only previews, never need it (provider/s3.ts). Run in a child Node process, whose module cache is its own.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");

function loadedAfter(script: string): string[] {
    const probe = `(async () => { ${script} })().then(() => console.log(JSON.stringify(Object.keys(require.cache).filter((file) => file.includes("@aws-sdk/client-s3")))));`;
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", probe], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
    if (run.status !== 0) throw new Error(`node exited ${run.status}: ${run.stderr}`);
    return JSON.parse(run.stdout.trim().split("\n").pop() as string) as string[];
}

describe("the S3 SDK", () => {
    it("is not loaded by the package's entry, nor by a provider's check and diff", () => {
        const script =
            'const p = require("./provider"); const provider = new p.BucketPolicyProvider(); ' +
            'const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }); ' +
            "provider.notices = { info: async () => {}, warn: async () => {} }; " +
            'const checked = await provider.check({}, { bucket: "b", policy }); await provider.diff("b", checked.inputs, checked.inputs);';
        expect(loadedAfter(script)).toEqual([]);
    }, 60_000);

    it("is loaded by the first client", () => {
        expect(loadedAfter('require("./provider/s3").createS3Client({ region: "us-east-1" })').length).toBeGreaterThan(0);
    }, 60_000);
});
