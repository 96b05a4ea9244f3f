import { PolicyParseError, canonicalizePolicy, diffPolicies, formatPolicy, parsePolicy, policiesEquivalent } from "../../provider/policy";
import fc from "fast-check";
import { exactDecimal } from "../../provider/policy/rules";
import { quickScan, scanJsonText } from "../../provider/policy/scan";

const valid = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] };

function parseError(policy: string | object): PolicyParseError {
    try {
        parsePolicy(policy);
    } catch (error) {
        return error as PolicyParseError;
    }
    throw new Error("parsePolicy did not throw");
}

describe(parsePolicy.name, () => {
    it("reads JSON text into the document", () => {
        expect(parsePolicy(JSON.stringify(valid))).toEqual(valid);
    });

    it("returns an object document as it is, without copying or changing it", () => {
        const document = JSON.parse(JSON.stringify(valid));
        expect(parsePolicy(document)).toBe(document);
        expect(document).toEqual(valid);
    });

    it("ignores a byte-order mark before the JSON text", () => {
        expect(parsePolicy("\ufeff" + JSON.stringify(valid))).toEqual(valid);
    });

    it("reads an empty or blank text as the empty document, as hashicorp/awspolicyequivalence does", () => {
        expect(parsePolicy("")).toEqual({});
        expect(parsePolicy(" \n\t")).toEqual({});
        expect(policiesEquivalent("", "{}")).toBe(true);
    });

    it("accepts a document without Statement (check reports it, not the parser)", () => {
        expect(parsePolicy('{"Version":"2012-10-17"}')).toEqual({ Version: "2012-10-17" });
    });

    it("throws PolicyParseError for text that is not JSON, with JSON.parse's position and the line and column", () => {
        const error = parseError('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n  ]\n}');
        expect(error).toBeInstanceOf(PolicyParseError);
        expect(error.name).toBe("PolicyParseError");
        expect(error.message).toMatch(/^policy is not valid JSON: .*position 54 \(line 5, column 3\)$/);
        expect(error.path).toBeUndefined();
    });

    it("says where truncated JSON text ends", () => {
        expect(parseError('{"Version": "2012-10-17",\n"Statement": [').message).toMatch(
            /not valid JSON: .*end of JSON input \(the text ends at line 2, column 14\)/,
        );
    });

    it.each([
        ["an array", "[]", "an array"],
        ["an array of one document", JSON.stringify([valid]), "an array"],
        ["null", "null", "null"],
        ["a number", "42", "a number (42)"],
        ["a string", '"policy"', 'a string ("policy")'],
        ["a Boolean", "true", "a boolean (true)"],
    ])("throws when the document is %s, not a JSON object", (_name, text, described) => {
        const error = parseError(text);
        expect(error).toBeInstanceOf(PolicyParseError);
        expect(error.message).toBe(`a policy document must be a JSON object such as {"Version": "2012-10-17", "Statement": [...]}, got ${described}`);
    });

    it("throws for an object argument that is an array", () => {
        expect(parseError([valid]).message).toMatch(/must be a JSON object.*got an array/);
    });

    it.each([
        ["a number", 42, "a number (42)"],
        ["a string", "s3:GetObject", 'a string ("s3:GetObject")'],
        ["null", null, "null"],
    ])("throws when Statement is %s, naming Statement", (_name, statement, described) => {
        const error = parseError({ Version: "2012-10-17", Statement: statement });
        expect(error.path).toBe("Statement");
        expect(error.message).toBe(`Statement: Statement must be a statement object or an array of statement objects, got ${described}`);
    });

    it("throws when a statement is not an object, naming its index", () => {
        const error = parseError({ Version: "2012-10-17", Statement: [valid.Statement[0], "s3:GetObject", null] });
        expect(error.path).toBe("Statement[1]");
        expect(error.message).toBe('Statement[1]: a statement must be a JSON object, got a string ("s3:GetObject")');
    });

    it("makes every entry point throw, never answer, for a document it cannot read", () => {
        for (const bad of ["{", "[]", '{"Statement": 42}']) {
            expect(() => canonicalizePolicy(bad)).toThrow(PolicyParseError);
            expect(() => formatPolicy(bad)).toThrow(PolicyParseError);
            expect(() => policiesEquivalent(bad, bad)).toThrow(PolicyParseError);
            expect(() => policiesEquivalent(valid, bad)).toThrow(PolicyParseError);
            expect(() => diffPolicies(bad, valid)).toThrow(PolicyParseError);
        }
    });
});

