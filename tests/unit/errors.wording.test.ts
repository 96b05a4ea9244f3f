/**
 * The facts every error BucketPolicy raises must give a person reading `pulumi up`, asserted by their key words rather
 * than as whole sentences: each S3 failure names the operation, the bucket, the S3 code, the HTTP status (when S3
 * answered), the likely cause and then the fix, and each explanation the code has is produced by some failure; the
 * give-up after retries says what was retried and which budget ran out; the clobber refusal, the delete warning, the
 * lazy provider's load failures and the `import` option refusal say what happened and what to do.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { S3_ERROR_EXPLANATIONS, describeS3Error } from "../../provider/errors";
import { BUCKET, OWNER, S3_ERROR_CASES, errorContext as context, networkError, s3Error } from "../support/s3ErrorCases";
import { CallContext, findBucketPolicy, putBucketPolicy } from "../../provider/calls";
import { BucketPolicyProvider } from "../../provider/provider";
import { PROVIDER_HANDLE } from "../../provider/handle";
import { BucketPolicy } from "../../provider/resource";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: (code: string) => { handler: () => BucketPolicyProvider } = require("require-from-string");

describe("describeS3Error: the facts of each failure", () => {
    it.each(S3_ERROR_CASES)("$name: the operation, bucket, code and status, then the cause and the fix", ({ error, context: ctx, code, cause, fix }) => {
        const described = describeS3Error(error, ctx);
        const { message } = described;
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        expect(message).toContain(ctx.operation);
        expect(message).toContain(`"${ctx.bucket}"`);
        expect(message).toContain(code);
        if (status) expect(message).toContain(`HTTP ${status}`);
        else expect(message).not.toContain("(HTTP");
        const causeAt = message.search(cause);
        expect(causeAt).toBeGreaterThan(message.indexOf(code));
        expect(message.slice(causeAt).search(fix)).toBeGreaterThanOrEqual(0);
        expect(described).toMatchObject({ name: "BucketPolicyError", code, bucket: ctx.bucket, operation: ctx.operation });
        expect(described.httpStatus).toBe(status);
    });

    it("gives each of its explanations for some failure", () => {
        const messages = S3_ERROR_CASES.map((c) => describeS3Error(c.error, c.context).message);
        const unused = S3_ERROR_EXPLANATIONS.filter((explanation) => S3_ERROR_CASES.every((c, i) => !messages[i].includes(explanation.text(c.context)))).map(
            (explanation) => explanation.name,
        );
        expect(unused).toEqual([]);
    });

    it("quotes S3's message once, without a doubled period, and drops the SDK's 'UnknownError' placeholder", () => {
        const placeholder = describeS3Error(s3Error("NoSuchBucket", 404, "UnknownError"), context("GetBucketPolicy")).message;
        expect(placeholder).not.toContain("UnknownError");
        expect(placeholder).toMatch(/NoSuchBucket \(HTTP 404\)\. /);
        const quoted = describeS3Error(
            s3Error("InternalError", 500, "We encountered an internal error. Please try again."),
            context("GetBucketPolicy"),
        ).message;
        expect(quoted.split("Please try again").length).toBe(2);
        expect(quoted).not.toContain("..");
    });
});

describe("give-up wording after retries", () => {
    /** A context whose client always throws `error`, with a clock that each backoff advances (no real waiting). */
    function failingContext(error: Error, retryTimeoutMs: number, expectedBucketOwner?: string): CallContext {
        let now = 0;
        return {
            client: {
                send: async () => {
                    throw error;
                },
            },
            bucket: BUCKET,
            ...(expectedBucketOwner ? { expectedBucketOwner } : {}),
            retryTimeoutMs,
            retry: { sleep: async (ms: number) => void (now += ms), random: () => 1, now: () => now },
        };
    }

    it("throttling until the budget is spent: the S3 error, the attempts, the budget and its setting, what was retried", async () => {
        const error = (await findBucketPolicy(failingContext(s3Error("SlowDown", 503, "Please reduce your request rate."), 10_000, OWNER)).catch(
            (e) => e,
        )) as Error;
        for (const fact of ["GetBucketPolicy", `"${BUCKET}"`, "SlowDown", "HTTP 503", "Please reduce your request rate"]) expect(error.message).toContain(fact);
        expect(error.message).toMatch(/throttling.*--parallel N.*retryTimeoutSeconds/);
        expect(error.message).toMatch(/Gave up after \d+ attempts in [\d.]+ s/);
        expect(error.message).toMatch(/retry budget of 10 s \(retryTimeoutSeconds\)/);
        expect(error.message).toMatch(/Retried: \d+ × SlowDown 503 \(throttling\)\.$/);
    });

    it("a bucket that never becomes visible: NoSuchBucket's cause and fix, then the retries", async () => {
        const error = (await putBucketPolicy(failingContext(s3Error("NoSuchBucket", 404, "The specified bucket does not exist"), 5_000), {
            policy: "{}",
        }).catch((e) => e)) as Error;
        for (const fact of ["PutBucketPolicy", `"${BUCKET}"`, "NoSuchBucket", "HTTP 404"]) expect(error.message).toContain(fact);
        expect(error.message).toMatch(/Create it first, or fix the bucket name/);
        expect(error.message).toMatch(/retry budget of 5 s \(retryTimeoutSeconds\)\. Retried: \d+ × NoSuchBucket \(bucket not visible yet\)\.$/);
    });

    it("an unreachable endpoint: the network cause and fix, then the retries", async () => {
        const error = (await findBucketPolicy(failingContext(networkError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"), 2_000)).catch(
            (e) => e,
        )) as Error;
        expect(error.message).toMatch(/could not be reached.*endpoint\/region inputs and the network/);
        expect(error.message).toMatch(/Retried: \d+ × ECONNREFUSED \(network error\)\.$/);
    });
});

