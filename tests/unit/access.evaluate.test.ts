/**
 * The concrete evaluator, one topic of the IAM User Guide at a time ("Policy evaluation logic", "IAM JSON policy
 * elements", "Condition operators"), on policies of the bucket `logs` in account 111122223333.
 */
import { OutsideEvaluator, evaluatePolicy, statementMatches } from "../../provider/access/evaluate";
import type { AccessContext, AccessPrincipal, AccessRequest, PolicyReading } from "../../provider/access/types";
import { modelOf } from "../../provider/policy/read";

const ACCOUNT = "111122223333";
const READER_ROLE = `arn:aws:iam::${ACCOUNT}:role/reader`;
const ANONYMOUS: AccessPrincipal = { type: "AWS", id: "*" };
const OBJECT = "arn:aws:s3:::logs/2024/app.log";

type Statement = Record<string, unknown>;

function request(overrides: Partial<AccessRequest> = {}): AccessRequest {
    return { principal: { type: "AWS", id: ACCOUNT }, action: "s3:getobject", resource: OBJECT, context: {}, ...overrides };
}

/** `version` null: a document without Version. */
function decide(statements: Statement[], overrides: Partial<AccessRequest> = {}, reading?: PolicyReading, version: string | null = "2012-10-17") {
    return evaluatePolicy(modelOf({ ...(version === null ? {} : { Version: version }), Statement: statements }), request(overrides), reading);
}