describe("numbers keep the text they were written with", () => {
    const withValue = (operator: string, literal: string) =>
        JSON.stringify({ ...valid, Statement: [{ Sid: "Listing", ...valid.Statement[0], Condition: { [operator]: { "s3:max-keys": "@@" } } }] }).replace(
            '"@@"',
            literal,
        );

    it.each(["9007199254740993", "1.0", "1e2", "-0", "0.10", "1.5E+1", "123456789012345678901234567890"])(
        "formatPolicy puts %s as written, unquoted, and canonicalizePolicy keeps it under a String operator",
        (literal) => {
            expect(formatPolicy(withValue("NumericLessThan", literal))).toContain(`"s3:max-keys":${literal}}`);
            expect(canonicalizePolicy(withValue("StringEquals", literal))).toContain(`"s3:max-keys":["${literal}"]`);
        },
    );

    it("reads numbers a JavaScript number keeps as plain numbers (no other representation)", () => {
        const document = parsePolicy(withValue("NumericLessThan", "42")) as { Statement: Array<{ Condition: Record<string, Record<string, unknown>> }> };
        expect(document.Statement[0].Condition.NumericLessThan["s3:max-keys"]).toBe(42);
    });

    it("names the changed value in a diff, as written", () => {
        const diff = diffPolicies(withValue("NumericEquals", "9007199254740992"), withValue("NumericEquals", "9007199254740993"));
        expect(JSON.stringify(diff)).toContain("9007199254740993");
        expect(diff.equivalent).toBe(false);
    });
});

describe(exactDecimal.name, () => {
    it.each([
        ["1", "1"],
        ["1.0", "1"],
        ["1e0", "1"],
        ["1.50e1", "15"],
        ["0.10", "0.1"],
        ["-0", "0"],
        ["-0.0e5", "0"],
        ["1e2", "100"],
        ["1.00E+2", "100"],
        ["12.5e-3", "0.0125"],
        ["-3.25", "-3.25"],
        ["9007199254740993", "9007199254740993"],
    ])("%s → %s", (text, decimal) => {
        expect(exactDecimal(text)).toBe(decimal);
    });

    it.each(["010", ".5", "+1", "1.", "0x10", "1e401", "ten", ""])("leaves %j to compare as written", (text) => {
        expect(exactDecimal(text)).toBeUndefined();
    });
});

describe("the guards in parsePolicy", () => {
    const DEPTH = 10_000;
    const nested = () => {
        let value: unknown = "s3:GetObject";
        for (let i = 0; i < DEPTH; i++) value = [value];
        return value;
    };
    /** The document's text with `"@@"` replaced by the nested array's text (JSON.stringify itself overflows on it). */
    const asText = (template: object) => JSON.stringify(template).replace('"@@"', "[".repeat(DEPTH) + '"s3:GetObject"' + "]".repeat(DEPTH));
    const cases: Array<[string, (value: unknown) => object]> = [
        ["Action", (value) => ({ ...valid, Statement: [{ ...valid.Statement[0], Action: value }] })],
        ["a principal", (value) => ({ ...valid, Statement: [{ ...valid.Statement[0], Principal: { AWS: value } }] })],
        ["an unknown element", (value) => ({ ...valid, Unknown: value })],
    ];

    it.each(cases)("refuse an array nested 10,000 levels deep in %s with PolicyParseError, as object and as text, in every public function", (_, make) => {
        for (const policy of [make(nested()), asText(make("@@"))]) {
            for (const call of [
                () => parsePolicy(policy),
                () => canonicalizePolicy(policy),
                () => formatPolicy(policy),
                () => diffPolicies(valid, policy),
                () => policiesEquivalent(policy, valid),
            ]) {
                expect(call).toThrow(PolicyParseError);
                expect(call).toThrow(/nests more than 32 levels deep/);
            }
        }
    });

    it("refuses a key written twice in one object of the text, naming it and where", () => {
        const text =
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}';
        expect(() => canonicalizePolicy(text)).toThrow(PolicyParseError);
        expect(() => canonicalizePolicy(text)).toThrow(/the key "Effect" in Statement\[0\] twice/);
    });
});

