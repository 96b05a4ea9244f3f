/**
 * How a BucketPolicy recognises its own writes (provider/ownership.ts): the Id it writes into a policy without one,
 * and the create, read, update and delete decisions that rest on it. With a scripted in-memory S3 (a mock: the
 * decisions are the subject here; tests/cli/interrupted.cli.test.ts replays them through the real CLI and a real S3
 * server).
 */
import { BucketPolicyOutputs } from "../../provider/inputs";
import { isOwnWrite, isOwnershipId, ownershipIdOf, withOwnershipId, withoutOwnershipId } from "../../provider/ownership";
import { BucketPolicyProvider } from "../../provider/provider";

const bucket = "logs";
const policy = (action = "s3:GetObject", extra: Record<string, unknown> = {}) =>
    JSON.stringify({
        Version: "2012-10-17",
        ...extra,
        Statement: [{ Sid: "Read", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: action, Resource: `arn:aws:s3:::${bucket}/*` }],
    });
const mine = ownershipIdOf("project", "dev", "logs-policy", bucket, undefined);
const theirs = ownershipIdOf("project", "dev", "other-policy", bucket, undefined);
const missing = Object.assign(new Error("NoSuchBucketPolicy"), { name: "NoSuchBucketPolicy", $metadata: { httpStatusCode: 404 } });

/** An in-memory bucket that records the calls and the text put. */
class ScriptedS3 {
    calls: string[] = [];
    constructor(public policy?: string) {}
    async send(command: { constructor: { name: string }; input: { Policy?: string } }): Promise<unknown> {
        const name = command.constructor.name.replace(/Command$/, "");
        this.calls.push(name);
        if (name === "GetBucketPolicy") {
            if (this.policy === undefined) throw missing;
            return { Policy: this.policy };
        }
        if (name === "PutBucketPolicy") this.policy = command.input.Policy;
        if (name === "DeleteBucketPolicy") this.policy = undefined;
        return {};
    }
}

const providerOn = (s3: ScriptedS3) => new BucketPolicyProvider(() => s3);
const writes = (s3: ScriptedS3) => s3.calls.filter((call) => call !== "GetBucketPolicy");

