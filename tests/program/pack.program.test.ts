/**
 * The package as a user gets it: `npm pack` (prepack builds dist/), then a fresh Pulumi program in a temporary
 * directory that installs the tarball with npm, imports `pulumi-s3-bucket-policy`, compiles with tsc against the
 * published .d.ts files (a misspelt Effect must not compile), and runs under `pulumi.runtime.setMocks`. The provider it
 * registers is then loaded the way the dynamic-provider host loads it: in another process, from `__provider` text
 * alone, with the program directory as cwd, and it must pass `check` on the inputs the program registered.
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const PACKAGE = "pulumi-s3-bucket-policy";
const TYPE = "pulumi-nodejs:dynamic/s3:BucketPolicy";
const TIMEOUT_MS = 240_000;

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

/** Child processes get no npm_* variables from a surrounding `npm test`, and no NODE_PATH: resolution must come from the program. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (!/^npm_/i.test(key) && key !== "NODE_PATH" && key !== "NODE_OPTIONS") env[key] = value;
    }
    return { ...env, ...extra };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Run> {
    return new Promise((resolve) => {
        execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: TIMEOUT_MS }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        });
    });
}

async function mustRun(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Run> {
    const result = await run(command, args, cwd, env);
    if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    return result;
}

const timings: Record<string, number> = {};
async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
        return await step();
    } finally {
        timings[label] = Date.now() - start;
    }
}

const tsconfig = (extra: Record<string, unknown>) =>
    JSON.stringify(
        {
            compilerOptions: {
                strict: true,
                target: "ES2020",
                module: "commonjs",
                moduleResolution: "node",
                outDir: "bin",
                forceConsistentCasingInFileNames: true,
                types: ["node"],
                ...extra,
            },
        },
        null,
        2,
    );

// What a user writes: a typed document with Outputs in it, and a JSON-string policy.
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { BucketPolicy, canonicalizePolicy } from "${PACKAGE}";
import type { BucketPolicyArgs, PolicyDocumentArgs } from "${PACKAGE}";

const bucketName = pulumi.output("pack-test-bucket");
const bucketArn = pulumi.interpolate\`arn:aws:s3:::\${bucketName}\`;

const document: PolicyDocumentArgs = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, pulumi.interpolate\`\${bucketArn}/*\`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ],
};

export const typed = new BucketPolicy("typed", { bucket: bucketName, expectedBucketOwner: "111122223333", policy: document });

const text = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: { AWS: "*" }, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::pack-test-json/*" }],
});
const args: BucketPolicyArgs = { bucket: "pack-test-json", policy: text, allowPublicAccess: true, region: "eu-west-1", retryTimeoutSeconds: 30 };
export const fromJson = new BucketPolicy("json", args);

export const canonical: string = canonicalizePolicy(text);
export const ids = pulumi.all([typed.id, fromJson.id]);
`;

// The same program with a misspelt Effect: the published types must reject it.
const BAD_LINE = 7;
const BAD_PROGRAM = `import { BucketPolicy } from "${PACKAGE}";

new BucketPolicy("bad", {
    bucket: "pack-test-bad",
    policy: {
        Statement: [{
            Effect: "Alow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::pack-test-bad/*",
        }],
    },
});
`;

// Process 1, the program: runs bin/index.js under setMocks and writes what it registered.
const RUN_PROGRAM = `const fs = require("fs");
const pulumi = require("@pulumi/pulumi");
const registrations = [];
pulumi.runtime.setMocks(
    {
        newResource: async (args) => {
            registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
            return { id: args.name + "-id", state: args.inputs };
        },
        call: async (args) => args.inputs,
    },
    "pack-program",
    "dev",
    false,
);
const program = require("./bin/index.js");
program.ids.apply((ids) => {
    fs.writeFileSync(process.argv[2], JSON.stringify({ ids, canonical: program.canonical, registrations }));
});
`;

// Process 2, the provider host's way: deserialize __provider from text alone (cwd = the program), configure, check.
const RUN_PROVIDER = `const fs = require("fs");
const path = require("path");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const requireFromString = require(require.resolve("require-from-string", { paths: [pulumiDir] }));
const { Config } = require("@pulumi/pulumi/cmd/dynamic-provider/config");
(async () => {
    const { registrations } = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const results = [];
    for (const registration of registrations) {
        const provider = requireFromString(registration.inputs.__provider).handler();
        if (provider.configure) await provider.configure({ config: new Config({ "aws:region": "us-east-1" }, "pack-program") });
        const check = await provider.check({}, registration.inputs);
        const methods = [];
        for (let o = provider; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) methods.push(...Object.getOwnPropertyNames(o));
        results.push({ name: registration.name, methods, check });
    }
    const loadedByCheck = Object.keys(require.cache).filter((file) => file.includes("node_modules"));
    // The S3 SDK is loaded on the first client (provider/s3.ts); making one sends nothing.
    requireFromString(registrations[0].inputs.__provider).handler().clientFor({ region: "us-east-1" });
    const loaded = Object.keys(require.cache).filter((file) => file.includes("node_modules"));
    fs.writeFileSync(process.argv[3], JSON.stringify({ results, loadedByCheck, loaded }));
})().catch((error) => {
    console.error(error && error.stack ? error.stack : error);
    process.exit(1);
});
`;

jest.setTimeout(TIMEOUT_MS);

describe(`the npm package ${PACKAGE}, installed from its tarball into a fresh Pulumi program`, () => {
    let work: string;
    let programDir: string;
    let tarball: string;
    let packedFiles: string[];
    let registrations: Array<{ type: string; name: string; inputs: Record<string, unknown> }>;
    let canonical: string;
    const started = Date.now();

    beforeAll(async () => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "bp-pack-"));
        programDir = path.join(work, "program");
        fs.mkdirSync(programDir);

        // npm pack runs prepack (npm run build) and reports the tarball and its files as JSON on stdout.
        const pack = await timed("npm pack (prepack build)", () => mustRun("npm", ["pack", "--json", "--pack-destination", work], ROOT));
        const report = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as Array<{ filename: string; files: Array<{ path: string }> }>;
        tarball = path.join(work, report[0].filename);
        packedFiles = report[0].files.map((file) => file.path).sort();

        fs.writeFileSync(
            path.join(programDir, "package.json"),
            JSON.stringify({ name: "pack-program", version: "0.0.0", private: true, main: "bin/index.js" }, null, 2),
        );
        fs.writeFileSync(path.join(programDir, "Pulumi.yaml"), "name: pack-program\nruntime: nodejs\n");
        fs.writeFileSync(path.join(programDir, "tsconfig.json"), tsconfig({}));
        fs.writeFileSync(path.join(programDir, "index.ts"), PROGRAM);
        fs.writeFileSync(path.join(programDir, "run-program.js"), RUN_PROGRAM);
        fs.writeFileSync(path.join(programDir, "run-provider.js"), RUN_PROVIDER);
        await timed("npm install (tarball + @pulumi/pulumi + typescript)", () =>
            mustRun(
                "npm",
                ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, "@pulumi/pulumi@~3.248.0", "typescript@^5", "@types/node@^20"],
                programDir,
            ),
        );
    }, TIMEOUT_MS);

    afterAll(() => {
        timings.total = Date.now() - started;
        console.log(`pack test timings (ms): ${JSON.stringify(timings)}`);
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("packs the built JavaScript, its declarations, the README and docs/, and no sources, tests or scripts", () => {
        expect(packedFiles).toEqual(
            expect.arrayContaining(["package.json", "README.md", "dist/provider/index.js", "dist/provider/index.d.ts", "dist/provider/resource.js"]),
        );
        const expected =
            /^(package\.json|README\.md|LICENSE|docs\/[^/]+\.md|provider\/policy\/RULES\.md|provider\/plugin\/(pulumi-resource-s3-bucket-policy|schema\.json)|dist\/provider\/.+\.(js|d\.ts))$/;
        expect(packedFiles.filter((file) => !expected.test(file))).toEqual([]);
        const installed = JSON.parse(fs.readFileSync(path.join(programDir, "node_modules", PACKAGE, "package.json"), "utf8"));
        expect(installed.peerDependencies["@pulumi/pulumi"]).toBeDefined();
        expect(installed.dependencies["@aws-sdk/client-s3"]).toBeDefined();
        expect(installed.dependencies["@pulumi/pulumi"]).toBeUndefined();
        // One @pulumi/pulumi in the program: the package must not bring its own copy.
        expect(fs.existsSync(path.join(programDir, "node_modules", PACKAGE, "node_modules", "@pulumi", "pulumi"))).toBe(false);
    });

    it("packs the provider plugin: the installed executable starts its gRPC server and prints the port, as the engine reads it", async () => {
        const plugin = path.join(programDir, "node_modules", PACKAGE, "provider", "plugin", "pulumi-resource-s3-bucket-policy");
        expect(packedFiles).toEqual(expect.arrayContaining(["provider/plugin/pulumi-resource-s3-bucket-policy", "provider/plugin/schema.json"]));
        fs.accessSync(plugin, fs.constants.X_OK);
        const child = spawn(plugin, [], { env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}` } });
        try {
            const firstLine = await new Promise<string>((resolve, reject) => {
                let out = "";
                child.stdout.on("data", (chunk: Buffer) => {
                    out += chunk.toString();
                    if (out.includes("\n")) resolve(out.split("\n")[0]);
                });
                child.on("error", reject);
                child.on("exit", (code) => reject(new Error(`the plugin exited ${code} before printing its port`)));
            });
            expect(firstLine).toMatch(/^\d+$/);
        } finally {
            child.kill();
        }
    });

    it("type-checks the program against the published declarations, with classic and with node16 module resolution", async () => {
        const tsc = path.join(programDir, "node_modules", "typescript", "bin", "tsc");
        await timed("tsc (program)", () => mustRun(process.execPath, [tsc, "-p", "tsconfig.json"], programDir));
        expect(fs.existsSync(path.join(programDir, "bin", "index.js"))).toBe(true);
        // node16 resolution reads package.json "exports" (the "types" condition) instead of the top-level "types".
        fs.writeFileSync(path.join(programDir, "tsconfig.node16.json"), tsconfig({ module: "node16", moduleResolution: "node16", noEmit: true }));
        const node16 = await timed("tsc (node16)", () => run(process.execPath, [tsc, "-p", "tsconfig.node16.json"], programDir));
        expect(node16.stdout + node16.stderr).toBe("");
        expect(node16.code).toBe(0);
    });

    // TS2322 "not assignable", or TS2820 when TypeScript also suggests '"Allow"'.
    it('rejects a misspelt Effect ("Alow") at compile time, and only that', async () => {
        fs.writeFileSync(path.join(programDir, "bad.ts"), BAD_PROGRAM);
        fs.writeFileSync(
            path.join(programDir, "tsconfig.bad.json"),
            JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true }, files: ["bad.ts"] }),
        );
        const tsc = path.join(programDir, "node_modules", "typescript", "bin", "tsc");
        const bad = await timed("tsc (bad)", () => run(process.execPath, [tsc, "-p", "tsconfig.bad.json", "--pretty", "false"], programDir));
        expect(bad.code).not.toBe(0);
        const errors = bad.stdout.split("\n").filter((line) => line.includes("error TS"));
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors) expect(error).toMatch(new RegExp(`^bad\\.ts\\(${BAD_LINE},\\d+\\): error TS(2322|2820): .*"Alow"`));
    });

    it("registers BucketPolicy resources of the dynamic type under setMocks", async () => {
        const out = path.join(work, "registrations.json");
        await timed("program under setMocks", () => mustRun(process.execPath, ["run-program.js", out], programDir));
        const result = JSON.parse(fs.readFileSync(out, "utf8"));
        // In declaration order: a resource whose inputs hold Outputs registers after one of plain values.
        const declared = ["typed", "json"];
        registrations = [...result.registrations].sort((a: { name: string }, b: { name: string }) => declared.indexOf(a.name) - declared.indexOf(b.name));
        canonical = result.canonical;
        expect([...result.ids].sort()).toEqual(["json-id", "typed-id"]);
        expect(registrations.map((r) => [r.type, r.name])).toEqual([
            [TYPE, "typed"],
            [TYPE, "json"],
        ]);
        const typed = registrations[0].inputs;
        expect(typed.bucket).toBe("pack-test-bucket");
        expect(typed.expectedBucketOwner).toBe("111122223333");
        // The Outputs inside the typed document were resolved before it became JSON text.
        expect(JSON.parse(typed.policy as string).Statement[0].Resource).toEqual(["arn:aws:s3:::pack-test-bucket", "arn:aws:s3:::pack-test-bucket/*"]);
        expect(typeof canonical).toBe("string");
        expect(JSON.parse(canonical)).toBeTruthy();
    });

    it("serializes a provider that requires the installed package by module path, not by a path on this machine", () => {
        const providers = registrations.map((r) => r.inputs.__provider);
        for (const text of providers) expect(typeof text).toBe("string");
        // One shared provider object: both resources carry the same text.
        expect(providers[1]).toBe(providers[0]);
        const text = providers[0] as string;
        const requires = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
        console.log(`__provider: ${Buffer.byteLength(text)} bytes; requires: ${JSON.stringify(requires)}`);
        // The serialized handle loads the implementation by its stable package entry inside the host.
        expect(text).toContain(`"${PACKAGE}/dist/provider/provider.js"`);
        expect(Buffer.byteLength(text)).toBeLessThan(1024);
        // Nothing machine-specific: no absolute or relative file paths, no node_modules segments.
        for (const module of requires) expect(module).not.toMatch(/^[./]|node_modules/);
        expect(text).not.toContain(ROOT);
        expect(text).not.toContain(work);
    });

    it("loads from __provider alone in a fresh process run from the program directory, passes check without the S3 SDK, and takes the SDK from the program's node_modules for its first client", async () => {
        const input = path.join(work, "registrations.json");
        const out = path.join(work, "provider.json");
        await timed("provider from __provider (fresh process)", () => mustRun(process.execPath, ["run-provider.js", input, out], programDir));
        const { results, loadedByCheck, loaded } = JSON.parse(fs.readFileSync(out, "utf8")) as {
            results: Array<{ name: string; methods: string[]; check: { inputs?: Record<string, unknown>; failures?: unknown[] } }>;
            loadedByCheck: string[];
            loaded: string[];
        };
        const realProgramDir = fs.realpathSync(programDir);
        const sdkDir = path.join(realProgramDir, "node_modules", "@aws-sdk", "client-s3");
        // check needs no S3 SDK; the first client loads it. The provider's own modules and the SDK both come from the
        // program's node_modules, not from this repository.
        expect(loadedByCheck.some((file) => file.includes(path.join("@aws-sdk", "client-s3")))).toBe(false);
        expect(loaded.some((file) => file.startsWith(path.join(realProgramDir, "node_modules", PACKAGE, "dist", "provider")))).toBe(true);
        expect(loaded.some((file) => file.startsWith(sdkDir))).toBe(true);
        expect(loaded.filter((file) => file.startsWith(ROOT))).toEqual([]);
        expect(results.map((r) => r.name).sort()).toEqual(["json", "typed"]);
        for (const result of results) {
            expect(result.methods).toEqual(expect.arrayContaining(["check", "diff", "create", "read", "update", "delete"]));
            expect(result.check.failures ?? []).toEqual([]);
            const registered = registrations.find((r) => r.name === result.name)!.inputs;
            expect(result.check.inputs).toMatchObject({ bucket: registered.bucket });
            expect(JSON.parse(result.check.inputs!.policy as string)).toBeTruthy();
        }
        const checkedOf = (name: string) => results.find((r) => r.name === name)!.check.inputs;
        expect(checkedOf("typed")).toMatchObject({ expectedBucketOwner: "111122223333" });
        expect(checkedOf("json")).toMatchObject({ region: "eu-west-1", retryTimeoutSeconds: 30 });
    });
});
