/**
 * Import and adoption through the real `@pulumi/pulumi/cmd/dynamic-provider` host (with LocalStack's alice
 * credentials), against LocalStack behind the recording proxy: LocalStack checks `x-amz-expected-bucket-owner` against
 * the bucket owner's account for real (alice's account owns the buckets here). Each test starts from a policy put out
 * of band, as the console or `aws.s3.BucketPolicy` would have put it.
 *
 * What the engine sends, from pulumi/pulumi `pkg/resource/deploy/step.go`:
 * - `BucketPolicy.get` is a ReadResource: `ReadStep.Apply` calls Read with the registered properties as both inputs and
 *   state, so `__provider` is there and the host can load the provider.
 * - The `import` resource option and `pulumi import` are an `ImportStep`: `ImportStep.Apply` calls Read with the id only
 *   (no inputs, no state), so the host finds no `__provider` and fails before any provider code runs
 *   (pulumi/pulumi#3550, #16175). Adoption therefore goes through create with `adoptExisting`.
 */
import * as pulumi from "@pulumi/pulumi";
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { BucketPolicy } from "../../provider";
import { BUCKET_POLICY_TYPE } from "../../provider/resource";
import { Props } from "../support/providerHost";
import { hostFailure, policyCalls, useHostFixture } from "../support/hostFixture";
import { bobReads } from "../support/localS3";

interface Registration {
    name: string;
    id?: string;
    inputs: Props;
}

