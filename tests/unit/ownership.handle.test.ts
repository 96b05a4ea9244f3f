/**
 * The resource's identity carried in its handle (provider/handle.ts `handleFor`) instead of an `ownershipId` input:
 * the Id the provider makes from it is the one 0.4.0–0.6.0 programs sent (state and S3 written by them stay the
 * resource's), state stores an `ownershipId` only when the handle does not give the Id S3 holds, and every handle
 * shares one provider. With a scripted in-memory S3 (a mock: the decisions are the subject; the CLI tier runs the
 * real program, host and S3 server).
 */
import * as path from "path";
import { PROVIDER_HANDLE, handleFor, identityIn } from "../../provider/handle";
import { UNKNOWN } from "../../provider/inputs";
import { NO_OWNERSHIP_ID, ownershipIdFor, ownershipIdOf, withOwnershipId } from "../../provider/ownership";
import { BucketPolicyProvider, sharedBucketPolicyProvider } from "../../provider/provider";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the dynamic-provider host loads a handle with (no types)
const requireFromString: (code: string) => { handler(): unknown } = require("require-from-string");

const bucket = "logs";
const identity = { project: "project", stack: "dev", name: "logs-policy" };
const handle = handleFor(identity);
const mine = ownershipIdOf("project", "dev", "logs-policy", bucket, undefined);
const policy = (action = "s3:GetObject") =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "Read", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: action, Resource: `arn:aws:s3:::${bucket}/*` }],
    });
const missing = Object.assign(new Error("NoSuchBucketPolicy"), { name: "NoSuchBucketPolicy", $metadata: { httpStatusCode: 404 } });

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

describe("a resource's handle", () => {
    it("carries its project, stack and name, any characters included, and nothing else reads as an identity", () => {
        expect(identityIn(handle)).toEqual(identity);
        const odd = { project: "p", stack: 'org/st"ack', name: "name with ;\n and \u2028" };
        expect(identityIn(handleFor(odd))).toEqual(odd);
        expect(identityIn(PROVIDER_HANDLE)).toBeUndefined();
        expect(identityIn(handle.replace('"logs-policy"]', '"logs-policy",1]'))).toBeUndefined();
        expect(identityIn(handle + "extra")).toBeUndefined();
        expect(identityIn(handle.replace("exports.resource = [", "exports.resource = {"))).toBeUndefined();
        expect(identityIn(undefined)).toBeUndefined();
    });

    it("adds only its identity line (about 50 bytes) to the generic handle's size", () => {
        expect(handle.length - PROVIDER_HANDLE.length).toBeLessThan(100);
    });

    it("gives the Id 0.4.0–0.6.0 programs sent as ownershipId, from its bucket and endpoint", () => {
        expect(ownershipIdFor({ __provider: handle, bucket })).toBe(mine);
        expect(ownershipIdFor({ __provider: handle, bucket, endpoint: "http://127.0.0.1:9000" })).toBe(
            ownershipIdOf("project", "dev", "logs-policy", bucket, "http://127.0.0.1:9000"),
        );
        // A stored Id wins (state of those versions, the provider plugin); the stored "none" means none.
        const stored = ownershipIdOf("project", "dev", "old-name", bucket, undefined);
        expect(ownershipIdFor({ __provider: handle, bucket, ownershipId: stored })).toBe(stored);
        expect(ownershipIdFor({ __provider: handle, bucket, ownershipId: NO_OWNERSHIP_ID })).toBeUndefined();
        expect(ownershipIdFor({ __provider: PROVIDER_HANDLE, bucket })).toBeUndefined();
        // Not known at preview: no Id yet.
        expect(ownershipIdFor({ __provider: handle, bucket: UNKNOWN })).toBeUndefined();
        expect(ownershipIdFor({ __provider: handle, bucket, endpoint: UNKNOWN })).toBeUndefined();
    });

    it("loads one provider for every resource's handle in the host, and the generic handle its own", () => {
        const programDir = path.resolve(__dirname, "../..");
        const cwd = process.cwd();
        process.chdir(programDir);
        try {
            const load = (text: string) => requireFromString(text).handler();
            const first = load(handleFor({ ...identity, name: "a" }));
            const second = load(handleFor({ ...identity, name: "b" }));
            expect(first).toBe(second);
            expect(load(PROVIDER_HANDLE)).not.toBe(first);
        } finally {
            process.chdir(cwd);
        }
        expect(sharedBucketPolicyProvider()).toBe(sharedBucketPolicyProvider());
    });
});

