/**
 * The S3 endpoint the environment names (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL) when the `endpoint` input is unset:
 * which variable wins, when none applies, how the client is made from it, and how `check` names a malformed one. That
 * requests really go to it, path-style, is tests/s3/calls.s3.test.ts's, against RadosGW.
 */
import { ENDPOINT_ENV_VARS, IGNORE_ENDPOINTS_ENV, environmentEndpoint } from "../../provider/endpoint";
import { BucketPolicyProvider } from "../../provider/provider";
import { createS3Client } from "../../provider/s3";

const bucket = "example-bucket";
const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }],
});

describe(environmentEndpoint.name, () => {
    it.each([
        [{}, undefined],
        [{ AWS_ENDPOINT_URL: "http://all:1" }, { variable: "AWS_ENDPOINT_URL", url: "http://all:1" }],
        [
            { AWS_ENDPOINT_URL_S3: "http://s3:1", AWS_ENDPOINT_URL: "http://all:1" },
            { variable: "AWS_ENDPOINT_URL_S3", url: "http://s3:1" },
        ],
        [
            { AWS_ENDPOINT_URL_S3: "  ", AWS_ENDPOINT_URL: " http://all:1 " },
            { variable: "AWS_ENDPOINT_URL", url: "http://all:1" },
        ],
        [{ AWS_ENDPOINT_URL_S3: "http://s3:1", [IGNORE_ENDPOINTS_ENV]: "TRUE" }, undefined],
        [
            { AWS_ENDPOINT_URL_S3: "http://s3:1", [IGNORE_ENDPOINTS_ENV]: "false" },
            { variable: "AWS_ENDPOINT_URL_S3", url: "http://s3:1" },
        ],
    ])("%j → %j", (env, expected) => {
        expect(environmentEndpoint(env)).toEqual(expected);
    });
});

describe("an endpoint from the environment", () => {
    const saved = { ...process.env };
    afterEach(() => {
        for (const key of [...ENDPOINT_ENV_VARS, IGNORE_ENDPOINTS_ENV]) {
            if (saved[key] === undefined) delete process.env[key];
            else process.env[key] = saved[key];
        }
    });

    async function clientSettings(connection: Parameters<typeof createS3Client>[0]) {
        const client = createS3Client({ region: "us-east-1", ...connection });
        const config = client.config as unknown as {
            forcePathStyle?: boolean;
            followRegionRedirects?: boolean;
            endpoint?: () => Promise<{ hostname: string }>;
        };
        return { forcePathStyle: config.forcePathStyle, followRegionRedirects: config.followRegionRedirects, host: (await config.endpoint?.())?.hostname };
    }

    it("is treated as the endpoint input is: path-style requests, no region redirects", async () => {
        process.env.AWS_ENDPOINT_URL_S3 = "http://s3.internal.example:7480";
        expect(await clientSettings({})).toEqual({ forcePathStyle: true, followRegionRedirects: false, host: "s3.internal.example" });
    });

    it("gives way to the endpoint input, and to an explicit forcePathStyle", async () => {
        process.env.AWS_ENDPOINT_URL_S3 = "http://s3.internal.example:7480";
        expect(await clientSettings({ endpoint: "http://input.example:9000", forcePathStyle: false })).toEqual({
            forcePathStyle: false,
            followRegionRedirects: false,
            host: "input.example",
        });
    });

    it("leaves AWS's defaults alone when none is set (virtual-hosted requests, region redirects followed)", async () => {
        for (const key of ENDPOINT_ENV_VARS) delete process.env[key];
        expect(await clientSettings({})).toMatchObject({ forcePathStyle: false, followRegionRedirects: true });
    });

    describe("check", () => {
        const check = (news: Record<string, unknown> = {}) => new BucketPolicyProvider().check({}, { bucket, policy, ...news });

        it("names a malformed one and the variable it came from, without echoing credentials in it", async () => {
            process.env.AWS_ENDPOINT_URL = "ftp://AKIDEXAMPLE:secret@files.example/";
            const result = await check();
            expect(result.failures).toEqual([
                {
                    property: "endpoint",
                    reason: "endpoint is unset, so the environment's AWS_ENDPOINT_URL applies, and AWS_ENDPOINT_URL must not contain credentials; use the AWS credential chain",
                },
            ]);
            process.env.AWS_ENDPOINT_URL_S3 = "127.0.0.1:7480";
            expect((await check()).failures).toEqual([
                {
                    property: "endpoint",
                    reason: 'endpoint is unset, so the environment\'s AWS_ENDPOINT_URL_S3 applies, and AWS_ENDPOINT_URL_S3 must be an http:// or https:// URL, got "127.0.0.1:7480"',
                },
            ]);
        });

        it("does not judge it when the endpoint input is set, or when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true", async () => {
            process.env.AWS_ENDPOINT_URL_S3 = "not a url";
            expect((await check({ endpoint: "http://127.0.0.1:7480" })).failures).toEqual([]);
            process.env[IGNORE_ENDPOINTS_ENV] = "true";
            expect((await check()).failures).toEqual([]);
        });

        it("accepts a well-formed one", async () => {
            process.env.AWS_ENDPOINT_URL_S3 = "https://s3.internal.example";
            expect((await check()).failures).toEqual([]);
        });
    });
});