describe("the ownership id", () => {
    it("is BucketPolicy- and a UUID of version 5's layout, the same for the same resource and place, another for any other", () => {
        expect(isOwnershipId(mine)).toBe(true);
        expect(mine).toMatch(/^BucketPolicy-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(ownershipIdOf("project", "dev", "logs-policy", bucket, undefined)).toBe(mine);
        const others = [
            theirs,
            ownershipIdOf("project", "prod", "logs-policy", bucket, undefined),
            ownershipIdOf("other", "dev", "logs-policy", bucket, undefined),
            ownershipIdOf("project", "dev", "logs-policy", "other-bucket", undefined),
            ownershipIdOf("project", "dev", "logs-policy", bucket, "http://127.0.0.1:9000"),
        ];
        expect(new Set([mine, ...others]).size).toBe(6);
        expect(isOwnershipId("BucketPolicy-not-a-uuid")).toBe(false);
    });

    it("is written after Version into a policy without an Id, never over the user's own Id, and read back out", () => {
        const written = withOwnershipId(policy(), mine);
        expect(written.startsWith(`{"Version":"2012-10-17","Id":"${mine}","Statement":[`)).toBe(true);
        expect(isOwnWrite(written, mine)).toBe(true);
        expect(isOwnWrite(written, theirs)).toBe(false);
        expect(withoutOwnershipId(written, mine)).toBe(policy());
        expect(withoutOwnershipId(written, theirs)).toBe(written);
        const own = policy("s3:GetObject", { Id: "my-policy" });
        expect(withOwnershipId(own, mine)).toBe(own);
        expect(withOwnershipId(policy(), undefined)).toBe(policy());
    });
});

describe("create", () => {
    it("puts the policy with the resource's Id; the state's policy is the user's, without it", async () => {
        const s3 = new ScriptedS3();
        const { outs } = await providerOn(s3).create({ bucket, policy: policy(), ownershipId: mine });
        expect(JSON.parse(s3.policy as string).Id).toBe(mine);
        expect(outs.policy).toBe(policy());
        expect(outs.ownershipId).toBe(mine);
    });

    it("finding its own earlier write (a deployment killed after the put): records it without a second write", async () => {
        const s3 = new ScriptedS3(withOwnershipId(policy(), mine));
        const { outs } = await providerOn(s3).create({ bucket, policy: policy(), ownershipId: mine });
        expect(writes(s3)).toEqual([]);
        expect(outs.policy).toBe(policy());
    });

    it("finding its own earlier write of another policy (the program changed since): puts the new one", async () => {
        const s3 = new ScriptedS3(withOwnershipId(policy("s3:ListBucket"), mine));
        await providerOn(s3).create({ bucket, policy: policy(), ownershipId: mine });
        expect(writes(s3)).toEqual(["PutBucketPolicy"]);
        expect(s3.policy).toBe(withOwnershipId(policy(), mine));
    });

    it("refuses another resource's write, even an equivalent one, naming it as another BucketPolicy's", async () => {
        const s3 = new ScriptedS3(withOwnershipId(policy(), theirs));
        const error = await providerOn(s3)
            .create({ bucket, policy: policy(), ownershipId: mine })
            .catch((e) => e);
        expect(error.code).toBe("PolicyExists");
        expect(error.message).toMatch(/It carries the Id another BucketPolicy resource writes/);
        expect(writes(s3)).toEqual([]);
    });

    it("refuses a policy without its Id (a stranger's, or one written before 0.4.0) unless adoptExisting", async () => {
        const s3 = new ScriptedS3(policy());
        const error = await providerOn(s3)
            .create({ bucket, policy: policy(), ownershipId: mine })
            .catch((e) => e);
        expect(error.message).toMatch(/It does not carry the Id this resource writes/);
        const adopted = await providerOn(s3).create({ bucket, policy: policy(), ownershipId: mine, adoptExisting: true });
        expect(writes(s3)).toEqual([]);
        // Nothing was put, so S3 holds no Id: the state says so, and delete will judge by meaning.
        expect(adopted.outs.ownershipId).toBeUndefined();
    });
});

describe("a replacement or a rename on the same bucket (pulumi/pulumi#5900, create before delete)", () => {
    it("adopting an equivalent policy that carries the old resource's Id puts it again with the new one's, so the old delete leaves it", async () => {
        const s3 = new ScriptedS3(withOwnershipId(policy(), theirs));
        const provider = providerOn(s3);
        const { outs } = await provider.create({ bucket, policy: policy(), ownershipId: mine, adoptExisting: true });
        expect(writes(s3)).toEqual(["PutBucketPolicy"]);
        expect(outs.ownershipId).toBe(mine);
        const warn = jest.spyOn(console, "warn").mockImplementation(() => {});
        await provider.delete(bucket, { bucket, policy: policy(), ownershipId: theirs } as BucketPolicyOutputs);
        warn.mockRestore();
        expect(s3.policy).toBe(withOwnershipId(policy(), mine));
    });
});

describe("read, update and diff never show the Id", () => {
    it("refresh reads its own write as the user's policy: no drift", async () => {
        const s3 = new ScriptedS3(withOwnershipId(policy(), mine));
        const state = { bucket, policy: policy(), ownershipId: mine } as BucketPolicyOutputs;
        const read = await providerOn(s3).read(bucket, state);
        expect(read.props?.policy).toBe(policy());
        const diff = await providerOn(s3).diff(bucket, read.props as BucketPolicyOutputs, { bucket, policy: policy(), ownershipId: mine });
        expect(diff.changes).toBe(false);
    });

    it("a new ownership id alone (a stack renamed, state from before 0.4.0) is no change", async () => {
        const s3 = new ScriptedS3(policy());
        const olds = { bucket, policy: policy() } as BucketPolicyOutputs;
        expect((await providerOn(s3).diff(bucket, olds, { bucket, policy: policy(), ownershipId: mine })).changes).toBe(false);
    });

    it("an update that writes nothing keeps the Id the last put wrote (none, here) in state", async () => {
        const s3 = new ScriptedS3(policy());
        const olds = { bucket, policy: policy() } as BucketPolicyOutputs;
        const { outs } = await providerOn(s3).update(bucket, olds, { bucket, policy: policy("S3:GETOBJECT"), ownershipId: mine });
        expect(writes(s3)).toEqual([]);
        expect(outs?.ownershipId).toBeUndefined();
    });
});

describe("delete", () => {
    const state = (extra: Partial<BucketPolicyOutputs> = {}) => ({ bucket, policy: policy(), ownershipId: mine, ...extra }) as BucketPolicyOutputs;

    it("deletes its own write, even one whose policy changed since the state was written (an update killed after its put)", async () => {
        const s3 = new ScriptedS3(withOwnershipId(policy("s3:ListBucket"), mine));
        await providerOn(s3).delete(bucket, state());
        expect(s3.policy).toBeUndefined();
    });

    it("leaves an equivalent policy another resource put (two resources, one bucket), with a warning", async () => {
        const s3 = new ScriptedS3(withOwnershipId(policy(), theirs));
        const warn = jest.spyOn(console, "warn").mockImplementation(() => {});
        await providerOn(s3).delete(bucket, state());
        expect(s3.policy).toBe(withOwnershipId(policy(), theirs));
        expect(warn.mock.calls[0][0]).toMatch(/is not the one this resource put; it was left in place/);
        warn.mockRestore();
    });

    it("judges by meaning where no Id was written: state from before 0.4.0, an adopted policy, a user's own Id", async () => {
        for (const [live, props] of [
            [policy(), state({ ownershipId: undefined })],
            [policy("s3:GetObject", { Id: "mine" }), state({ policy: policy("s3:GetObject", { Id: "mine" }) })],
        ] as const) {
            const s3 = new ScriptedS3(live);
            await providerOn(s3).delete(bucket, props);
            expect(s3.policy).toBeUndefined();
        }
    });
});

describe("check", () => {
    it("counts the Id it adds against S3's 20 KB", async () => {
        const provider = new BucketPolicyProvider(() => new ScriptedS3());
        const statements = (count: number) =>
            Array.from({ length: count }, (_, i) => ({
                Sid: `S${i}`,
                Effect: "Allow",
                Principal: { AWS: "111122223333" },
                Action: "s3:GetObject",
                Resource: `arn:aws:s3:::${bucket}/p${i}/*`,
            }));
        // The largest policy that fits on its own, then padded with a Sid until it is exactly 20 KB without the Id.
        let count = 1;
        while (JSON.stringify({ Version: "2012-10-17", Statement: statements(count + 1) }).length <= 20 * 1024) count++;
        const base = JSON.stringify({ Version: "2012-10-17", Statement: statements(count) });
        const pad = "x".repeat(20 * 1024 - base.length);
        const full = JSON.stringify({
            Version: "2012-10-17",
            Statement: [...statements(count - 1), { ...statements(count)[count - 1], Sid: `S${count - 1}${pad}` }],
        });
        expect(Buffer.byteLength(full)).toBe(20 * 1024);
        const log = jest.spyOn(console, "log").mockImplementation(() => {});
        const withId = await provider.check({}, { bucket, policy: full, ownershipId: mine });
        const withOwnId = await provider.check({}, { bucket, policy: full });
        log.mockRestore();
        expect(withId.failures?.map((failure) => failure.reason)).toEqual([
            expect.stringMatching(/once compacted with the Id this resource adds .* at most 20480 bytes/),
        ]);
        expect(withOwnId.failures).toEqual([]);
    });

    it("refuses an ownership id it did not make", async () => {
        const provider = new BucketPolicyProvider(() => new ScriptedS3());
        const log = jest.spyOn(console, "log").mockImplementation(() => {});
        const result = await provider.check({}, { bucket, policy: policy(), ownershipId: "mine" });
        log.mockRestore();
        expect(result.failures).toEqual([{ property: "ownershipId", reason: 'ownershipId is set by BucketPolicy itself; got a string ("mine")' }]);
    });
});
