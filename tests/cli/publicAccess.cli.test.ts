/**
 * Public access through the real engine on RadosGW: `pulumi preview` refuses a public policy before anything is
 * written; with `allowPublicAccess` the preview warns, `pulumi up` records `isPublic`, and an anonymous (unsigned) GET
 * then reads what was private before; with S3 Block Public Access (`BlockPublicPolicy`) on the bucket, the put is
 * refused and the error says why.
 */
import { PutObjectCommand, PutPublicAccessBlockCommand } from "@aws-sdk/client-s3";
import { livePolicy } from "../support/localS3";
import { useCliSuite } from "../support/pulumiCli";

jest.setTimeout(240_000);

describe("the real engine: public access known at preview", () => {
    const cli = useCliSuite();
    const publicRead = (bucket: string) => ({
        Version: "2012-10-17",
        Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }],
    });

    it("preview refuses a public policy, naming the statement and the opt-in, reason first; nothing is written", async () => {
        const scenario = await cli.stack("refused");
        const bucket = await cli.buckets.newBucket("cli-public-refused");
        scenario.declare([{ name: "site", bucket, policy: publicRead(bucket) }]);
        const failure = await scenario.stack.preview().then(
            () => "",
            (error: Error) => error.message,
        );
        expect(failure).toContain('Statement[0] (Sid "PublicRead")');
        expect(failure).toMatch(/Principal "\*"/);
        expect(failure).toContain("allowPublicAccess: true");

        // As a pipeline reads it: the failure names no property, so the engine prints the reason, which names the
        // policy, without the document before it (a failure on `policy` printed `property policy value {…} has a problem`).
        const run = await cli.run(scenario.stack.name, ["preview", "--non-interactive"]);
        expect(run.code).not.toBe(0);
        const lines = (run.stdout + run.stderr).split("\n").filter((line) => line.includes("grants public access"));
        expect(lines.length).toBeGreaterThanOrEqual(1);
        for (const line of lines) {
            expect(line).toMatch(/error: \S+ resource 'site' has a problem: policy grants public access as S3 defines it /);
            expect(line).toContain('Statement[0] (Sid "PublicRead"): Principal "*"');
            const before = line.slice(0, line.indexOf("has a problem: "));
            expect(before).not.toContain('"Statement"');
            expect(before).not.toContain("PublicRead");
        }
        expect(run.stdout + run.stderr).not.toContain("property policy value");
        expect(await livePolicy(cli.alice, bucket)).toBeUndefined();
    });

    /** An unsigned GET of one object, as anyone on the network would make it: the status and the body. */
    const anonymousGet = async (bucket: string, key: string) => {
        const response = await fetch(`${cli.s3.endpoint}/${bucket}/${key}`);
        return { status: response.status, body: response.ok ? await response.text() : undefined };
    };

    it("with allowPublicAccess the preview warns, up puts it and records isPublic, and anyone can then read the bucket", async () => {
        const scenario = await cli.stack("allowed");
        const bucket = await cli.buckets.newBucket("cli-public-allowed");
        await cli.alice.send(new PutObjectCommand({ Bucket: bucket, Key: "index.html", Body: "hello, world" }));
        expect(await anonymousGet(bucket, "index.html")).toEqual({ status: 403, body: undefined });
        scenario.declare([{ name: "site", bucket, policy: publicRead(bucket), allowPublicAccess: true }]);
        let previewOutput = "";
        await scenario.stack.preview({ onOutput: (text) => (previewOutput += text) });
        expect(previewOutput).toContain(`warning: bucket ${bucket}: the policy is public (Statement[0] (Sid "PublicRead")`);
        const up = await scenario.stack.up();
        expect(up.outputs.publicAccess.value).toEqual({
            site: { isPublic: true, summary: expect.stringMatching(/^public: Statement\[0\] \(Sid "PublicRead"\)/) },
        });
        expect(await livePolicy(cli.alice, bucket)).toBeDefined();
        expect(await anonymousGet(bucket, "index.html")).toEqual({ status: 200, body: "hello, world" });
    });

    it("with BlockPublicPolicy on the bucket, up fails with the Block Public Access explanation and S3 keeps no policy", async () => {
        const scenario = await cli.stack("blocked");
        const bucket = await cli.buckets.newBucket("cli-public-blocked");
        await cli.alice.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicPolicy: true } }));
        scenario.declare([{ name: "site", bucket, policy: publicRead(bucket), allowPublicAccess: true }]);
        const failure = await scenario.stack.up().then(
            () => "",
            (error: Error) => error.message,
        );
        expect(failure).toMatch(/PutBucketPolicy on bucket "cli-public-blocked[^"]*" failed: AccessDenied \(HTTP 403\)/);
        expect(failure).toMatch(/Block Public Access/);
        expect(failure).toMatch(/BlockPublicPolicy/);
        expect(await livePolicy(cli.alice, bucket)).toBeUndefined();
    });
});
