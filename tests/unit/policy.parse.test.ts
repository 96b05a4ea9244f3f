import { PolicyParseError, canonicalizePolicy, diffPolicies, formatPolicy, parsePolicy, policiesEquivalent } from "../../provider/policy";

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
        expect(error.message).toBe(`Statement: Statement must be a statement object or a list of statement objects, got ${described}`);
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