describe("the provider's own refusals and warnings", () => {
    const livePolicy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "ConsoleRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` },
            { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
    });
    const ownPolicy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "Mine", Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${BUCKET}` }],
    });

    /** A provider whose S3 client answers GetBucketPolicy with `live` and records every command. */
    function providerWithLivePolicy(live: string): { provider: BucketPolicyProvider; sent: string[] } {
        const sent: string[] = [];
        const provider = new BucketPolicyProvider(() => ({
            send: async (command: unknown) => {
                const name = (command as object).constructor.name;
                sent.push(name);
                return name === "GetBucketPolicyCommand" ? { Policy: live } : {};
            },
        }));
        return { provider, sent };
    }

    it("create over someone else's policy: refuses, names the bucket and the live statements, and says how to take it over", async () => {
        const { provider, sent } = providerWithLivePolicy(livePolicy);
        const error = (await provider.create({ bucket: BUCKET, policy: ownPolicy }).catch((e) => e)) as Error;
        expect(error.message).toContain(`"${BUCKET}"`);
        expect(error.message).toMatch(/already has a bucket policy \(2 statement\(s\): Sids "ConsoleRead"; 1 statement\(s\) without Sid\)/);
        expect(error.message).toMatch(/does not overwrite a policy it did not create/);
        expect(error.message).toContain("adoptExisting: true");
        expect(sent).toEqual(["GetBucketPolicyCommand"]);
    });

    it("create over someone else's policy: recommends only what works: adoptExisting with an equivalent policy, which writes nothing, and not the `import` resource option, which the engine cannot run for dynamic resources", async () => {
        const { provider } = providerWithLivePolicy(livePolicy);
        const error = (await provider.create({ bucket: BUCKET, policy: ownPolicy }).catch((e) => e)) as Error;
        expect(error.message).not.toMatch(/resource option import/);
        expect(error.message).toMatch(/equivalent.*(nothing is written|writes nothing|no write)/);
    });

    it("delete when the live policy is no longer the one put: warns, names the bucket and the live statements, leaves it", async () => {
        const { provider, sent } = providerWithLivePolicy(livePolicy);
        const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
        try {
            await provider.delete(BUCKET, { bucket: BUCKET, policy: ownPolicy });
            expect(warn).toHaveBeenCalledTimes(1);
            const warning = String(warn.mock.calls[0][0]);
            expect(warning).toMatch(/^warning: /);
            expect(warning).toContain(BUCKET);
            expect(warning).toMatch(/2 statement\(s\): Sids "ConsoleRead"; 1 statement\(s\) without Sid/);
            expect(warning).toMatch(/not the one this resource put; it was left in place/);
            expect(warning).toMatch(/Delete it yourself/);
        } finally {
            warn.mockRestore();
        }
        expect(sent).toEqual(["GetBucketPolicyCommand"]);
    });

    it("the import resource option: refused in the program, naming the reason, the issue and what to use instead", () => {
        let message = "";
        try {
            new BucketPolicy("taken-over", { bucket: BUCKET, policy: ownPolicy }, { import: BUCKET });
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).toContain('"taken-over"');
        expect(message).toMatch(/import resource option does not work for dynamic resources/);
        expect(message).toMatch(/without its properties.*__provider/);
        expect(message).toContain("pulumi/pulumi#3550");
        expect(message).toMatch(/remove the import option.*adoptExisting: true/);
        expect(message).toMatch(/BucketPolicy\.get\(/);
    });
});

describe("the provider handle's load failures, as the host meets them (the __provider text, host working directory)", () => {
    const dirs: string[] = [];
    const cwd = process.cwd();
    afterEach(() => process.chdir(cwd));
    afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    /** A program directory with the given files; the handle is deserialized there as the host does (require-from-string). */
    async function loadIn(files: Record<string, string>): Promise<Error> {
        const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "bp-load-")));
        dirs.push(dir);
        for (const [file, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), text);
        }
        process.chdir(dir);
        try {
            requireFromString(PROVIDER_HANDLE).handler();
        } catch (error) {
            return error as Error;
        }
        throw new Error(`the handle loaded a provider in ${dir}`);
    }

    it("the package is not installed in the program's directory: names the entry, the directory and the install command", async () => {
        const error = await loadIn({ "package.json": JSON.stringify({ name: "my-infra" }) });
        expect(error.message).toContain("pulumi-s3-bucket-policy/dist/provider/provider.js");
        expect(error.message).toMatch(/is not installed/);
        expect(error.message).toContain(process.cwd());
        expect(error.message).toContain("npm install pulumi-s3-bucket-policy");
    });

    it("this repository without a build: Node's message names the missing build output (docs/errors.md names the fix)", async () => {
        const error = await loadIn({ "package.json": JSON.stringify({ name: "pulumi-s3-bucket-policy" }) });
        expect(error.message).toContain(`${process.cwd()}/dist/provider/provider.js`);
        expect(error.message).toContain("Cannot find module");
    });

    it("the package is installed but one of its dependencies is not: names the missing dependency, not the package as missing", async () => {
        const error = await loadIn({
            "package.json": JSON.stringify({ name: "my-infra" }),
            "node_modules/pulumi-s3-bucket-policy/package.json": JSON.stringify({
                name: "pulumi-s3-bucket-policy",
                exports: { "./dist/provider/*.js": "./dist/provider/*.js" },
            }),
            "node_modules/pulumi-s3-bucket-policy/dist/provider/provider.js": 'require("@aws-sdk/client-s3-missing-for-this-test");',
        });
        expect(error.message).toContain("@aws-sdk/client-s3-missing-for-this-test");
        expect(error.message).not.toMatch(/provider\.js is not installed/);
    });

    it("this repository with a broken build: carries the underlying error, not only the build command", async () => {
        const error = await loadIn({
            "package.json": JSON.stringify({ name: "pulumi-s3-bucket-policy" }),
            "dist/provider/provider.js": 'throw new Error("dist was built by another TypeScript");',
        });
        expect(error.message).toContain("dist was built by another TypeScript");
    });
});
