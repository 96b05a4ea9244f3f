/**
 * Create/update/delete decisions with a scripted in-memory S3 (a mock: it stands in for outcomes a real server cannot
 * be made to produce on demand, such as a put that succeeds but whose answer is lost).
 */
import { BucketPolicyProvider } from "../../provider/provider";
import { BucketPolicyOutputs } from "../../provider/inputs";

const bucket = "example-bucket";
const doc = (action: string) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "S", Effect: "Allow", Principal: "*", Action: action, Resource: `arn:aws:s3:::${bucket}/*` }] });
const s3Error = (name: string, status: number) => Object.assign(new Error("UnknownError"), { name, $metadata: { httpStatusCode: status } });

/** An in-memory bucket whose put can be told to fail before or after it applies the policy. */
class ScriptedS3 {
    policy: string | undefined;
    calls: string[] = [];
    failPut?: { error: Error; applied: boolean };
    async send(command: { constructor: { name: string }; input: { Policy?: string } }): Promise<unknown> {
        const name = command.constructor.name.replace(/Command$/, "");
        this.calls.push(name);
        if (name === "GetBucketPolicy") {
            if (this.policy === undefined) throw s3Error("NoSuchBucketPolicy", 404);
            return { Policy: this.policy };
        }
        if (name === "PutBucketPolicy") {
            if (this.failPut) {
                if (this.failPut.applied) this.policy = command.input.Policy;
                throw this.failPut.error;
            }
            this.policy = command.input.Policy;
            return {};
        }
        if (name === "DeleteBucketPolicy") {
            this.policy = undefined;
            return {};
        }
        throw new Error(`unexpected ${name}`);
    }
}

function providerWith(s3: ScriptedS3): BucketPolicyProvider {
    return new BucketPolicyProvider(() => s3);
}

describe("BucketPolicyProvider writes (scripted S3 mock)", () => {
    it("create makes one read and one write", async () => {
        const s3 = new ScriptedS3();
        await providerWith(s3).create({ bucket, policy: doc("s3:GetObject") });
        expect(s3.calls).toEqual(["GetBucketPolicy", "PutBucketPolicy"]);
    });

    it("create over an existing policy with adoptExisting skips the write when the live policy is equivalent", async () => {
        const s3 = new ScriptedS3();
        s3.policy = doc("S3:GETOBJECT");
        const result = await providerWith(s3).create({ bucket, policy: doc("s3:GetObject"), adoptExisting: true });
        expect(s3.calls).toEqual(["GetBucketPolicy"]);
        expect(result.outs.policy).toBe(s3.policy);
    });

    it("a failed create whose put did not apply leaves nothing behind and reports no partial state", async () => {
        const s3 = new ScriptedS3();
        s3.failPut = { error: s3Error("AccessDenied", 403), applied: false };
        const error = await providerWith(s3)
            .create({ bucket, policy: doc("s3:GetObject") })
            .catch((e) => e);
        expect(error.message).toMatch(/PutBucketPolicy on bucket "example-bucket" failed: AccessDenied \(HTTP 403\)/);
        expect(error.id).toBeUndefined();
        expect(s3.policy).toBeUndefined();
    });

    it("a create whose put applied but answered with an error reports a partial create, so state matches S3", async () => {
        const s3 = new ScriptedS3();
        s3.failPut = { error: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), applied: true };
        const error = await providerWith(s3)
            .create({ bucket, policy: doc("s3:GetObject"), retryTimeoutSeconds: 0 })
            .catch((e) => e);
        expect(error.id).toBe(bucket);
        expect(error.properties.policy).toBe(doc("s3:GetObject"));
        expect(error.reasons[0]).toMatch(/S3 holds the new policy/);
    });

    it("a failed update leaves S3 with the old policy and throws without new properties, so state keeps the old policy", async () => {
        const s3 = new ScriptedS3();
        s3.policy = doc("s3:GetObject");
        const olds: BucketPolicyOutputs = { bucket, policy: s3.policy };
        s3.failPut = { error: s3Error("MalformedPolicy", 400), applied: false };
        const error = await providerWith(s3)
            .update(bucket, olds, { bucket, policy: doc("s3:PutObject") })
            .catch((e) => e);
        expect(error.message).toMatch(/MalformedPolicy/);
        expect(error.properties).toBeUndefined();
        expect(s3.policy).toBe(doc("s3:GetObject"));
    });

    it("an update of settings only (same meaning) makes no write", async () => {
        const s3 = new ScriptedS3();
        s3.policy = doc("s3:GetObject");
        const olds: BucketPolicyOutputs = { bucket, policy: s3.policy };
        const result = await providerWith(s3).update(bucket, olds, { bucket, policy: doc("s3:getobject"), checksumAlgorithm: "SHA256" });
        expect(s3.calls).toEqual([]);
        expect(result.outs).toMatchObject({ policy: olds.policy, checksumAlgorithm: "SHA256" });
    });

    it("delete leaves a policy that is no longer the one this resource put, and warns", async () => {
        const s3 = new ScriptedS3();
        s3.policy = doc("s3:PutObject");
        const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
        await providerWith(s3).delete(bucket, { bucket, policy: doc("s3:GetObject") });
        expect(s3.calls).toEqual(["GetBucketPolicy"]);
        expect(s3.policy).toBe(doc("s3:PutObject"));
        expect(warn.mock.calls[0][0]).toMatch(/not the one this resource put; it was left in place/);
        warn.mockRestore();
    });

    it("delete of an already-missing policy succeeds without a delete call", async () => {
        const s3 = new ScriptedS3();
        await providerWith(s3).delete(bucket, { bucket, policy: doc("s3:GetObject") });
        expect(s3.calls).toEqual(["GetBucketPolicy"]);
    });

    it("create, update and read store the inputs and the policy as put, nothing derived from it; state from 0.4.0 loses what it derived", async () => {
        const s3 = new ScriptedS3();
        const provider = providerWith(s3);
        const news = { bucket, policy: doc("s3:GetObject"), allowPublicAccess: true, secretPolicy: true, denyNewAccess: false, __provider: "handle" };
        const created = await provider.create(news);
        expect(created.outs).toEqual({ bucket, policy: doc("s3:GetObject"), allowPublicAccess: true });
        const legacy = { ...created.outs, canonicalPolicy: "{}", isPublic: true, publicAccess: "public: …" } as BucketPolicyOutputs;
        const updated = await provider.update(bucket, legacy, { bucket, policy: doc("s3:ListBucket"), allowPublicAccess: true });
        expect(updated.outs).toEqual({ bucket, policy: doc("s3:ListBucket"), allowPublicAccess: true });
        const unchanged = await provider.update(bucket, legacy, { ...created.outs });
        expect(unchanged.outs).toEqual({ bucket, policy: doc("s3:GetObject"), allowPublicAccess: true });
        const read = await provider.read(bucket, legacy);
        expect(read.props).toEqual({ bucket, policy: s3.policy, allowPublicAccess: true });
    });
});