function allow(overrides: Statement = {}): Statement {
    return { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::logs/*", ...overrides };
}

function deny(overrides: Statement = {}): Statement {
    return { ...allow(overrides), Effect: "Deny", ...overrides };
}

/** Whether an Allow of everything under `condition` allows a request in `context`. */
function conditionHolds(condition: Record<string, unknown>, context: AccessContext, reading?: PolicyReading): boolean {
    return decide([allow({ Condition: condition })], { context }, reading) === "allow";
}

/** The construct an evaluation refuses, or `undefined` when it evaluates. */
function refused(evaluate: () => unknown): string | undefined {
    try {
        evaluate();
        return undefined;
    } catch (error) {
        if (error instanceof OutsideEvaluator) return error.construct;
        throw error;
    }
}

describe("the decision", () => {
    // "An explicit deny in any of these policies overrides the allow."
    it("is deny when a Deny matches, even with an Allow that matches", () => {
        expect(decide([allow(), deny({ Action: "s3:*" })])).toBe("deny");
        expect(decide([deny({ Action: "s3:*" }), allow()])).toBe("deny");
    });

    it("is allow when only an Allow matches", () => {
        expect(decide([allow(), deny({ Action: "s3:PutObject" })])).toBe("allow");
    });

    // "By default, all requests are implicitly denied": neither statement matches, so the policy answers neither.
    it.each([
        ["no statement matches", [allow({ Action: "s3:PutObject" })]],
        ["no statements", []],
    ])("is none when %s", (_, statements) => {
        expect(decide(statements as Statement[])).toBe("none");
    });

    it("is none for a document without Statement", () => {
        expect(evaluatePolicy(modelOf({ Version: "2012-10-17" }), request())).toBe("none");
    });

    it("refuses a statement whose Effect is not exactly Allow or Deny, whichever statement matches", () => {
        expect(refused(() => decide([deny({ Action: "s3:*" }), allow({ Effect: "allow" })]))).toBe('Statement[1]: Effect "allow"');
        expect(refused(() => decide([allow({ Sid: "Read", Effect: undefined })]))).toBe('Statement[0] (Sid "Read"): no Effect');
    });
});

describe("Principal and NotPrincipal", () => {
    // "Principal": "*" and {"AWS": "*"} are documented as the same: every caller, anonymous ones included.
    it.each([["*"], [{ AWS: "*" }], [{ AWS: [ACCOUNT, "*"] }]])("%j matches anyone, anonymous included", (principal) => {
        for (const who of [ANONYMOUS, { type: "AWS", id: READER_ROLE }, { type: "Service", id: "logging.s3.amazonaws.com" }]) {
            expect(decide([allow({ Principal: principal })], { principal: who })).toBe("allow");
        }
    });

    it.each([
        // An account id and its root ARN name the same principal, the account; a role in it is another principal.
        [{ AWS: ACCOUNT }, { type: "AWS", id: ACCOUNT }, true],
        [{ AWS: ACCOUNT }, { type: "AWS", id: `arn:aws:iam::${ACCOUNT}:root` }, true],
        [{ AWS: `arn:aws:iam::${ACCOUNT}:root` }, { type: "AWS", id: ACCOUNT }, true],
        [{ AWS: ACCOUNT }, { type: "AWS", id: READER_ROLE }, false],
        [{ AWS: READER_ROLE }, { type: "AWS", id: ACCOUNT }, false],
        [{ AWS: READER_ROLE }, { type: "AWS", id: READER_ROLE }, true],
        [{ AWS: ACCOUNT }, { type: "AWS", id: "444455556666" }, false],
        [{ AWS: ACCOUNT }, ANONYMOUS, false],
        // The type is part of the principal.
        [{ Service: "logging.s3.amazonaws.com" }, { type: "Service", id: "logging.s3.amazonaws.com" }, true],
        [{ Service: "logging.s3.amazonaws.com" }, { type: "AWS", id: "logging.s3.amazonaws.com" }, false],
        [{ Service: "*" }, { type: "Service", id: "logging.s3.amazonaws.com" }, false],
        [{}, { type: "AWS", id: ACCOUNT }, false],
    ])("Principal %j, request principal %j: %s", (principal, who, matches) => {
        expect(decide([allow({ Principal: principal })], { principal: who as AccessPrincipal })).toBe(matches ? "allow" : "none");
    });

    it.each([
        [{ AWS: READER_ROLE }, { type: "AWS", id: READER_ROLE }, "allow"],
        [{ AWS: READER_ROLE }, { type: "AWS", id: ACCOUNT }, "deny"],
        [{ AWS: READER_ROLE }, ANONYMOUS, "deny"],
        [{ AWS: ACCOUNT }, { type: "AWS", id: `arn:aws:iam::${ACCOUNT}:root` }, "allow"],
        // NotPrincipal naming everyone matches nobody.
        ["*", ANONYMOUS, "allow"],
        [{ AWS: "*" }, { type: "AWS", id: ACCOUNT }, "allow"],
        // "Everyone but nobody" is everyone.
        [{}, ANONYMOUS, "deny"],
    ])("a Deny with NotPrincipal %j, request principal %j: %s", (notPrincipal, who, decision) => {
        const statements = [allow(), deny({ Principal: undefined, NotPrincipal: notPrincipal })];
        expect(decide(statements, { principal: who as AccessPrincipal })).toBe(decision);
    });

    // "You cannot use a wildcard to match part of a principal name or ARN."
    it.each([[`arn:aws:iam::${ACCOUNT}:role/*`], ["arn:aws:iam::11112222333?:root"]])("refuses the principal id %s", (id) => {
        expect(refused(() => decide([allow({ Principal: { AWS: id } })]))).toBe(`Statement[0]: Principal id ${JSON.stringify(id)} with a wildcard`);
    });

    it.each([
        [{ Principal: undefined }, "Statement[0]: no Principal or NotPrincipal"],
        [{ Principal: ACCOUNT }, 'Statement[0]: Principal that is neither "*" nor an object'],
        [{ Principal: { AWS: [ACCOUNT, 7] } }, "Statement[0]: Principal holds an id that is not a string"],
        [{ NotPrincipal: { AWS: ACCOUNT } }, "Statement[0]: Principal and NotPrincipal together"],
    ])("refuses %j", (overrides, construct) => {
        expect(refused(() => decide([allow(overrides)]))).toBe(construct);
    });
});

describe("Action and NotAction", () => {
    it.each([
        // Action names are not case sensitive.
        ["S3:GetObject", "s3:getobject", true],
        ["s3:getobject", "S3:GETOBJECT", true],
        ["s3:Get*", "s3:getobjectversion", true],
        ["s3:*Object", "s3:putobject", true],
        ["s3:*", "s3:listbucket", true],
        ["*", "sqs:sendmessage", true],
        ["s3:Get?bject", "s3:getobject", true],
        // `?` is exactly one character.
        ["s3:Get?Object", "s3:getobject", false],
        ["s3:GetObject?", "s3:getobject", false],
        ["s3:GetObject", "s3:getobjectacl", false],
        ["s3:Get*", "sqs:getqueueurl", false],
    ])("Action %s, request %s: %s", (pattern, action, matches) => {
        expect(decide([allow({ Action: pattern })], { action })).toBe(matches ? "allow" : "none");
    });

    it("matches a request when any pattern of a list does", () => {
        expect(decide([allow({ Action: ["s3:PutObject", "s3:GetObject"] })])).toBe("allow");
    });

    // NotAction "matches everything except the specified list of actions".
    it.each([
        ["s3:putobject", "deny"],
        ["s3:getobject", "allow"],
        ["s3:GetObjectVersion", "deny"],
    ])("a Deny with NotAction s3:GetObject, request %s: %s", (action, decision) => {
        const statements = [allow({ Action: "s3:*" }), deny({ Action: undefined, NotAction: "s3:GetObject" })];
        expect(decide(statements, { action })).toBe(decision);
    });

    it("refuses a statement without a readable Action", () => {
        expect(refused(() => decide([allow({ Action: undefined })]))).toBe("Statement[0]: no Action or NotAction");
        expect(refused(() => decide([allow({ Action: ["s3:GetObject", null] })]))).toBe("Statement[0]: Action holds a value that is not a string");
        expect(refused(() => decide([allow({ NotAction: "s3:PutObject" })]))).toBe("Statement[0]: Action and NotAction together");
    });
});

describe("Resource and NotResource", () => {
    it.each([
        ["arn:aws:s3:::logs/*", OBJECT, true],
        ["arn:aws:s3:::logs/2024/*.log", OBJECT, true],
        ["arn:aws:s3:::logs/202?/app.log", OBJECT, true],
        // Object keys are case sensitive, and so is the Resource element.
        ["arn:aws:s3:::logs/2024/APP.log", OBJECT, false],
        ["arn:aws:s3:::LOGS/*", OBJECT, false],
        ["arn:aws:s3:::logs", OBJECT, false],
        ["arn:aws:s3:::logs/*", "arn:aws:s3:::logs", false],
        ["arn:aws:s3:::logs*", "arn:aws:s3:::logs-archive/x", true],
    ])("Resource %s, request %s: %s", (pattern, resource, matches) => {
        expect(decide([allow({ Resource: pattern })], { resource })).toBe(matches ? "allow" : "none");
    });

    it.each([
        [OBJECT, "none"],
        ["arn:aws:s3:::logs/secret/key", "deny"],
        ["arn:aws:s3:::logs", "deny"],
    ])("a Deny with NotResource arn:aws:s3:::logs/2024/*, request %s: %s", (resource, decision) => {
        const statements = [deny({ Resource: undefined, NotResource: "arn:aws:s3:::logs/2024/*" })];
        expect(decide(statements, { resource })).toBe(decision);
    });

    const statementWith = (element: string, pattern: string) =>
        modelOf({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", [element]: pattern }] }).statements![0];
    const matchesReading = (element: string, pattern: string, resource: string, over: boolean) =>
        statementMatches(statementWith(element, pattern), request({ resource }), over, "2012-10-17");

    // Wildcards work "within the individual segments of an ARN" (strict), and a `*` ending a segment may expand
    // beyond `:` (permissive). over = true reads Resource permissively; over = false strictly.
    it.each([
        ["arn:aws:s3:::logs/*", "arn:aws:s3:::logs/a:b", true, true],
        ["arn:*:s3:::logs/x", "arn:aws:s3:::logs/x", true, true],
        ["arn:*:s3:::logs/x", "arn:a:b:s3:::logs/x", true, false],
        ["arn:aws:s3*", "arn:aws:s3:::logs/x", true, false],
        ["arn:aws:?3:::logs/x", "arn:aws:s3:::logs/x", true, true],
        ["arn:aws:s3?::logs/x", "arn:aws:s3:::logs/x", true, false],
        ["arn:aws:s3:::logs/?", "arn:aws:s3:::logs/:", true, true],
        ["*", "arn:aws:s3:::logs/a:b", true, true],
        ["arn:aws:s3:::logs", "arn:aws:s3:::logs/x", false, false],
    ])("Resource %s, request %s: permissive %s, strict %s", (pattern, resource, permissive, strict) => {
        expect(matchesReading("Resource", pattern, resource, true)).toBe(permissive);
        expect(matchesReading("Resource", pattern, resource, false)).toBe(strict);
        // NotResource is read the other way round: to match the most, its pattern is read strictly.
        expect(matchesReading("NotResource", pattern, resource, true)).toBe(!strict);
        expect(matchesReading("NotResource", pattern, resource, false)).toBe(!permissive);
    });

    it("refuses a statement without a readable Resource", () => {
        expect(refused(() => decide([allow({ Resource: undefined })]))).toBe("Statement[0]: no Resource or NotResource");
        expect(refused(() => decide([allow({ Resource: [3] })]))).toBe("Statement[0]: Resource holds a value that is not a string");
        expect(refused(() => decide([allow({ NotResource: "arn:aws:s3:::logs" })]))).toBe("Statement[0]: Resource and NotResource together");
    });
});

describe("the widest and the narrowest reading", () => {
    const across = { resource: "arn:a:b:s3:::logs/x" };

    it("reads an Allow's Resource permissively in the widest reading, strictly in the narrowest", () => {
        const statements = [allow({ Resource: "arn:*:s3:::logs/x" })];
        expect(decide(statements, across, "widest")).toBe("allow");
        expect(decide(statements, across)).toBe("allow");
        expect(decide(statements, across, "narrowest")).toBe("none");
    });

    it("reads a Deny's Resource strictly in the widest reading, permissively in the narrowest", () => {
        const statements = [allow({ Resource: "*" }), deny({ Resource: "arn:*:s3:::logs/x" })];
        expect(decide(statements, across, "widest")).toBe("allow");
        expect(decide(statements, across, "narrowest")).toBe("deny");
    });

    it("reads a Deny's NotResource permissively in the widest reading (it then denies the fewest)", () => {
        const statements = [allow({ Resource: "*" }), deny({ Resource: undefined, NotResource: "arn:*:s3:::logs/x" })];
        expect(decide(statements, across, "widest")).toBe("allow");
        expect(decide(statements, across, "narrowest")).toBe("deny");
    });

    it("reads an Allow's NotResource strictly in the widest reading", () => {
        const statements = [allow({ Resource: undefined, NotResource: "arn:*:s3:::logs/x" })];
        expect(decide(statements, across, "widest")).toBe("allow");
        expect(decide(statements, across, "narrowest")).toBe("none");
    });

    it("reads an Allow's ArnLike permissively (case-insensitive) in the widest reading and ArnNotLike strictly", () => {
        const context = { "aws:sourcearn": `arn:aws:iam::${ACCOUNT}:role/Reader` };
        const like = [allow({ Condition: { ArnLike: { "aws:SourceArn": READER_ROLE } } })];
        expect(decide(like, { context }, "widest")).toBe("allow");
        expect(decide(like, { context }, "narrowest")).toBe("none");
        const notLike = [allow({ Condition: { ArnNotLike: { "aws:SourceArn": READER_ROLE } } })];
        expect(decide(notLike, { context }, "widest")).toBe("allow");
        expect(decide(notLike, { context }, "narrowest")).toBe("none");
    });

    it("reads a Deny's ArnEquals strictly in the widest reading", () => {
        const context = { "aws:sourcearn": "arn:aws:sns:us-east-1:a:b:topic" };
        const statements = [allow(), deny({ Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:*:topic" } } })];
        expect(decide(statements, { context }, "widest")).toBe("allow");
        expect(decide(statements, { context }, "narrowest")).toBe("deny");
    });
});

describe("conditions: how pairs combine and absent keys", () => {
    // "If your policy has multiple condition operators or multiple keys … evaluated using a logical AND."
    it("needs every (operator, key) pair to hold", () => {
        const condition = { StringEquals: { "s3:prefix": "public/", "aws:SourceVpc": "vpc-1a2b3c4d" }, Bool: { "aws:SecureTransport": "true" } };
        const all = { "s3:prefix": "public/", "aws:sourcevpc": "vpc-1a2b3c4d", "aws:securetransport": "true" };
        expect(conditionHolds(condition, all)).toBe(true);
        expect(conditionHolds(condition, { ...all, "aws:securetransport": "false" })).toBe(false);
        expect(conditionHolds(condition, { ...all, "aws:sourcevpc": "vpc-other" })).toBe(false);
    });

    // "If a single condition operator includes multiple values for one key … evaluated using a logical OR."
    it("needs one value of a positive pair to match", () => {
        const condition = { StringEquals: { "s3:prefix": ["public/", "shared/"] } };
        expect(conditionHolds(condition, { "s3:prefix": "shared/" })).toBe(true);
        expect(conditionHolds(condition, { "s3:prefix": "private/" })).toBe(false);
    });

    it("needs a negated pair to match none of its values", () => {
        const condition = { StringNotEquals: { "s3:prefix": ["public/", "shared/"] } };
        expect(conditionHolds(condition, { "s3:prefix": "shared/" })).toBe(false);
        expect(conditionHolds(condition, { "s3:prefix": "private/" })).toBe(true);
    });

    it("finds a key by its folded name: key names are not case sensitive", () => {
        expect(conditionHolds({ StringEquals: { "AWS:SourceVpc": "vpc-1a2b3c4d" } }, { "aws:sourcevpc": "vpc-1a2b3c4d" })).toBe(true);
        // The part after a `/` is a tag key, which is.
        expect(conditionHolds({ StringEquals: { "S3:ExistingObjectTag/Team": "ops" } }, { "s3:existingobjecttag/Team": "ops" })).toBe(true);
        expect(conditionHolds({ StringEquals: { "s3:ExistingObjectTag/Team": "ops" } }, { "s3:existingobjecttag/team": "ops" })).toBe(false);
    });

    // "If the key that you specify in a policy condition is not present in the request context, the values do not
    // match"; a negated operator then holds.
    it.each([
        ["StringEquals", false],
        ["StringNotEquals", true],
        ["StringLike", false],
        ["StringNotLike", true],
        ["StringNotEqualsIgnoreCase", true],
        ["NumericEquals", false],
        ["NumericNotEquals", true],
        ["NumericLessThan", false],
        ["DateEquals", false],
        ["DateNotEquals", true],
        ["Bool", false],
        ["IpAddress", false],
        ["NotIpAddress", true],
        ["ArnLike", false],
        ["ArnNotEquals", true],
        ["ArnNotLike", true],
        // "…IfExists: if the key is not present, evaluate the condition element as true."
        ["StringEqualsIfExists", true],
        ["NumericGreaterThanIfExists", true],
        ["BoolIfExists", true],
        ["ArnLikeIfExists", true],
        ["NotIpAddressIfExists", true],
    ])("%s with the key absent holds: %s", (operator, holds) => {
        const value = operator.includes("Ip")
            ? "203.0.113.0/24"
            : operator.startsWith("Date")
              ? "2024-01-01T00:00:00Z"
              : operator.startsWith("Numeric")
                ? "1"
                : "x";
        const absent: AccessContext[] = [{}, { "aws:k": null }, { "aws:k": [] }];
        for (const context of absent) expect(conditionHolds({ [operator]: { "aws:k": value } }, context)).toBe(holds);
    });

    it("evaluates an IfExists pair as usual when the key is present", () => {
        expect(conditionHolds({ StringEqualsIfExists: { "s3:prefix": "public/" } }, { "s3:prefix": "public/" })).toBe(true);
        expect(conditionHolds({ StringEqualsIfExists: { "s3:prefix": "public/" } }, { "s3:prefix": "private/" })).toBe(false);
    });

    it("holds for an empty Condition and for an operator without keys", () => {
        expect(conditionHolds({}, {})).toBe(true);
        expect(conditionHolds({ StringEquals: {} }, {})).toBe(true);
    });
});

describe("conditions: String", () => {
    it.each([
        ["StringEquals", "public/", "public/", true],
        ["StringEquals", "public/", "Public/", false],
        ["StringEquals", "public/*", "public/x", false],
        ["StringNotEquals", "public/", "Public/", true],
        ["StringEqualsIgnoreCase", "public/", "PUBLIC/", true],
        ["StringEqualsIgnoreCase", "public/", "private/", false],
        ["StringNotEqualsIgnoreCase", "public/", "PUBLIC/", false],
        ["StringLike", "public/*", "public/a/b", true],
        ["StringLike", "public/*", "Public/a", false],
        ["StringLike", "home/???/", "home/bob/", true],
        ["StringLike", "home/???/", "home/alice/", false],
        ["StringLike", "*", "", true],
        ["StringNotLike", "public/*", "private/a", true],
        ["StringNotLike", "public/*", "public/a", false],
    ])("%s %j, request %j: %s", (operator, value, requestValue, holds) => {
        expect(conditionHolds({ [operator]: { "s3:prefix": value } }, { "s3:prefix": requestValue })).toBe(holds);
    });
});

describe("conditions: Numeric", () => {
    it.each([
        ["NumericEquals", "1.0", "1", true],
        ["NumericEquals", "1e2", "100", true],
        ["NumericEquals", "-0", "0", true],
        ["NumericEquals", "0.1", "0.10", true],
        ["NumericEquals", "9007199254740992", "9007199254740993", false],
        ["NumericNotEquals", "9007199254740992", "9007199254740993", true],
        ["NumericNotEquals", "10", "10.0", false],
        ["NumericGreaterThan", "9007199254740992", "9007199254740993", true],
        ["NumericGreaterThan", "9007199254740993", "9007199254740992", false],
        ["NumericLessThan", "0.3", "0.29999999999999999", true],
        ["NumericLessThan", "-1", "-2", true],
        ["NumericLessThan", "-2", "-1", false],
        ["NumericLessThan", "1", "-1000", true],
        ["NumericLessThanEquals", "10", "10.000", true],
        ["NumericLessThanEquals", "10", "10.001", false],
        ["NumericGreaterThanEquals", "10", "9.999", false],
        ["NumericGreaterThanEquals", "-0.5", "-0.25", true],
        // Not a decimal: no comparison holds, so the pair is false, and NumericNotEquals true.
        ["NumericEquals", "10", "ten", false],
        ["NumericLessThan", "10", "", false],
        ["NumericNotEquals", "10", "ten", true],
        ["NumericEquals", "ten", "ten", false],
        ["NumericNotEquals", "ten", "10", true],
    ])("%s %j, request %j: %s", (operator, value, requestValue, holds) => {
        expect(conditionHolds({ [operator]: { "s3:max-keys": value } }, { "s3:max-keys": requestValue })).toBe(holds);
    });

    it("reads a JSON number as written (1.0, not JavaScript's 1)", () => {
        const text = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::logs","Condition":{"NumericLessThanEquals":{"s3:max-keys":9007199254740993}}}}`;
        const listing = (maxKeys: string) =>
            evaluatePolicy(modelOf(text), request({ action: "s3:listbucket", resource: "arn:aws:s3:::logs", context: { "s3:max-keys": maxKeys } }));
        expect(listing("9007199254740993")).toBe("allow");
        expect(listing("9007199254740994")).toBe("none");
    });
});

describe("conditions: Date", () => {
    it.each([
        ["DateGreaterThan", "2024-01-01T00:00:00Z", "2024-06-01T12:00:00Z", true],
        ["DateGreaterThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", false],
        ["DateLessThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", true],
        // An integer is epoch seconds; an ISO 8601 date and its epoch seconds are one instant.
        ["DateEquals", "2024-01-01T00:00:00Z", "1704067200", true],
        ["DateEquals", "1704067200", "2024-01-01T01:00:00+01:00", true],
        ["DateEquals", "2024-01-01", "2024-01-01T00:00:00Z", true],
        ["DateEquals", "2024-01-01T00:00:00", "1704067200", true],
        ["DateNotEquals", "2024-01-01T00:00:00Z", "1704067201", true],
        ["DateLessThanEquals", "1704067200", "2024-01-01T00:00:00Z", true],
        ["DateGreaterThanEquals", "1704067200", "2023-12-31T23:59:59.999Z", false],
        // A request value that is not a date compares with nothing.
        ["DateEquals", "2024-01-01T00:00:00Z", "yesterday", false],
        ["DateNotEquals", "2024-01-01T00:00:00Z", "yesterday", true],
    ])("%s %j, request %j: %s", (operator, value, requestValue, holds) => {
        expect(conditionHolds({ [operator]: { "aws:CurrentTime": value } }, { "aws:currenttime": requestValue })).toBe(holds);
    });

    it("refuses a policy date it cannot read", () => {
        expect(refused(() => conditionHolds({ DateLessThan: { "aws:CurrentTime": "next week" } }, {}))).toBe(
            'Statement[0]: Condition operator "DateLessThan": date "next week"',
        );
    });
});

describe("conditions: Bool", () => {
    it.each([
        ["true", "true", true],
        ["true", "TRUE", true],
        ["True", "true", true],
        [true, "true", true],
        ["false", "true", false],
        [false, "false", true],
    ])("Bool %j, request %j: %s", (value, requestValue, holds) => {
        expect(conditionHolds({ Bool: { "aws:SecureTransport": value } }, { "aws:securetransport": requestValue })).toBe(holds);
    });

    it("denies insecure transport and not secure transport", () => {
        const statements = [allow(), deny({ Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } })];
        expect(decide(statements, { context: { "aws:securetransport": "false" } })).toBe("deny");
        expect(decide(statements, { context: { "aws:securetransport": "true" } })).toBe("allow");
        expect(decide(statements)).toBe("allow");
    });
});

describe("conditions: IpAddress and NotIpAddress", () => {
    it.each([
        ["IpAddress", "203.0.113.0/24", "203.0.113.9", true],
        ["IpAddress", "203.0.113.0/24", "203.0.114.9", false],
        ["IpAddress", "203.0.113.9", "203.0.113.9", true],
        ["IpAddress", "203.0.113.9", "203.0.113.10", false],
        ["IpAddress", "0.0.0.0/0", "198.51.100.1", true],
        ["IpAddress", "2001:db8::/32", "2001:DB8:0:1::5", true],
        ["IpAddress", "2001:db8::/32", "2001:db9::1", false],
        ["IpAddress", "2001:db8::1", "2001:db8:0:0:0:0:0:1", true],
        // A v4 request never matches a v6 range, nor the reverse.
        ["IpAddress", "::/0", "203.0.113.9", false],
        ["IpAddress", "0.0.0.0/0", "2001:db8::1", false],
        ["IpAddress", "203.0.113.0/24", "::ffff:203.0.113.9", false],
        ["IpAddress", "203.0.113.0/24", "not an address", false],
        ["NotIpAddress", "203.0.113.0/24", "203.0.113.9", false],
        ["NotIpAddress", "203.0.113.0/24", "198.51.100.1", true],
        ["NotIpAddress", "2001:db8::/32", "203.0.113.9", true],
    ])("%s %s, request %s: %s", (operator, value, requestValue, holds) => {
        expect(conditionHolds({ [operator]: { "aws:SourceIp": value } }, { "aws:sourceip": requestValue })).toBe(holds);
    });

    it("matches any of several ranges of both families", () => {
        const condition = { IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"] } };
        expect(conditionHolds(condition, { "aws:sourceip": "2001:db8::7" })).toBe(true);
        expect(conditionHolds(condition, { "aws:sourceip": "203.0.113.7" })).toBe(true);
        expect(conditionHolds(condition, { "aws:sourceip": "198.51.100.7" })).toBe(false);
    });

    it.each([["203.0.113.0/33"], ["203.0.113"], ["2001:db8::/129"], ["corp-network"], ["203.0.113.0/"]])("refuses the range %s", (range) => {
        expect(refused(() => conditionHolds({ IpAddress: { "aws:SourceIp": range } }, {}))).toBe(
            `Statement[0]: Condition operator "IpAddress": IP range ${JSON.stringify(range)}`,
        );
    });
});

describe("conditions: Arn", () => {
    it.each([
        ["ArnEquals", "arn:aws:sns:*:111122223333:alerts", "arn:aws:sns:us-east-1:111122223333:alerts", true, true],
        ["ArnLike", "arn:aws:sns:*:111122223333:alerts", "arn:aws:sns:us-east-1:111122223333:alerts", true, true],
        ["ArnLike", "arn:aws:sns:*:111122223333:alerts", "arn:aws:sns:us-east-1:x:111122223333:alerts", true, false],
        ["ArnLike", "arn:aws:cloudtrail:*:111122223333:trail/*", "arn:aws:cloudtrail:eu-west-1:111122223333:trail/a:b", true, true],
        // The .NET SDK documents ArnLike as case-insensitive, the IAM guide as case-sensitive.
        ["ArnLike", "arn:aws:sns:us-east-1:111122223333:Alerts", "arn:aws:sns:us-east-1:111122223333:alerts", true, false],
        ["ArnEquals", "*", "arn:aws:sns:us-east-1:111122223333:alerts", true, true],
        ["ArnLike", "arn:aws:sns:us-east-1:111122223333:alerts", "arn:aws:sns:us-east-1:444455556666:alerts", false, false],
        ["ArnNotEquals", "arn:aws:sns:us-east-1:111122223333:alerts", "arn:aws:sns:us-east-1:444455556666:alerts", true, true],
        ["ArnNotLike", "arn:aws:sns:*:111122223333:alerts", "arn:aws:sns:us-east-1:x:111122223333:alerts", false, true],
        ["ArnNotLike", "arn:aws:sns:us-east-1:111122223333:Alerts", "arn:aws:sns:us-east-1:111122223333:alerts", false, true],
    ])("%s %s, request %s: permissive %s, strict %s", (operator, value, requestValue, permissive, strict) => {
        const negated = operator.includes("Not");
        const context = { "aws:sourcearn": requestValue };
        // An Allow is read permissively in the widest reading for a positive operator, strictly for a negated one.
        expect(conditionHolds({ [operator]: { "aws:SourceArn": value } }, context, "widest")).toBe(negated ? strict : permissive);
        expect(conditionHolds({ [operator]: { "aws:SourceArn": value } }, context, "narrowest")).toBe(negated ? permissive : strict);
    });
});

describe("conditions: Null", () => {
    // "Use a Null condition operator to check if a condition key is absent at the time of authorization."
    it.each([
        ["true", {}, true],
        ["true", { "aws:tokenissuetime": null }, true],
        ["true", { "aws:tokenissuetime": "2024-01-01T00:00:00Z" }, false],
        ["false", {}, false],
        ["false", { "aws:tokenissuetime": "2024-01-01T00:00:00Z" }, true],
        ["TRUE", {}, true],
        [true, {}, true],
        ["False", { "aws:tokenissuetime": "2024-01-01T00:00:00Z" }, true],
        [["true", "false"], {}, true],
    ])("Null %j, context %j: %s", (value, context, holds) => {
        expect(conditionHolds({ Null: { "aws:TokenIssueTime": value } }, context as AccessContext)).toBe(holds);
    });

    it.each([
        [{ Null: { "aws:TokenIssueTime": "yes" } }, 'Statement[0]: Condition operator "Null": Null value "yes"'],
        [{ NullIfExists: { "aws:TokenIssueTime": "true" } }, 'Statement[0]: Condition operator "NullIfExists" (Null takes no set qualifier or IfExists)'],
        [{ "ForAnyValue:Null": { "aws:TagKeys": "true" } }, 'Statement[0]: Condition operator "ForAnyValue:Null" (Null takes no set qualifier or IfExists)'],
    ])("refuses %j", (condition, construct) => {
        expect(refused(() => conditionHolds(condition, {}))).toBe(construct);
    });
});

describe("conditions: ForAnyValue and ForAllValues", () => {
    const tags = (value: string | string[] | null | undefined): AccessContext => (value === undefined ? {} : { "aws:tagkeys": value });

    it.each([
        // "ForAnyValue … returns false if there are no context keys in the request or the key resolves to an empty set."
        ["ForAnyValue:StringEquals", undefined, false],
        ["ForAnyValue:StringEquals", null, false],
        ["ForAnyValue:StringEquals", [], false],
        ["ForAnyValue:StringEquals", "team", true],
        ["ForAnyValue:StringEquals", ["team"], true],
        ["ForAnyValue:StringEquals", ["other"], false],
        ["ForAnyValue:StringEquals", ["other", "cost"], true],
        // "ForAllValues … returns true if there are no context keys in the request or the key resolves to an empty set."
        ["ForAllValues:StringEquals", undefined, true],
        ["ForAllValues:StringEquals", [], true],
        ["ForAllValues:StringEquals", "team", true],
        ["ForAllValues:StringEquals", ["team", "cost"], true],
        ["ForAllValues:StringEquals", ["team", "other"], false],
        ["ForAllValues:StringEquals", "other", false],
        // A negated operator: a request value satisfies it when it matches none of the policy's values.
        ["ForAnyValue:StringNotEquals", ["team", "other"], true],
        ["ForAnyValue:StringNotEquals", ["team", "cost"], false],
        ["ForAnyValue:StringNotEquals", undefined, false],
        ["ForAllValues:StringNotEquals", ["other", "more"], true],
        ["ForAllValues:StringNotEquals", ["other", "team"], false],
        ["ForAllValues:StringNotEquals", undefined, true],
        ["ForAnyValue:StringLike", ["x", "team"], true],
        ["ForAllValues:StringEqualsIgnoreCase", ["TEAM", "Cost"], true],
        // IfExists with a set qualifier: an absent key holds.
        ["ForAnyValue:StringEqualsIfExists", undefined, true],
        ["ForAnyValue:StringEqualsIfExists", ["other"], false],
        ["ForAllValues:StringEqualsIfExists", ["other"], false],
    ])("%s [team, cost], request %j: %s", (operator, value, holds) => {
        expect(conditionHolds({ [operator]: { "aws:TagKeys": ["team", "cost"] } }, tags(value))).toBe(holds);
    });

    it("applies the usual per-value test of other families", () => {
        const sources = { "aws:sourceip": ["203.0.113.9", "198.51.100.1"] };
        expect(conditionHolds({ "ForAnyValue:IpAddress": { "aws:SourceIp": "203.0.113.0/24" } }, sources)).toBe(true);
        expect(conditionHolds({ "ForAllValues:IpAddress": { "aws:SourceIp": "203.0.113.0/24" } }, sources)).toBe(false);
        expect(conditionHolds({ "ForAllValues:NumericLessThan": { "aws:k": "10" } }, { "aws:k": ["9.5", "-3"] })).toBe(true);
        expect(conditionHolds({ "ForAllValues:StringLike": { "aws:TagKeys": "te*" } }, { "aws:tagkeys": ["team", "tea"] })).toBe(true);
        expect(conditionHolds({ "ForAllValues:StringLike": { "aws:TagKeys": "te*" } }, { "aws:tagkeys": ["team", "cost"] })).toBe(false);
    });

    it("refuses a list of values for a single-valued operator", () => {
        expect(refused(() => conditionHolds({ StringEquals: { "aws:TagKeys": "team" } }, tags(["team"])))).toBe(
            'Statement[0]: Condition operator "StringEquals": a list of values for "aws:tagkeys" (single-valued operator)',
        );
    });
});

describe("policy variables", () => {
    it.each([
        [{ Resource: "arn:aws:s3:::logs/${aws:username}/*" }, 'Statement[0]: Resource: policy variable "arn:aws:s3:::logs/${aws:username}/*"'],
        [
            { Resource: undefined, NotResource: "arn:aws:s3:::logs/${aws:username}" },
            'Statement[0]: NotResource: policy variable "arn:aws:s3:::logs/${aws:username}"',
        ],
        [
            { Condition: { StringLike: { "s3:prefix": "home/${aws:username}/*" } } },
            'Statement[0]: Condition operator "StringLike", key "s3:prefix": policy variable "home/${aws:username}/*"',
        ],
    ])("with Version 2012-10-17, refuses %j", (overrides, construct) => {
        expect(refused(() => decide([allow(overrides)]))).toBe(construct);
    });

    // "Version 2008-10-17 … policy variables are treated as literal strings."
    it.each([["2008-10-17"], [null]])("with Version %s, reads ${…} as text", (version) => {
        const statements = [allow({ Resource: "arn:aws:s3:::logs/${aws:username}", Condition: { StringEquals: { "s3:prefix": "${aws:username}" } } })];
        const literal = { resource: "arn:aws:s3:::logs/${aws:username}", context: { "s3:prefix": "${aws:username}" } };
        expect(decide(statements, literal, "widest", version)).toBe("allow");
        expect(decide(statements, { ...literal, resource: "arn:aws:s3:::logs/bob" }, "widest", version)).toBe("none");
    });
});

describe("what the evaluator refuses", () => {
    it.each([
        [{ BinaryEquals: { "aws:k": "QmluYXJ5" } }, 'Statement[0]: Condition operator "BinaryEquals" (binary values)'],
        [{ StringEqual: { "s3:prefix": "public/" } }, 'Statement[0]: Condition operator "StringEqual" (unknown operator)'],
        [{ stringequals: { "s3:prefix": "public/" } }, 'Statement[0]: Condition operator "stringequals" (unknown operator)'],
        [{ "ForSomeValues:StringEquals": { "s3:prefix": "public/" } }, 'Statement[0]: Condition operator "ForSomeValues:StringEquals" (unknown set qualifier)'],
        [{ StringEquals: "public/" }, 'Statement[0]: Condition operator "StringEquals" whose block is not an object'],
        [
            { StringEquals: { "s3:prefix": { nested: 1 } } },
            'Statement[0]: Condition operator "StringEquals", key "s3:prefix": a value that is not a string, number or Boolean',
        ],
    ])("the condition %j", (condition, construct) => {
        expect(refused(() => conditionHolds(condition, {}))).toBe(construct);
    });

    it("a Condition that is not an object, and an element IAM does not have", () => {
        expect(refused(() => decide([allow({ Condition: "none" })]))).toBe("Statement[0]: a Condition that is not an object");
        expect(refused(() => decide([allow({ Conditions: {} })]))).toBe('Statement[0]: unknown element "Conditions"');
    });

    it("a construct in a statement that does not match the request", () => {
        const statements = [allow(), allow({ Action: "s3:PutObject", Condition: { BinaryEquals: { "aws:k": "QmluYXJ5" } } })];
        expect(refused(() => decide(statements))).toBe('Statement[1]: Condition operator "BinaryEquals" (binary values)');
    });

    it("is an Error that names the construct", () => {
        const error = new OutsideEvaluator('Statement[1]: Effect "allow"');
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toContain('Statement[1]: Effect "allow"');
    });
});
