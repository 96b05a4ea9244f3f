import { BucketPolicyProvider } from "../../provider/provider";
import { UNKNOWN } from "../../provider/inputs";

const bucket = "example-bucket";
const statement = { Sid: "Read", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` };
const policy = { Version: "2012-10-17", Statement: [statement] };

async function check(news: Record<string, unknown>) {
    return new BucketPolicyProvider().check({}, { bucket, policy: JSON.stringify(policy), ...news });
}

describe("BucketPolicyProvider.check", () => {
    it("returns the policy as compact JSON text that is equivalent to the input", async () => {
        const result = await check({ policy: JSON.stringify(policy, null, 4) });
        expect(result.failures).toEqual([]);
        expect(JSON.parse(result.inputs.policy)).toEqual(JSON.parse(JSON.stringify(policy)));
        expect(result.inputs.policy).not.toMatch(/\n/);
    });

    it("gives reordered and reformatted documents the same text, so the engine's own preview shows no noise", async () => {
        const a = await check({ policy: JSON.stringify(policy) });
        const reordered = {
            Statement: { Resource: [statement.Resource], Action: [statement.Action], Principal: { AWS: ["111122223333"] }, Effect: "Allow", Sid: "Read" },
            Version: "2012-10-17",
        };
        const b = await check({ policy: JSON.stringify(reordered, null, 2) });
        expect(b.inputs.policy).toBe(a.inputs.policy);
    });

    it("accepts a policy object as well as its JSON text", async () => {
        const result = await check({ policy });
        expect(result.failures).toEqual([]);
        expect(typeof result.inputs.policy).toBe("string");
    });

    it("passes Pulumi's unknown sentinel through during preview instead of reporting invalid JSON", async () => {
        const result = await check({ policy: UNKNOWN, bucket: UNKNOWN });
        expect(result.failures).toEqual([]);
        expect(result.inputs.policy).toBe(UNKNOWN);
    });

    it("says bad JSON is the policy's problem in the reason, and names no property (the engine would print the document first)", async () => {
        const result = await check({ policy: '{"Version": "2012-10-17", "Statement": [' });
        expect(result.failures).toEqual([expect.objectContaining({ property: "", reason: expect.stringMatching(/^policy is not a valid policy document/) })]);
    });

    it("names the bucket for an empty bucket", async () => {
        const result = await check({ bucket: "" });
        expect((result.failures ?? []).map((f) => f.property)).toContain("bucket");
    });

    it("rejects an expected owner that is not 12 digits", async () => {
        const result = await check({ expectedBucketOwner: "12345" });
        expect(result.failures).toEqual([expect.objectContaining({ property: "expectedBucketOwner", reason: expect.stringMatching(/12-digit/) })]);
    });

    it("rejects an unknown checksum algorithm and lists the known ones", async () => {
        const result = await check({ checksumAlgorithm: "MD5" });
        expect(result.failures).toEqual([expect.objectContaining({ property: "checksumAlgorithm", reason: expect.stringMatching(/CRC32.*SHA256/) })]);
    });

    it("names the statement when a statement is wrong", async () => {
        const bad = { Version: "2012-10-17", Statement: [statement, { ...statement, Sid: "Second", Effect: "allow" }] };
        const result = await check({ policy: JSON.stringify(bad) });
        expect(result.failures?.[0].reason).toMatch(/Statement\[1\] \(Sid "Second"\): Effect must be "Allow" or "Deny"/);
    });

    it("refuses a policy that locks every caller out unless confirmRemoveSelfBucketAccess is set", async () => {
        const lockout = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:::${bucket}` }] };
        const refused = await check({ policy: JSON.stringify(lockout) });
        expect(refused.failures?.[0].reason).toMatch(/lock every caller out.*confirmRemoveSelfBucketAccess/);
        const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
        const confirmed = await check({ policy: JSON.stringify(lockout), confirmRemoveSelfBucketAccess: true });
        expect(confirmed.failures).toEqual([]);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(warn.mock.calls[0][0]).toMatch(/confirmRemoveSelfBucketAccess is set, so it will be applied/);
        warn.mockRestore();
    });

    it("reports an input name it does not know", async () => {
        const result = await check({ expectedBucketOwnr: "111122223333" });
        expect(result.failures).toEqual([expect.objectContaining({ property: "expectedBucketOwnr" })]);
    });

    describe("public access", () => {
        const publicRead = {
            Version: "2012-10-17",
            Statement: [
                { ...statement, Sid: "PublicRead", Principal: "*" },
                { ...statement, Sid: "Own" },
            ],
        };

        it("refuses a policy S3 would call public, naming the statement, the reason and the opt-in, before any S3 call", async () => {
            const makeClient = jest.fn();
            const result = await new BucketPolicyProvider(makeClient).check({}, { bucket, policy: JSON.stringify(publicRead) });
            expect(result.failures).toHaveLength(1);
            const { property, reason } = result.failures?.[0] ?? { property: "", reason: "" };
            // No property, so the engine prints the reason without the document before it; the reason names the policy.
            expect(property).toBe("");
            expect(reason).toMatch(/^policy grants public access/);
            expect(reason).toMatch(/public/);
            expect(reason).toContain('Statement[0] (Sid "PublicRead")');
            expect(reason).not.toContain('Sid "Own"');
            expect(reason).toMatch(/Principal "\*"/);
            expect(reason).toContain("allowPublicAccess: true");
            expect(reason).toMatch(/Block Public Access/);
            expect(makeClient).not.toHaveBeenCalled();
        });

        it("with allowPublicAccess: true, accepts it and warns in the preview that it is public", async () => {
            const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
            try {
                const result = await check({ policy: JSON.stringify(publicRead), allowPublicAccess: true });
                expect(result.failures).toEqual([]);
                expect(warn).toHaveBeenCalledTimes(1);
                expect(warn.mock.calls[0][0]).toMatch(
                    new RegExp(`^warning: bucket ${bucket}: the policy is public \\(Statement\\[0\\] \\(Sid "PublicRead"\\)`),
                );
                expect(warn.mock.calls[0][0]).toMatch(/BlockPublicPolicy/);
            } finally {
                warn.mockRestore();
            }
        });

        it("neither refuses nor warns for a policy that is not public, or a Deny to everyone", async () => {
            const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
            try {
                const deny = { ...statement, Sid: "DenyHttp", Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } };
                const result = await check({ policy: JSON.stringify({ ...policy, Statement: [statement, deny] }) });
                expect(result.failures).toEqual([]);
                expect(warn).not.toHaveBeenCalled();
            } finally {
                warn.mockRestore();
            }
        });

        it("rejects an allowPublicAccess that is not a boolean", async () => {
            const result = await check({ allowPublicAccess: "yes" });
            expect(result.failures).toEqual([{ property: "allowPublicAccess", reason: 'allowPublicAccess must be a boolean, got a string ("yes")' }]);
        });

        it("leaves a policy not known yet (preview) for the real run", async () => {
            const result = await check({ policy: UNKNOWN });
            expect(result.failures).toEqual([]);
        });
    });
});
