/**
 * The typed policy document with real `@pulumi/aws` values under `pulumi.runtime.setMocks`: a bucket's `arn` Output in a
 * typed statement, and `aws.iam.getPolicyDocumentOutput(...).json` as JSON text (its invoke is a mock here: no AWS).
 * The registered `policy` input is the text the provider receives; the real provider's `check` accepts it.
 *
 * Also the compile-time half: `tests/types/policyDocument.types.ts` compiles as it is, and without its
 * `@ts-expect-error` directives fails exactly on the misspelt lines, each error naming the misspelling.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { BucketPolicy } from "../../provider";
import type { PolicyDocumentArgs } from "../../provider";
import { BucketPolicyProvider } from "../../provider/provider";

interface Registration {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const registrations: Registration[] = [];
const invokes: Array<{ token: string; inputs: Record<string, unknown> }> = [];

interface PolicyDocumentStatementInput {
    sid?: string;
    effect?: string;
    actions?: string[];
    resources?: string[];
    principals?: Array<{ type: string; identifiers: string[] }>;
    conditions?: Array<{ test: string; variable: string; values: string[] }>;
}

const one = (values: string[]) => (values.length === 1 ? values[0] : values);

/** `type: "*"` with identifier `"*"` renders as `"Principal": "*"`, as the data source does. */
function principalOf(principals: Array<{ type: string; identifiers: string[] }>): unknown {
    if (principals.length === 1 && principals[0].type === "*") return "*";
    return Object.fromEntries(principals.map((p) => [p.type, one(p.identifiers)]));
}

/**
 * A mock of the `aws:iam/getPolicyDocument:getPolicyDocument` invoke: builds the JSON from the invoke's arguments,
 * pretty-printed as the real data source prints it. Covers the arguments these tests use, not the whole data source.
 */
function mockGetPolicyDocument(inputs: { version?: string; statements?: PolicyDocumentStatementInput[] }): { id: string; json: string } {
    const document = {
        Version: inputs.version ?? "2012-10-17",
        Statement: (inputs.statements ?? []).map((s) => ({
            ...(s.sid ? { Sid: s.sid } : {}),
            Effect: s.effect ?? "Allow",
            ...(s.actions ? { Action: one(s.actions) } : {}),
            ...(s.resources ? { Resource: one(s.resources) } : {}),
            ...(s.principals ? { Principal: principalOf(s.principals) } : {}),
            ...(s.conditions ? { Condition: Object.fromEntries(s.conditions.map((c) => [c.test, { [c.variable]: one(c.values) }])) } : {}),
        })),
    };
    const json = JSON.stringify(document, null, 2);
    return { id: String(json.length), json };
}

pulumi.runtime.setMocks(
    {
        newResource: async (args) => {
            registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
            if (args.type === "aws:s3/bucket:Bucket" || args.type === "aws:s3/bucketV2:BucketV2") {
                const bucket = (args.inputs.bucket as string | undefined) ?? `${args.name}-4f2a9c1`;
                return { id: bucket, state: { ...args.inputs, bucket, arn: `arn:aws:s3:::${bucket}` } };
            }
            return { id: `${args.name}-id`, state: args.inputs };
        },
        call: async (args) => {
            invokes.push({ token: args.token, inputs: args.inputs });
            if (args.token === "aws:iam/getPolicyDocument:getPolicyDocument") return mockGetPolicyDocument(args.inputs);
            throw new Error(`unexpected invoke ${args.token}`);
        },
    },
    "s3-bucket-policy",
    "test",
    false,
);

const valueOf = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

/** Waits for the resource's registration and returns the inputs the engine (here the mock) received. */
async function registeredInputs(resource: BucketPolicy): Promise<Record<string, unknown>> {
    const urn = await valueOf(resource.urn);
    const registration = registrations.find((r) => r.type === "pulumi-nodejs:dynamic/s3:BucketPolicy" && urn.endsWith(`::${r.name}`));
    if (!registration) throw new Error(`no registration for ${urn}`);
    return registration.inputs;
}

/** What the provider's `check` makes of the registered inputs (called directly, without the serialized `__provider`). */
async function checkedByProvider(inputs: Record<string, unknown>) {
    const { __provider: _provider, ...rest } = inputs;
    return new BucketPolicyProvider().check({}, rest);
}

