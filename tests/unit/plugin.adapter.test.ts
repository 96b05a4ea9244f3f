/**
 * The plugin adapter (provider/plugin/adapter.ts) with a scripted in-memory S3 (a mock: these tests are about what the
 * adapter hands the engine; tests/cli/plugin*.cli.test.ts run the real plugin under the real CLI on RadosGW).
 */
import { BucketPolicyPlugin, urnParts } from "../../provider/plugin/adapter";
import { ConfigError, parseConfig } from "../../provider/plugin/config";
import { SECRET_SIG, SPECIAL_SIG_KEY, isWrappedSecret, unwrapSecrets, wrapSecret } from "../../provider/plugin/secrets";
import { BucketPolicyProvider, Notices } from "../../provider/provider";
import { isOwnershipId, ownershipIdOf } from "../../provider/ownership";
import { UNKNOWN } from "../../provider/inputs";

const bucket = "plugin-bucket";
const urn = "urn:pulumi:dev::proj::s3-bucket-policy:index:BucketPolicy::site";
const doc = (action: string, principal = "arn:aws:iam::111122223333:root") =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "S", Effect: "Allow", Principal: { AWS: principal }, Action: action, Resource: `arn:aws:s3:::${bucket}/*` }],
    });

class MemoryS3 {
    policy: string | undefined;
    calls: Array<{ name: string; input: Record<string, unknown> }> = [];
    failPut?: Error;
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
        const name = command.constructor.name.replace(/Command$/, "");
        this.calls.push({ name, input: command.input });
        if (name === "GetBucketPolicy") {
            if (this.policy === undefined) throw Object.assign(new Error("none"), { name: "NoSuchBucketPolicy", $metadata: { httpStatusCode: 404 } });
            return { Policy: this.policy };
        }
        if (name === "PutBucketPolicy") {
            this.policy = command.input.Policy as string;
            if (this.failPut) throw this.failPut;
            return {};
        }
        if (name === "DeleteBucketPolicy") {
            this.policy = undefined;
            return {};
        }
        throw new Error(`unexpected ${name}`);
    }
}

function pluginWith(s3: MemoryS3, notices: string[] = []): BucketPolicyPlugin {
    const core = new BucketPolicyProvider(() => s3);
    const record: Notices = { info: (text) => void notices.push(text), warn: (text) => void notices.push(text) };
    core.notices = record;
    return new BucketPolicyPlugin("0.0.0-test", async () => "{}", core);
}

describe("plugin secrets", () => {
    it("unwraps secrets at any depth and names the top-level property that held one", () => {
        const { plain, secretKeys } = unwrapSecrets({ policy: wrapSecret("p"), acceptNewAccess: ["a", wrapSecret("b")], bucket: "x" });
        expect(plain).toEqual({ policy: "p", acceptNewAccess: ["a", "b"], bucket: "x" });
        expect([...secretKeys].sort()).toEqual(["acceptNewAccess", "policy"]);
        expect(wrapSecret("v")).toEqual({ [SPECIAL_SIG_KEY]: SECRET_SIG, value: "v" });
    });
});