describe("import and adoption of an existing bucket policy, through the real dynamic-provider host, on LocalStack", () => {
    /** Its inputs carry the `__provider` a registration holds (below). */
    const fx = useHostFixture({ server: "localstack", inputs: (): Props => ({ __provider }) });
    /** alice's account, which owns the test buckets. */
    let owner: string;
    /** bob's account: not the buckets' owner. */
    let otherAccount: string;
    /** The `__provider` text a program registers: the serialized lazy handle, taken from a registration. */
    let __provider: string;
    const registrations: Registration[] = [];

    /** A policy as someone else wrote it: pretty-printed, its own key order, single values as strings. */
    const outOfBandPolicy = (bucket: string) =>
        JSON.stringify(
            {
                Version: "2012-10-17",
                Statement: [
                    bobReads(fx.env, bucket),
                    {
                        Sid: "BobLists",
                        Effect: "Allow",
                        Principal: { AWS: [fx.env.users.bob.principalArn] },
                        Action: ["s3:ListBucket"],
                        Resource: [`arn:aws:s3:::${bucket}`],
                    },
                ],
            },
            null,
            4,
        );
    /** The same policy as a program declares it: other order, other spelling, same meaning. */
    const declaredPolicy = (bucket: string, extraAction?: string) =>
        JSON.stringify({
            Statement: [
                {
                    Resource: `arn:aws:s3:::${bucket}`,
                    Action: "S3:listbucket",
                    Principal: { AWS: fx.env.users.bob.principalArn },
                    Effect: "Allow",
                    Sid: "BobLists",
                },
                {
                    Resource: [`arn:aws:s3:::${bucket}/*`],
                    Action: extraAction ? ["s3:GetObject", extraAction] : ["s3:GetObject"],
                    Principal: { AWS: fx.env.users.bob.principalArn },
                    Effect: "Allow",
                    Sid: "BobReads",
                },
            ],
            Version: "2012-10-17",
        });
    const bucketWithPolicy = async (prefix: string) => {
        const bucket = await fx.buckets.newBucket(prefix);
        await fx.alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: outOfBandPolicy(bucket) }));
        fx.proxy.reset();
        return bucket;
    };
    const valueOf = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

    beforeAll(async () => {
        owner = fx.env.users.alice.accountId;
        otherAccount = fx.env.users.bob.accountId;
        // The program side: what `BucketPolicy.get` registers goes to the host's Read as ReadStep sends it (the
        // registered properties as inputs and as state), and the outputs come back to the program.
        pulumi.runtime.setMocks(
            {
                newResource: async (args) => {
                    registrations.push({ name: args.name, id: args.id, inputs: args.inputs });
                    if (args.type !== BUCKET_POLICY_TYPE || !args.id) return { id: `${args.name}-id`, state: args.inputs };
                    const read = await fx.host.read(args.name, args.id, args.inputs, args.inputs);
                    if (!read.id) throw new Error(`resource '${args.id}' does not exist`);
                    return { id: read.id, state: read.outputs };
                },
                call: async (args) => args.inputs,
            },
            "s3-bucket-policy",
            "dev",
            false,
        );
        await valueOf(new BucketPolicy("provider-probe", { bucket: "probe-bucket", policy: "{}" }).urn);
        __provider = registrations.find((r) => r.name === "provider-probe")!.inputs.__provider as string;
        expect(typeof __provider).toBe("string");
    });

    it("BucketPolicy.get reads the live policy through the host, with the expected owner on the wire, and writes nothing", async () => {
        const bucket = await bucketWithPolicy("import-get");
        const resource = BucketPolicy.get("existing", bucket, { expectedBucketOwner: owner, endpoint: fx.proxy.endpoint });

        expect(await valueOf(resource.policy)).toBe(outOfBandPolicy(bucket));
        expect(await valueOf(resource.canonicalPolicy)).toEqual(expect.any(String));
        expect(await valueOf(resource.expectedBucketOwner)).toBe(owner);
        const registered = registrations.find((r) => r.name === "existing")!;
        expect(registered.id).toBe(bucket);
        expect(Object.keys(registered.inputs).sort()).toEqual(["__provider", "bucket", "endpoint", "expectedBucketOwner"]);
        expect(policyCalls(fx.proxy).map((r) => [r.operation, r.headers["x-amz-expected-bucket-owner"]])).toEqual([["GetBucketPolicy", owner]]);
    });

    it("import: Read with only __provider, bucket and owner (what get sends, what an import needs) fills the state from the live policy and returns inputs; an equivalent declared policy then shows no diff", async () => {
        const bucket = await bucketWithPolicy("import-read");
        const known = fx.inputs(bucket, { expectedBucketOwner: owner });

        const read = await fx.host.read(bucket, bucket, known, known);
        expect(read.id).toBe(bucket);
        expect(read.outputs.policy).toBe(outOfBandPolicy(bucket));
        expect(read.outputs).toMatchObject({ bucket, expectedBucketOwner: owner, endpoint: fx.proxy.endpoint, policy: expect.any(String) });
        expect(read.outputs).not.toHaveProperty("canonicalPolicy");
        expect(read.inputs).toEqual({ __provider, bucket, expectedBucketOwner: owner, endpoint: fx.proxy.endpoint, policy: outOfBandPolicy(bucket) });

        // The next `up`: Check of the declared inputs against the read inputs, then Diff against the read outputs.
        const declared = { ...known, policy: declaredPolicy(bucket) };
        const checked = await fx.host.check(bucket, read.inputs!, declared);
        expect(checked.failures).toEqual([]);
        expect(await fx.host.diff(bucket, bucket, read.outputs, checked.inputs, read.inputs)).toEqual({
            changes: "none",
            replaces: [],
            deleteBeforeReplace: false,
        });
        const changed = await fx.host.check(bucket, read.inputs!, { ...declared, policy: declaredPolicy(bucket, "s3:GetObjectTagging") });
        expect((await fx.host.diff(bucket, bucket, read.outputs, changed.inputs, read.inputs)).changes).toBe("some");

        expect(policyCalls(fx.proxy).map((r) => [r.operation, r.headers["x-amz-expected-bucket-owner"]])).toEqual([["GetBucketPolicy", owner]]);
    });

    it("import: honours expectedBucketOwner: another account's id (bob's) fails the read with LocalStack's own 403, naming the bucket and that account", async () => {
        const bucket = await bucketWithPolicy("import-owner");
        const known = fx.inputs(bucket, { expectedBucketOwner: otherAccount });

        const error = await hostFailure(fx.host.read(bucket, bucket, known, known));
        expect(error.message).toContain(`GetBucketPolicy on bucket "${bucket}" failed: AccessDenied (HTTP 403)`);
        expect(error.message).toContain(`bucket "${bucket}" is not owned by account ${otherAccount}`);
        expect(policyCalls(fx.proxy).map((r) => [r.operation, r.headers["x-amz-expected-bucket-owner"], r.status, r.errorCode, r.injected])).toEqual([
            ["GetBucketPolicy", otherAccount, 403, "AccessDenied", undefined],
        ]);
    });

    it("import: the engine's ImportStep sends Read no properties, so the host cannot load any dynamic provider (pulumi/pulumi#3550)", async () => {
        const bucket = await bucketWithPolicy("import-step");
        // ImportStep.Apply: prov.Read(ReadRequest{URN, Name, Type, ID: ImportID}) — no Inputs, no State.
        const error = await hostFailure(fx.host.read(bucket, bucket, {}, {}));
        expect(error.message).toMatch(/code must be a string, not undefined/);
        expect(policyCalls(fx.proxy)).toHaveLength(0);
    });

    it("import: the resource option is refused in the program with a message that says what works instead", () => {
        expect(() => new BucketPolicy("imported", { bucket: "some-bucket", policy: "{}" }, { import: "some-bucket" })).toThrow(
            /import resource option does not work for dynamic resources.*pulumi\/pulumi#3550.*adoptExisting: true.*writes nothing.*BucketPolicy\.get/,
        );
    });

    it("adoption: create with adoptExisting over an equivalent live policy reads once, writes nothing, and refresh and the next diff show no change", async () => {
        const bucket = await bucketWithPolicy("import-adopt");
        const declared = fx.inputs(bucket, { expectedBucketOwner: owner, adoptExisting: true, policy: declaredPolicy(bucket) });

        const checked = await fx.host.check(bucket, {}, declared);
        expect(checked.failures).toEqual([]);
        const created = await fx.host.create(bucket, checked.inputs);
        expect(created.id).toBe(bucket);
        expect(policyCalls(fx.proxy).map((r) => r.operation)).toEqual(["GetBucketPolicy"]);
        expect(created.outputs.policy).toBe(outOfBandPolicy(bucket));

        const refreshed = await fx.host.read(bucket, bucket, created.outputs, checked.inputs);
        expect(refreshed.outputs).toEqual(created.outputs);
        const again = await fx.host.check(bucket, checked.inputs, declared);
        expect((await fx.host.diff(bucket, bucket, refreshed.outputs, again.inputs, checked.inputs)).changes).toBe("none");
        expect(policyCalls(fx.proxy).map((r) => [r.operation, r.headers["x-amz-expected-bucket-owner"]])).toEqual([
            ["GetBucketPolicy", owner],
            ["GetBucketPolicy", owner],
        ]);
    });

    it("get of a bucket without a policy: Read returns no id, which the engine reports as 'resource does not exist'", async () => {
        const bucket = await fx.buckets.newBucket("import-none");
        const known = fx.inputs(bucket);
        expect((await fx.host.read(bucket, bucket, known, known)).id).toBe("");
    });
});
