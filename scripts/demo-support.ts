/**
 * The plumbing under scripts/demo.ts's steps: the `pulumi` CLI run with its output shown, a setup script run with its
 * progress shown, the bucket-policy calls the recording proxy saw, and one S3 request's answer.
 */
import { spawn } from "child_process";
import { S3Proxy } from "../tests/support/s3proxy";

export function banner(title: string): void {
    console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 72 - title.length))}`);
}

export interface Pulumi {
    /** Runs `pulumi args…`, its output going straight to ours; resolves to the exit code and output. */
    (args: string[], options?: { expectFailure?: boolean; quiet?: boolean }): Promise<{ code: number; output: string }>;
}

/** A {@link Pulumi} that runs the CLI in `cwd` with `env`, rejecting when it fails unexpectedly or succeeds unexpectedly. */
export function pulumiRunner(cwd: string, env: NodeJS.ProcessEnv): Pulumi {
    return (args, options = {}) =>
        new Promise((resolve, reject) => {
            console.log(`\n$ pulumi ${args.map(shellQuoted).join(" ")}`);
            const child = spawn("pulumi", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
            let output = "";
            child.stdout.on("data", (chunk: Buffer) => {
                output += chunk.toString();
                if (!options.quiet) process.stdout.write(chunk);
            });
            child.stderr.on("data", (chunk: Buffer) => {
                output += chunk.toString();
                process.stderr.write(chunk);
            });
            child.on("error", reject);
            child.on("close", (code) => {
                const failed = code !== 0;
                if (failed !== !!options.expectFailure)
                    reject(new Error(`pulumi ${args.join(" ")} exited ${code}, expected ${options.expectFailure ? "a failure" : "0"}`));
                else resolve({ code: code ?? -1, output });
            });
        });
}

/** An argument as a shell would need it written: in single quotes when it has anything but plain characters. */
function shellQuoted(arg: string): string {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs `bash args…` in `cwd` with `env` on top of ours, showing each line of its stderr (its progress) indented;
 * resolves to its stdout, trimmed; rejects when it exits non-zero.
 */
export function runScript(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let partial = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => {
            const lines = (partial + chunk.toString()).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) console.log(`  ${line}`);
        });
        child.on("error", reject);
        child.on("close", (code) => {
            if (partial) console.log(`  ${partial}`);
            if (code === 0) resolve(stdout.trim());
            else reject(new Error(`bash ${args.join(" ")} exited ${code}`));
        });
    });
}

export function expectOutput(output: string, pattern: RegExp, what: string): void {
    if (!pattern.test(output)) throw new Error(`demo: expected ${what} (${pattern}) in the CLI's output`);
}

/** The bucket-policy calls S3 saw since the proxy's last reset, one line each (with the expected-owner header); resets it. */
export function bucketPolicyCalls(proxy: S3Proxy): string {
    const policyCalls = proxy.requests.filter((r) => /BucketPolicy$/.test(r.operation));
    const summary = policyCalls.map(
        (r) =>
            `${r.operation} ${r.status}${r.headers["x-amz-expected-bucket-owner"] ? ` [x-amz-expected-bucket-owner: ${r.headers["x-amz-expected-bucket-owner"]}]` : ""}`,
    );
    proxy.reset();
    return summary.length ? summary.map((s) => `  S3 saw: ${s}`).join("\n") : "  S3 saw: no bucket-policy call";
}

/** Sends one request, prints `label: status`, and resolves to the HTTP status (0 when the error carries none). */
export async function tryRequest(label: string, request: () => Promise<unknown>): Promise<number> {
    try {
        await request();
        console.log(`  ${label}: 200 OK`);
        return 200;
    } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
        console.log(`  ${label}: ${status} ${(error as Error).name}`);
        return status;
    }
}