describe("BucketPolicyPlugin", () => {
    it("check adds an ownership id of the resource's own, never a dynamic BucketPolicy's of the same name, and keeps a secret policy secret", async () => {
        const plugin = pluginWith(new MemoryS3());
        const result = await plugin.check(urn, {}, { bucket, policy: wrapSecret(doc("s3:GetObject")) });
        expect(result.failures).toEqual([]);
        expect(isOwnershipId(result.inputs.ownershipId)).toBe(true);
        // The dynamic resource's Id is made from the bare name: one Id for both would let the old one's delete remove the new one's policy.
        expect(result.inputs.ownershipId).not.toBe(ownershipIdOf("proj", "dev", "site", bucket, undefined));
        const child = await plugin.check(
            "urn:pulumi:dev::proj::my:Component$s3-bucket-policy:index:BucketPolicy::site",
            {},
            { bucket, policy: doc("s3:GetObject") },
        );
        expect(child.inputs.ownershipId).not.toBe(result.inputs.ownershipId);
        expect((await plugin.check(urn, {}, { bucket, policy: doc("s3:PutObject") })).inputs.ownershipId).toBe(result.inputs.ownershipId);
        expect(isWrappedSecret(result.inputs.policy)).toBe(true);
        expect(result.inputs.secretPolicy).toBeUndefined();
    });

    it("check withholds the access-change analysis of a secret policy, and prints it for a plain one", async () => {
        const notices: string[] = [];
        const plugin = pluginWith(new MemoryS3(), notices);
        await plugin.check(urn, {}, { bucket, policy: wrapSecret(doc("s3:GetObject")) });
        expect(notices.join("\n")).not.toMatch(/111122223333|GetObject/);
        notices.length = 0;
        await plugin.check(urn, {}, { bucket, policy: doc("s3:GetObject") });
        expect(notices.join("\n")).toMatch(/111122223333/);
    });

    it("check leaves the ownership id unknown while the bucket is, and fills connection defaults from the provider configuration", async () => {
        const plugin = pluginWith(new MemoryS3());
        plugin.configure(
            parseConfig(undefined, [
                ["s3-bucket-policy:config:endpoint", "http://127.0.0.1:9"],
                ["s3-bucket-policy:config:forcePathStyle", "true"],
            ]),
        );
        const unknown = await plugin.check(urn, {}, { bucket: UNKNOWN, policy: doc("s3:GetObject") });
        expect(unknown.inputs.ownershipId).toBe(UNKNOWN);
        const known = await plugin.check(urn, {}, { bucket, policy: doc("s3:GetObject"), region: "eu-west-1" });
        expect(known.inputs).toMatchObject({ endpoint: "http://127.0.0.1:9", forcePathStyle: true, region: "eu-west-1" });
        expect(known.inputs.ownershipId).toBe(plugin.ownershipId(urn, { bucket, endpoint: "http://127.0.0.1:9" }));
        expect(known.inputs.ownershipId).not.toBe(plugin.ownershipId(urn, { bucket }));
    });

    it("create puts once, returns the derived outputs, and makes every output of a secret policy secret", async () => {
        const s3 = new MemoryS3();
        const plugin = pluginWith(s3);
        const checked = await plugin.check(urn, {}, { bucket, policy: wrapSecret(doc("s3:GetObject")) });
        const created = await plugin.create(urn, checked.inputs);
        expect(s3.calls.map((call) => call.name)).toEqual(["GetBucketPolicy", "PutBucketPolicy"]);
        for (const key of ["policy", "canonicalPolicy", "isPublic", "publicAccess"]) expect([key, isWrappedSecret(created.outs[key])]).toEqual([key, true]);
        expect(created.outs.bucket).toBe(bucket);
        // Nothing of the policy outside a secret: the ownership id is the only other output.
        const plainOutputs = Object.values(created.outs).filter((value) => !isWrappedSecret(value));
        expect(JSON.stringify(plainOutputs)).not.toMatch(/getobject|111122223333/i);
    });

    it("create of a plain policy returns plain derived outputs", async () => {
        const plugin = pluginWith(new MemoryS3());
        const created = await plugin.create(urn, (await plugin.check(urn, {}, { bucket, policy: doc("s3:GetObject", "*"), allowPublicAccess: true })).inputs);
        expect(created.outs).toMatchObject({ isPublic: true, canonicalPolicy: expect.stringContaining("s3:getobject") });
    });

    it("a put that fails after S3 applied it reports the new state with its secrets still wrapped", async () => {
        const s3 = new MemoryS3();
        s3.failPut = Object.assign(new Error("socket hang up"), { name: "TimeoutError", $metadata: {} });
        const plugin = pluginWith(s3);
        const checked = await plugin.check(urn, {}, { bucket, policy: wrapSecret(doc("s3:GetObject")), retryTimeoutSeconds: 0 });
        const error = (await plugin.create(urn, checked.inputs).catch((caught: unknown) => caught)) as { id?: string; properties?: Record<string, unknown> };
        expect(error.id).toBe(bucket);
        expect(isWrappedSecret(error.properties?.policy)).toBe(true);
        expect(isWrappedSecret(error.properties?.canonicalPolicy)).toBe(true);
    });

    it("diff sees through secrets and derived outputs: an equal policy is no change", async () => {
        const plugin = pluginWith(new MemoryS3());
        const olds = { bucket, policy: wrapSecret(doc("s3:GetObject")), canonicalPolicy: wrapSecret("x"), isPublic: false };
        expect((await plugin.diff(bucket, urn, olds, { bucket, policy: wrapSecret(doc("s3:getobject")) })).changes).toBe(false);
        expect((await plugin.diff(bucket, urn, olds, { bucket, policy: doc("s3:PutObject") })).changes).toBe(true);
    });

    it("read of an import (no state) takes the endpoint from the provider configuration; a missing policy is an empty id", async () => {
        const s3 = new MemoryS3();
        const plugin = pluginWith(s3);
        plugin.configure({ endpoint: "http://127.0.0.1:9" });
        expect(await plugin.read(bucket, urn, {})).toEqual({ id: "", props: {} });
        s3.policy = doc("s3:GetObject");
        const read = await plugin.read(bucket, urn, {});
        expect(read).toMatchObject({ id: bucket, props: { bucket, endpoint: "http://127.0.0.1:9", isPublic: false }, inputs: { bucket, policy: s3.policy } });
    });

    it("check takes an account id a YAML program turned into a number back to its 12 digits, and names anything else", async () => {
        const plugin = pluginWith(new MemoryS3());
        const padded = await plugin.check(urn, {}, { bucket, policy: doc("s3:GetObject"), expectedBucketOwner: 12345678901 });
        expect(padded.failures).toEqual([]);
        expect(padded.inputs.expectedBucketOwner).toBe("012345678901");
        const fraction = await plugin.check(urn, {}, { bucket, policy: doc("s3:GetObject"), expectedBucketOwner: 1.5 });
        expect(fraction.failures?.map((failure) => failure.property)).toEqual(["expectedBucketOwner"]);
        const tooLong = await plugin.check(urn, {}, { bucket, policy: doc("s3:GetObject"), expectedBucketOwner: 1234567890123 });
        expect(tooLong.failures?.map((failure) => failure.property)).toEqual(["expectedBucketOwner"]);
    });

    it("refuses a resource type it does not serve, naming the one it does", async () => {
        const plugin = pluginWith(new MemoryS3());
        await expect(plugin.check("urn:pulumi:dev::proj::other:index:Thing::x", {}, { bucket })).rejects.toThrow(/s3-bucket-policy:index:BucketPolicy/);
    });

    it("reads project, stack and name from a URN, a child's included", () => {
        expect(urnParts("urn:pulumi:prod::app::my:Comp$s3-bucket-policy:index:BucketPolicy::a::b")).toEqual({
            stack: "prod",
            project: "app",
            qualifiedType: "my:Comp$s3-bucket-policy:index:BucketPolicy",
            name: "a::b",
        });
        expect(() => urnParts("nonsense")).toThrow(/not a resource URN/);
    });
});

