/**
 * The policy core is copied by value into every BucketPolicy's state: Pulumi's closure serializer writes the provider,
 * and everything it reaches, as source text (`__provider`), and the dynamic-provider host loads that text. These tests
 * serialize the core the same way and check that the copy behaves like the original.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as policy from "../../provider/policy";
import vectors from "../vectors/awspolicyequivalence.json";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: (code: string) => { handler: () => typeof policy } = require("require-from-string");

const POLICY_DIR = path.join(__dirname, "../../provider/policy");

function outcome(run: () => unknown): string {
    try {
        return JSON.stringify(run());
    } catch (error) {
        const e = error as { name?: string; message?: string; path?: string };
        return `throws ${e.name}: ${e.message} (${e.path})`;
    }
}

describe("provider/policy as Pulumi serializes it", () => {
    let copy: typeof policy;
    let text: string;

    beforeAll(async () => {
        const { canonicalizePolicy, policiesEquivalent, diffPolicies, describePolicyDiff, formatPolicy, parsePolicy, PolicyParseError } = policy;
        const api = { canonicalizePolicy, policiesEquivalent, diffPolicies, describePolicyDiff, formatPolicy, parsePolicy, PolicyParseError };
        text = (await pulumi.runtime.serializeFunction(() => api, { allowSecrets: true })).text;
        copy = requireFromString(text).handler();
    }, 30000);

    it("requires no module: the core is plain TypeScript", () => {
        expect(text).not.toMatch(/require\(/);
    });

    it("answers every awspolicyequivalence vector as the original does", () => {
        for (const v of vectors as Array<{ policy1: string; policy2: string }>) {
            expect(outcome(() => copy.policiesEquivalent(v.policy1, v.policy2))).toBe(outcome(() => policy.policiesEquivalent(v.policy1, v.policy2)));
            expect(outcome(() => copy.formatPolicy(v.policy1))).toBe(outcome(() => policy.formatPolicy(v.policy1)));
        }
    });

    it("describes diffs as the original does", () => {
        const before = { Statement: [{ Sid: "A", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] };
        const after = {
            Version: "2012-10-17",
            Statement: [{ Sid: "A", Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*" }],
        };
        expect(copy.describePolicyDiff(copy.diffPolicies(before, after), { details: true })).toEqual(
            policy.describePolicyDiff(policy.diffPolicies(before, after), { details: true }),
        );
    });

    // A `class … extends Error` loses its message and its Error prototype in the copy (super() becomes Error.call(this)).
    it("throws PolicyParseErrors that keep their message, name and path, and are Errors", () => {
        let thrown: unknown;
        try {
            copy.parsePolicy('{"Statement": 42}');
        } catch (error) {
            thrown = error;
        }
        // require-from-string compiles in Node's main realm, not jest's sandbox: compare Error by name along the chain.
        const chain: string[] = [];
        for (let proto = Object.getPrototypeOf(thrown); proto; proto = Object.getPrototypeOf(proto)) chain.push(proto.constructor.name);
        expect(chain).toEqual([expect.stringContaining("PolicyParseError"), "Error", "Object"]);
        expect(thrown).toBeInstanceOf(copy.PolicyParseError);
        expect(thrown).toMatchObject({ name: "PolicyParseError", path: "Statement", message: expect.stringMatching(/^Statement: Statement must be/) });
        expect(String((thrown as Error).stack)).toMatch(/^PolicyParseError: Statement: /);
    });
});

describe("provider/policy sources", () => {
    const files = fs.readdirSync(POLICY_DIR).filter((file) => file.endsWith(".ts"));

    it.each(files)("%s imports only sibling modules (no AWS SDK, no Pulumi, no package)", (file) => {
        const source = fs.readFileSync(path.join(POLICY_DIR, file), "utf8");
        const imports = [...source.matchAll(/(?:from|require\()\s*["']([^"']+)["']/g)].map((match) => match[1]);
        expect(imports.filter((name) => !name.startsWith("./"))).toEqual([]);
    });

    it.each(files)("%s declares no class (the closure serializer mishandles class fields, #private and super)", (file) => {
        expect(fs.readFileSync(path.join(POLICY_DIR, file), "utf8")).not.toMatch(/^\s*(export\s+)?class\s/m);
    });
});