describe("strings are written as JSON.stringify writes them", () => {
    // A text without a backslash or a surrogate takes the fast path (quoteFor): these texts sit on its border.
    const withString = (value: string) =>
        `{"Version":"2012-10-17","Statement":[{"Sid":"S${value}","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/r${value}"},` +
        `"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${value}*","Condition":{"StringEquals":{"s3:prefix":"p${value}"}}}]}`;
    const borders: Array<[string, string]> = [
        ["a raw lone surrogate (no backslash in the text)", "\ud800"],
        ["a raw surrogate pair", "\ud83d\ude00"],
        ["an escaped quote", '\\"'],
        ["an escaped control character", "\\u0001"],
        ["a raw line separator, which JSON.stringify leaves as it is", "\u2028"],
        ["plain ASCII", "plain"],
    ];

    it.each(borders)("for %s, the same as for the parsed document", (_, value) => {
        const text = withString(value);
        const document = JSON.parse(text) as object;
        expect(formatPolicy(text)).toBe(formatPolicy(document));
        expect(canonicalizePolicy(text)).toBe(canonicalizePolicy(document));
        expect(JSON.parse(formatPolicy(text))).toEqual(JSON.parse(formatPolicy(document)));
    });

    it("escapes a raw lone surrogate in a text with no backslash", () => {
        const text = withString("\ud800");
        expect(text.includes("\\")).toBe(false);
        expect(formatPolicy(text)).toContain("\\ud800");
        expect(canonicalizePolicy(text)).toContain("\\ud800");
        expect(formatPolicy(text)).not.toContain("\ud800");
    });
});

describe(quickScan.name, () => {
    // JSON texts written entry by entry, so that keys repeat (a small alphabet), at any depth, with or without escapes.
    const key = fc.constantFrom("a", "b", "Effect", "a\\u0062", "__proto__", ":", "1");
    const scalar = fc.constantFrom('"x"', '"a"', '":"', '"\\""', "1", "1.0", "-0", "true", "false", "null", '""');
    const text: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
        value: fc.oneof(
            { depthSize: "small", withCrossShrink: true },
            scalar,
            fc.array(tie("value"), { maxLength: 4 }).map((items) => "[" + items.join(",") + "]"),
            fc
                .array(fc.tuple(key, tie("value")), { maxLength: 4 })
                .map((entries) => "{" + entries.map(([k, v]) => JSON.stringify(k).replace("\\\\u0062", "\\u0062") + ":" + v).join(",") + "}"),
        ),
    })).value;
    const spaced = fc.tuple(text, fc.boolean()).map(([t, pretty]) => (pretty ? JSON.stringify(JSON.parse(t), null, 2) : t));

    it("gives the scan's answer whenever it gives one, and gives one for texts with no backslash, number or repeat", () => {
        let answered = 0;
        fc.assert(
            fc.property(fc.oneof(text, spaced), fc.integer({ min: 1, max: 6 }), (json, maxDepth) => {
                const quick = quickScan(json, JSON.parse(json), maxDepth);
                const full = scanJsonText(json, maxDepth);
                if (quick !== undefined) {
                    answered++;
                    expect(quick).toEqual(full);
                } else if (!json.includes("\\") && !full.tooDeep && !full.duplicateKey && !/[\d]/.test(json.replace(/"[^"]*"/g, ""))) {
                    throw new Error(`no quick answer for a plain text: ${json}`);
                }
            }),
            { numRuns: 3000 },
        );
        expect(answered).toBeGreaterThan(300);
    });

    it("leaves a key written twice to the scan, at any depth", () => {
        for (const json of ['{"a":"x","a":"x"}', '{"a":{"b":1,"b":2}}', '[{"s":[{"k":"v","k":{"z":null}}]}]', '{"a":{"b":"c"},"a":"y"}']) {
            expect(quickScan(json, JSON.parse(json), 32)).toBeUndefined();
            expect(scanJsonText(json, 32).duplicateKey).toBeDefined();
        }
    });
});