describe("the provider with a resource's handle (no ownershipId input)", () => {
    it("create puts the handle's Id, and the state stores no ownershipId (the handle gives it)", async () => {
        const s3 = new ScriptedS3();
        const { outs } = await providerOn(s3).create({ bucket, policy: policy(), __provider: handle } as never);
        expect(JSON.parse(s3.policy as string).Id).toBe(mine);
        expect(outs.policy).toBe(policy());
        expect("ownershipId" in outs).toBe(false);
        expect(ownershipIdFor({ ...outs, __provider: handle })).toBe(mine);
    });

    it("create recognises its own earlier write by the handle's Id (an interrupted deployment) without a second put", async () => {
        const s3 = new ScriptedS3(withOwnershipId(policy(), mine));
        await providerOn(s3).create({ bucket, policy: policy(), __provider: handle } as never);
        expect(s3.calls).toEqual(["GetBucketPolicy"]);
    });

    it('an adopted policy kept as it was stores ownershipId "", so delete judges it by meaning, not by the handle\'s Id', async () => {
        const s3 = new ScriptedS3(policy());
        const provider = providerOn(s3);
        const { outs } = await provider.create({ bucket, policy: policy(), adoptExisting: true, __provider: handle } as never);
        expect(s3.calls).toEqual(["GetBucketPolicy"]);
        expect(outs.ownershipId).toBe(NO_OWNERSHIP_ID);
        await provider.delete(bucket, { ...outs, __provider: handle } as never);
        expect(s3.policy).toBeUndefined();
    });

    it("delete leaves a policy that carries another resource's Id, and removes its own", async () => {
        const theirs = withOwnershipId(policy(), ownershipIdOf("project", "dev", "other", bucket, undefined));
        const s3 = new ScriptedS3(theirs);
        const state = { bucket, policy: policy(), __provider: handle } as never;
        const provider = providerOn(s3);
        provider.notices = { info: async () => undefined, warn: async () => undefined };
        await provider.delete(bucket, state);
        expect(s3.policy).toBe(theirs);
        s3.policy = withOwnershipId(policy(), mine);
        await provider.delete(bucket, state);
        expect(s3.policy).toBeUndefined();
    });

    it("state written by 0.6.0 (generic handle, ownershipId stored) keeps its Id through an update that writes nothing", async () => {
        const s3 = new ScriptedS3(withOwnershipId(policy(), mine));
        const olds = { bucket, policy: policy(), ownershipId: mine, __provider: PROVIDER_HANDLE };
        const { outs } = await providerOn(s3).update(bucket, olds as never, { bucket, policy: policy("S3:GETOBJECT"), __provider: handle } as never);
        expect(s3.calls.filter((call) => call !== "GetBucketPolicy")).toEqual([]);
        expect("ownershipId" in (outs ?? {})).toBe(false);
        expect(ownershipIdFor({ ...outs, __provider: handle })).toBe(mine);
    });

    it("a renamed resource's update that writes nothing stores the Id S3 still holds (the old name's)", async () => {
        const old = ownershipIdOf("project", "dev", "old-name", bucket, undefined);
        const s3 = new ScriptedS3(withOwnershipId(policy(), old));
        const olds = { bucket, policy: policy(), __provider: handleFor({ ...identity, name: "old-name" }) };
        const { outs } = await providerOn(s3).update(bucket, olds as never, { bucket, policy: policy(), __provider: handle } as never);
        expect(outs?.ownershipId).toBe(old);
        expect(ownershipIdFor({ ...outs, __provider: handle })).toBe(old);
    });
});