describe("BucketPolicyProvider's S3 clients", () => {
    it("makes one client per set of connection settings and reuses it for every call of the host's life", async () => {
        const made: unknown[] = [];
        const s3 = new ScriptedS3();
        const provider = new BucketPolicyProvider((connection) => {
            made.push(connection);
            return s3;
        });
        await provider.create({ bucket, policy: doc("s3:GetObject"), allowPublicAccess: true, endpoint: "http://127.0.0.1:1" });
        await provider.read(bucket, { bucket, policy: doc("s3:GetObject"), endpoint: "http://127.0.0.1:1" });
        await provider.delete(bucket, { bucket, policy: doc("s3:GetObject"), endpoint: "http://127.0.0.1:1" });
        expect(s3.calls).toEqual(["GetBucketPolicy", "PutBucketPolicy", "GetBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy"]);
        expect(made).toHaveLength(1);
        // Another endpoint, region, profile or addressing style is another client.
        await provider.read(bucket, { bucket, policy: doc("s3:GetObject"), endpoint: "http://127.0.0.1:2" });
        await provider.read(bucket, { bucket, policy: doc("s3:GetObject"), endpoint: "http://127.0.0.1:1", region: "eu-west-1" });
        await provider.read(bucket, { bucket, policy: doc("s3:GetObject"), endpoint: "http://127.0.0.1:1", profile: "other" });
        await provider.read(bucket, { bucket, policy: doc("s3:GetObject"), endpoint: "http://127.0.0.1:1", forcePathStyle: false });
        expect(made).toHaveLength(5);
    });

    it("keeps at most 16 clients: the 17th set of settings starts afresh", async () => {
        let made = 0;
        const provider = new BucketPolicyProvider(() => {
            made++;
            return new ScriptedS3();
        });
        for (let i = 0; i < 17; i++) await provider.read(bucket, { bucket, policy: doc("s3:GetObject"), endpoint: `http://127.0.0.1:${i + 1}` });
        await provider.read(bucket, { bucket, policy: doc("s3:GetObject"), endpoint: "http://127.0.0.1:1" });
        expect(made).toBe(18);
        await provider.read(bucket, { bucket, policy: doc("s3:GetObject"), endpoint: "http://127.0.0.1:17" });
        expect(made).toBe(18);
    });
});
