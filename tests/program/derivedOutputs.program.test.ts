/**
 * `BucketPolicy`'s derived outputs (`canonicalPolicy`, `isPublic`, `publicAccess`) under pulumi.runtime.setMocks. For a
 * policy given as text they are not registered (each registered property costs the SDK time in every preview) and are
 * made from the `policy` output; for a policy given as an Output they are registered, secret when the policy is, so
 * that the engine keeps them secret in state. The mock returns the registered inputs as the resource's state, as the
 * engine does for outputs a provider did not change.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketPolicy, analyzePublicAccess, canonicalizePolicy } from "../../provider";

const registrations: Array<{ name: string; inputs: Record<string, unknown> }> = [];
pulumi.runtime.setMocks(
    {
        newResource: async (args) => {
            registrations.push({ name: args.name, inputs: args.inputs });
            return { id: `${args.name}-id`, state: args.inputs };
        },
        call: async (args) => args.inputs,
    },
    "s3-bucket-policy",
    "test",
    false,
);

const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }],
});
const valueOf = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
const registered = (name: string) => registrations.find((registration) => registration.name === name)?.inputs ?? {};

describe("BucketPolicy's derived outputs", () => {
    it("for a policy given as text: not registered, and made from policy as the provider makes them for state", async () => {
        const resource = new BucketPolicy("text", { bucket: "site", policy, allowPublicAccess: true });
        expect(await valueOf(resource.canonicalPolicy)).toBe(canonicalizePolicy(policy));
        expect(await valueOf(resource.isPublic)).toBe(true);
        expect(await valueOf(resource.publicAccess)).toMatch(/^public: Statement\[0\] \(Sid "PublicRead"\)/);
        expect(analyzePublicAccess(policy).isPublic).toBe(true);
        for (const key of ["canonicalPolicy", "isPublic", "publicAccess"]) expect(key in registered("text")).toBe(false);
        expect(resource.canonicalPolicy).toBe(resource.canonicalPolicy); // made once, not on every read
    });

    it("for a secret policy: registered (empty and secret), so that the engine keeps them secret, and secret outputs", async () => {
        const resource = new BucketPolicy("secret", { bucket: "site", policy: pulumi.secret(policy), allowPublicAccess: true });
        await valueOf(resource.policy);
        for (const key of ["canonicalPolicy", "isPublic", "publicAccess"]) expect(key in registered("secret")).toBe(true);
        expect(await pulumi.isSecret(resource.canonicalPolicy)).toBe(true);
    });
});