describe("typed policy documents with @pulumi/aws values", () => {
    it.each([
        ["aws.s3.Bucket", (name: string, bucket: string) => new aws.s3.Bucket(name, { bucket })],
        ["aws.s3.BucketV2", (name: string, bucket: string) => new aws.s3.BucketV2(name, { bucket })],
    ])("puts the arn Output of an %s into a typed statement's Resource, and registers the resolved JSON text", async (kind, newBucket) => {
        const bucketName = `typed-${kind.endsWith("V2") ? "v2" : "v1"}-bucket`;
        const bucket = newBucket(`${bucketName}-res`, bucketName);
        const policy: PolicyDocumentArgs = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        };
        const resource = new BucketPolicy(`${bucketName}-policy`, { bucket: bucket.bucket, policy });

        const inputs = await registeredInputs(resource);
        expect(inputs.bucket).toBe(bucketName);
        expect(inputs.policy).toBe(
            `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
                `"Resource":["arn:aws:s3:::${bucketName}","arn:aws:s3:::${bucketName}/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
        );
        const checked = await checkedByProvider(inputs);
        expect(checked.failures).toEqual([]);
    });

    it("takes aws.iam.getPolicyDocumentOutput(...).json as JSON text, unchanged (with a mock of the getPolicyDocument invoke)", async () => {
        const bucket = new aws.s3.Bucket("json-bucket-res", { bucket: "json-doc-bucket" });
        const document = aws.iam.getPolicyDocumentOutput({
            statements: [
                {
                    sid: "ReadForRole",
                    effect: "Allow",
                    principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:role/reader"] }],
                    actions: ["s3:GetObject"],
                    resources: [pulumi.interpolate`${bucket.arn}/*`],
                },
                {
                    sid: "DenyInsecureTransport",
                    effect: "Deny",
                    principals: [{ type: "*", identifiers: ["*"] }],
                    actions: ["s3:*"],
                    resources: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                    conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
                },
            ],
        });
        const resource = new BucketPolicy("json-doc-policy", { bucket: bucket.bucket, policy: document.json, expectedBucketOwner: "111122223333" });

        const inputs = await registeredInputs(resource);
        const invoke = invokes.find((i) => i.token === "aws:iam/getPolicyDocument:getPolicyDocument");
        expect(invoke).toBeDefined();
        // The JSON string passes through as it is: the provider's check, not the component, normalizes it.
        expect(inputs.policy).toBe(mockGetPolicyDocument(invoke!.inputs as Parameters<typeof mockGetPolicyDocument>[0]).json);
        expect(JSON.parse(inputs.policy as string).Statement[1].Resource).toEqual(["arn:aws:s3:::json-doc-bucket", "arn:aws:s3:::json-doc-bucket/*"]);
        expect(inputs.expectedBucketOwner).toBe("111122223333");
        const checked = await checkedByProvider(inputs);
        expect(checked.failures).toEqual([]);
        expect(checked.inputs.policy).not.toContain("\n");
    });
});

describe("compile-time checks of the policy document types (tests/types/policyDocument.types.ts)", () => {
    const typesFile = path.resolve(__dirname, "../types/policyDocument.types.ts");
    const strippedFile = path.resolve(__dirname, "../types/policyDocument.stripped.ts");

    /** Compiles the file as it is and with its directives removed (same line numbers), with the repository's tsconfig. */
    function compile(): { original: ts.Diagnostic[]; stripped: ts.Diagnostic[]; expected: Array<{ line: number; token: string }> } {
        const source = fs.readFileSync(typesFile, "utf8");
        const directive = /^(\s*)\/\/ @ts-expect-error (\S+)\s*$/;
        const lines = source.split("\n");
        const expected = lines.flatMap((line, index) => {
            const match = directive.exec(line);
            return match ? [{ line: index + 2, token: match[2] }] : [];
        });
        const stripped = lines.map((line) => line.replace(directive, "$1//")).join("\n");
        const configPath = path.resolve(__dirname, "../../tsconfig.json");
        const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, path.dirname(configPath));
        const host = ts.createCompilerHost(config.options);
        const { getSourceFile, fileExists, readFile } = host;
        host.fileExists = (name) => name === strippedFile || fileExists.call(host, name);
        host.readFile = (name) => (name === strippedFile ? stripped : readFile.call(host, name));
        host.getSourceFile = (name, language, ...rest) =>
            name === strippedFile ? ts.createSourceFile(name, stripped, language) : getSourceFile.call(host, name, language, ...rest);
        const program = ts.createProgram([typesFile, strippedFile], config.options, host);
        const all = ts.getPreEmitDiagnostics(program);
        return { original: all.filter((d) => d.file?.fileName === typesFile), stripped: all.filter((d) => d.file?.fileName === strippedFile), expected };
    }

    it("accepts the valid documents and uses every @ts-expect-error; without the directives, each misspelling is an error that names it", () => {
        const { original, stripped, expected } = compile();
        const describe = (d: ts.Diagnostic) => ({
            line: d.file!.getLineAndCharacterOfPosition(d.start!).line + 1,
            message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
        });
        expect(original.map(describe)).toEqual([]);
        expect(expected.map((e) => e.token)).toEqual(expect.arrayContaining(["Actions", '"Alow"']));
        const errors = stripped.map(describe);
        expect(errors.map((e) => e.line)).toEqual(expected.map((e) => e.line));
        errors.forEach((error, index) => expect(error.message).toContain(expected[index].token));
    });
});