describe("plugin configuration", () => {
    it("reads typed arguments and config variables", () => {
        expect(parseConfig({ region: "eu-west-1", forcePathStyle: true }, [["s3-bucket-policy:config:denyNewAccess", "true"]])).toEqual({
            region: "eu-west-1",
            forcePathStyle: true,
            denyNewAccess: true,
        });
    });

    it("refuses an unknown key, a non-boolean flag and an endpoint that is not a URL, naming the key", () => {
        expect(() => parseConfig({ regoin: "x" }, [])).toThrow(/s3-bucket-policy:regoin is not a setting/);
        expect(() => parseConfig({ forcePathStyle: "yes" }, [])).toThrow(ConfigError);
        expect(() => parseConfig({ forcePathStyle: "yes" }, [])).toThrow(/s3-bucket-policy:forcePathStyle must be true or false/);
        expect(() => parseConfig({ endpoint: "ftp://a" }, [])).toThrow(/s3-bucket-policy:endpoint must be an http/);
    });

    it("takes a default expected owner, also as the number config digits may become, and refuses one that is not an account id", () => {
        expect(parseConfig({ expectedBucketOwner: 12345678901 }, [])).toEqual({ expectedBucketOwner: "012345678901" });
        expect(parseConfig({ expectedBucketOwner: wrapSecret("111122223333") }, [])).toEqual({ expectedBucketOwner: "111122223333" });
        expect(() => parseConfig(undefined, [["s3-bucket-policy:config:expectedBucketOwner", "alice"]])).toThrow(
            /s3-bucket-policy:expectedBucketOwner must be a 12-digit AWS account id, got "alice"/,
        );
    });

    it("never echoes credentials written into an endpoint", () => {
        let message = "";
        try {
            parseConfig({ endpoint: "https://AKIAEXAMPLE:wJalrXUtnFEMI@s3.example.com" }, []);
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).toMatch(/must not contain credentials/);
        expect(message).not.toMatch(/wJalrXUtnFEMI|AKIAEXAMPLE/);
    });

    it("takes the stack-wide access gate: denyNewAccess refuses new access at check", async () => {
        const plugin = pluginWith(new MemoryS3());
        plugin.configure(parseConfig({ denyNewAccess: "true" }, []));
        const result = await plugin.check(urn, {}, { bucket, policy: doc("s3:GetObject") });
        expect(result.failures?.length).toBeGreaterThan(0);
    });
});
