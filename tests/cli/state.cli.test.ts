/**
 * What the real engine stores and shows: `pulumi stack export` holds no credentials and keeps a secret policy
 * encrypted in every output derived from it; the provider's warnings reach the CLI's output; `pulumi import` and the
 * `import` resource option fail as docs/usage.md says.
 */
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { bobReads, livePolicy } from "../support/localS3";
import { BUCKET_POLICY_TYPE, ExportedResource, useCliSuite } from "../support/pulumiCli";

jest.setTimeout(240_000);

/** The engine's marker of an encrypted value in an exported deployment. */
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

describe("the real engine: state, secrets, warnings and import", () => {
    const cli = useCliSuite();
    const scenario = cli.sharedStack("state");

    it("stack export holds no credentials, a secret policy is encrypted in inputs, outputs and the program's derived outputs, and state keeps nothing derived", async () => {
        const secretBucket = await cli.buckets.newBucket("cli-secret");
        const plainBucket = await cli.buckets.newBucket("cli-plain");
        const marker = "TopSecretStatementSid";
        scenario.declare([
            {
                name: "secret",
                bucket: secretBucket,
                policy: { Version: "2012-10-17", Statement: [bobReads(cli.s3, secretBucket, { sid: marker })] },
                secretPolicy: true,
            },
            { name: "plain", bucket: plainBucket, policy: { Version: "2012-10-17", Statement: [bobReads(cli.s3, plainBucket, { sid: "PlainSid" })] } },
        ]);
        const up = await scenario.stack.up();
        expect(up.summary.resourceChanges).toMatchObject({ create: 3 });
        expect(await livePolicy(cli.alice, secretBucket)).toContain(marker);

        // `pulumi stack export` as a user runs it (the Automation API's exportStack shows secrets decrypted).
        const exported = await cli.exportStack("state");
        for (const credential of [cli.s3.users.alice.accessKeyId, cli.s3.users.alice.secretAccessKey]) expect(exported.text).not.toContain(credential);
        expect(exported.text).not.toContain(marker);

        const resources = exported.policies;
        const byName = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`)) as ExportedResource;
        const [secretResource, plainResource] = [byName("secret"), byName("plain")];
        expect(secretResource.outputs?.policy).toMatchObject(SECRET_SIG);
        expect(secretResource.inputs?.policy).toMatchObject(SECRET_SIG);
        expect(secretResource.inputs?.secretPolicy).toBe(true);
        expect(typeof plainResource.outputs?.policy).toBe("string");
        // Nothing derivable from the policy is stored, and the marker is no output (docs/how-it-works.md, "What state keeps").
        for (const resource of [secretResource, plainResource])
            for (const key of ["canonicalPolicy", "isPublic", "publicAccess", "secretPolicy"]) expect(resource.outputs ?? {}).not.toHaveProperty(key);
        for (const key of ["canonicalPolicy", "isPublic", "publicAccess"]) expect(plainResource.inputs ?? {}).not.toHaveProperty(key);
        // The handle is the small hand-written one, the same for both.
        expect(plainResource.outputs?.__provider).toBe(plainResource.inputs?.__provider);
        expect(Buffer.byteLength(String(plainResource.inputs?.__provider))).toBeLessThan(1024);
        // The program's outputs derived from the policy: plain for the plain policy, encrypted for the secret one.
        const stackOutputs = (exported.deployment.resources ?? []).find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
        const publicAccess = stackOutputs.publicAccess as Record<string, unknown>;
        expect(publicAccess.plain).toEqual({ isPublic: false, summary: "not public" });
        expect(JSON.stringify(publicAccess.secret)).toContain("4dabf18193072939515e22adb298388d");

        // An equivalent rewrite of the secret policy still plans nothing.
        scenario.declare([
            {
                name: "secret",
                bucket: secretBucket,
                policy: JSON.stringify(
                    { Statement: [bobReads(cli.s3, secretBucket, { sid: marker, action: ["s3:getobject"] })], Version: "2012-10-17" },
                    null,
                    2,
                ),
                secretPolicy: true,
            },
            { name: "plain", bucket: plainBucket, policy: { Version: "2012-10-17", Statement: [bobReads(cli.s3, plainBucket, { sid: "PlainSid" })] } },
        ]);
        await expect(scenario.stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
    });

    it("a policy left in place by delete is reported as a warning in the CLI's output", async () => {
        const bucket = await cli.buckets.newBucket("cli-warn-delete");
        scenario.declare([{ name: "leaves", bucket, policy: { Version: "2012-10-17", Statement: [bobReads(cli.s3, bucket, { sid: "Ours" })] } }]);
        await scenario.stack.up();
        const theirs = JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(cli.s3, bucket, { sid: "SomeoneElses" })] });
        await cli.alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: theirs }));

        scenario.declare([]);
        let output = "";
        await scenario.stack.up({ onOutput: (text) => (output += text) });
        expect(await livePolicy(cli.alice, bucket)).toBe(theirs);
        expect(output).toMatch(
            /warning: bucket [a-z0-9-]+: the live bucket policy \(1 statement\(s\): Sids "SomeoneElses"\) is not the one this resource put; it was left in place/,
        );
    });

    it("a confirmed lock-out is reported as a warning at preview, and an unconfirmed one fails the preview naming the input", async () => {
        const bucket = await cli.buckets.newBucket("cli-warn-lockout");
        const lockout = {
            Version: "2012-10-17",
            Statement: [{ Sid: "NobodyManagesIt", Effect: "Deny", Principal: "*", Action: "s3:PutBucketPolicy", Resource: `arn:aws:s3:::${bucket}` }],
        };
        scenario.declare([{ name: "lockout", bucket, policy: lockout }]);
        const refused = await cli.run("state", ["preview"]);
        expect(refused.code).not.toBe(0);
        expect(refused.stdout).toMatch(/policy would lock every caller out of managing it/);
        expect(refused.stdout).toMatch(/confirmRemoveSelfBucketAccess: true/);

        scenario.declare([{ name: "lockout", bucket, policy: lockout, confirmRemoveSelfBucketAccess: true }]);
        let output = "";
        await scenario.stack.preview({ onOutput: (text) => (output += text) });
        expect(output).toMatch(/warning: bucket [a-z0-9-]+: .*confirmRemoveSelfBucketAccess is set, so it will be applied/);
        scenario.declare([]);
    });

    it("the import resource option fails in the program with the message that names what works", async () => {
        const bucket = await cli.buckets.newBucket("cli-import-option");
        scenario.declare([{ name: "imported", bucket, policy: { Version: "2012-10-17", Statement: [bobReads(cli.s3, bucket)] }, import: bucket }]);
        const run = await cli.run("state", ["preview"]);
        expect(run.code).not.toBe(0);
        expect(run.stdout + run.stderr).toMatch(/the import resource option does not work for dynamic resources/);
        expect(run.stdout + run.stderr).toMatch(/adoptExisting: true/);
        scenario.declare([]);
    });

    it("pulumi import of a BucketPolicy fails in the provider host, which gets no __provider to load", async () => {
        const bucket = await cli.buckets.newBucket("cli-import-cmd");
        await cli.alice.send(
            new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(cli.s3, bucket)] }) }),
        );
        scenario.declare([]);
        const run = await cli.run("state", ["import", BUCKET_POLICY_TYPE, "imported", bucket, "--yes"]);
        expect(run.code).not.toBe(0);
        expect(run.stdout + run.stderr).toMatch(/code must be a string, not undefined|__provider/);
        expect((await cli.exportedPolicies("state")).map((r) => r.urn)).not.toContainEqual(expect.stringMatching(/::imported$/));
    });
});
