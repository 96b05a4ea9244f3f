/**
 * Every public function of provider/policy either answers or throws PolicyParseError, whatever it is given: random
 * bytes read as text, JSON of any shape, damaged policy texts, and nesting far past what a recursive walk survives.
 * Nothing else escapes (no RangeError, no TypeError).
 */
import fc from "fast-check";
import { PolicyParseError, canonicalizePolicy, diffPolicies, formatPolicy, parsePolicy, policiesEquivalent } from "../../provider/policy";

/** 300 runs per property keep the file at a few seconds; set POLICY_PROPERTY_RUNS for a deeper search. */
const RUNS = { numRuns: Number(process.env.POLICY_PROPERTY_RUNS ?? 300) };

const VALID = {
    Version: "2012-10-17",
    Statement: [{ Sid: "Read", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
};
const VALID_TEXT = JSON.stringify(VALID);

/** Calls every public entry point with `policy` on each side it can take, and returns what escaped that was not a PolicyParseError. */
function otherErrors(policy: string | object): unknown[] {
    const calls = [
        () => parsePolicy(policy),
        () => canonicalizePolicy(policy),
        () => formatPolicy(policy),
        () => policiesEquivalent(policy, VALID_TEXT),
        () => policiesEquivalent(VALID, policy),
        () => policiesEquivalent(policy, policy),
        () => diffPolicies(policy, VALID),
        () => diffPolicies(VALID_TEXT, policy),
    ];
    const escaped: unknown[] = [];
    for (const call of calls) {
        try {
            call();
        } catch (error) {
            if (!(error instanceof PolicyParseError)) escaped.push(error);
        }
    }
    return escaped;
}

/** Text with a run of `[` or `{` deeper than any walk of ours could recurse, possibly unclosed. */
const deepText = fc
    .tuple(fc.integer({ min: 33, max: 50_000 }), fc.constantFrom("[", '{"a":'), fc.boolean(), fc.constantFrom("", VALID_TEXT.slice(0, 40)))
    .map(([depth, open, closed, prefix]) => {
        const close = open === "[" ? "]" : "}";
        const inner = open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
        return prefix ? `${prefix}${inner}` : `{"Version":"2012-10-17","Statement":[{"Action":${inner}}]}`;
    });

/** A valid policy text damaged at one place: a byte removed, replaced or inserted. */
const damagedText = fc
    .tuple(
        fc.nat(VALID_TEXT.length - 1),
        fc.constantFrom("delete", "replace", "insert"),
        fc.constantFrom('"', "{", "}", "[", "]", ",", ":", "\\", "0", "-", "e"),
    )
    .map(([at, how, byte]) =>
        how === "delete"
            ? VALID_TEXT.slice(0, at) + VALID_TEXT.slice(at + 1)
            : how === "replace"
              ? VALID_TEXT.slice(0, at) + byte + VALID_TEXT.slice(at + 1)
              : VALID_TEXT.slice(0, at) + byte + VALID_TEXT.slice(at),
    );

describe("unreadable input: every public function answers or throws PolicyParseError", () => {
    it("for random bytes read as text", () => {
        const bytes = fc.uint8Array({ maxLength: 200 }).map((array) => Buffer.from(array).toString("latin1"));
        fc.assert(
            fc.property(bytes, (text) => otherErrors(text).length === 0),
            RUNS,
        );
    });

    it("for random Unicode text, including lone surrogates", () => {
        fc.assert(
            fc.property(fc.string({ unit: "binary", maxLength: 120 }), (text) => otherErrors(text).length === 0),
            RUNS,
        );
    });

    it("for JSON values of any shape, as text and as objects", () => {
        fc.assert(
            fc.property(
                fc.jsonValue({ maxDepth: 6 }),
                (value) =>
                    otherErrors(JSON.stringify(value) ?? "null").length === 0 &&
                    (typeof value !== "object" || value === null || otherErrors(value).length === 0),
            ),
            RUNS,
        );
    });

    it("for a valid policy text damaged at one place", () => {
        fc.assert(
            fc.property(damagedText, (text) => otherErrors(text).length === 0),
            RUNS,
        );
    });

    it("for nesting deeper than 32 levels, closed or not, and refuses it as too deep when the text is JSON", () => {
        fc.assert(
            fc.property(deepText, (text) => {
                if (otherErrors(text).length > 0) return false;
                let valid = true;
                try {
                    JSON.parse(text);
                } catch {
                    valid = false;
                }
                return !valid || /nests more than 32 levels deep/.test(String(catchMessage(() => canonicalizePolicy(text))));
            }),
            { numRuns: Math.min(RUNS.numRuns, 60) },
        );
    });

    it("for objects nested 100,000 levels deep, which no recursive walk survives", () => {
        let deep: unknown = "s3:GetObject";
        for (let i = 0; i < 100_000; i++) deep = { a: deep };
        const errors = otherErrors({ ...VALID, Statement: [{ ...VALID.Statement[0], Condition: deep }] });
        expect(errors).toEqual([]);
        expect(() => canonicalizePolicy({ Extra: deep })).toThrow(/nests more than 32 levels deep/);
    });
});

function catchMessage(call: () => unknown): string | undefined {
    try {
        call();
        return undefined;
    } catch (error) {
        return (error as Error).message;
    }
}
