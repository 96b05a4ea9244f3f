/**
 * Every case of `TestPolicyEquivalence` from hashicorp/awspolicyequivalence (commit d596985, MPL-2.0; data only, see
 * tests/vectors/README.md), run through `policiesEquivalent`. Where this project answers differently on purpose, the
 * case says so in its name and `DELIBERATE` below gives the reason.
 */
import { PolicyParseError, policiesEquivalent } from "../../provider/policy";
import vectors from "../vectors/awspolicyequivalence.json";

interface Vector {
    name: string;
    policy1: string;
    policy2: string;
    equivalent: boolean;
    error: boolean;
}

/**
 * Cases where upstream answers "equivalent" but the input is not a policy document. This project throws a
 * PolicyParseError instead: an unreadable document must never look like "no change" (the provider's diff would then
 * keep a policy nobody can read). `check` rejects both before any diff; S3 rejects both with MalformedPolicy.
 */
const DELIBERATE: Record<string, string> = {
    "Incorrect Statement type": "Statement is the number 42, neither a statement object nor a list of them",
    "Different empty lists":
        "the documents are JSON arrays ([] and [{}]); a bucket policy is one JSON object (upstream unwraps one-element lists for IAM role pseudo-JSON)",
};

const cases = (vectors as Vector[]).map((vector) => {
    const reason = DELIBERATE[vector.name];
    return {
        ...vector,
        title: reason ? `${vector.name} (deliberately differs from upstream: throws, because ${reason})` : vector.name,
        throws: vector.error || reason !== undefined,
    };
});

describe("policiesEquivalent on the awspolicyequivalence vectors", () => {
    it("has all 46 upstream cases", () => {
        expect(cases).toHaveLength(46);
    });

    it.each(cases.filter((c) => !c.throws))("$title", ({ policy1, policy2, equivalent }) => {
        expect(policiesEquivalent(policy1, policy2)).toBe(equivalent);
        expect(policiesEquivalent(policy2, policy1)).toBe(equivalent);
    });

    it.each(cases.filter((c) => c.throws))("$title", ({ policy1, policy2 }) => {
        expect(() => policiesEquivalent(policy1, policy2)).toThrow(PolicyParseError);
        expect(() => policiesEquivalent(policy2, policy1)).toThrow(PolicyParseError);
    });
});
