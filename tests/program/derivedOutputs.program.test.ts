/**
 * `BucketPolicy`'s derived outputs (`canonicalPolicy`, `isPublic`, `publicAccess`) under pulumi.runtime.setMocks. They
 * are never registered (each registered property costs the SDK time in every preview, and state would carry the
 * policy again) and are made in the program from the `policy` output, secret when it is. A secret policy registers
 * the `secretPolicy` marker instead, so that the provider withholds its analysis. The mock returns the registered
 * inputs as the resource's state, as the engine does for outputs a provider did not change.
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

    it("for a secret policy: not registered, the secretPolicy marker is, and the outputs made from policy are secret", async () => {
        const resource = new BucketPolicy("secret", { bucket: "site", policy: pulumi.secret(policy), allowPublicAccess: true });
        await valueOf(resource.policy);
        for (const key of ["canonicalPolicy", "isPublic", "publicAccess"]) expect(key in registered("secret")).toBe(false);
        expect(registered("secret").secretPolicy).toBe(true);
        for (const output of [resource.canonicalPolicy, resource.isPublic, resource.publicAccess] as pulumi.Output<unknown>[])
            expect(await pulumi.isSecret(output)).toBe(true);
        expect(await valueOf(resource.canonicalPolicy)).toBe(canonicalizePolicy(policy));
        expect(await valueOf(resource.isPublic)).toBe(true);
    });

    it("for a policy given as an Output that is not secret: no marker, and plain outputs", async () => {
        const resource = new BucketPolicy("output", { bucket: "site", policy: pulumi.output(policy), allowPublicAccess: true });
        await valueOf(resource.policy);
        expect("secretPolicy" in registered("output")).toBe(false);
        expect(await pulumi.isSecret(resource.canonicalPolicy)).toBe(false);
        expect(await valueOf(resource.publicAccess)).toMatch(/^public: Statement\[0\]/);
    });
});
