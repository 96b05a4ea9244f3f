/**
 * analyzePublicAccess: AWS's documented rule ("The meaning of 'public'", S3 User Guide; RULES.md "Public access"), both
 * ways. The shared table (tests/support/publicAccessCases.ts) is also put on RadosGW by tests/s3/publicAccess.s3.test.ts.
 */
import { PolicyParseError, analyzePublicAccess } from "../../provider/policy";
import type { PolicyStatement } from "../../provider/policy";
import { PUBLIC_ACCESS_CASES, casePolicy } from "../support/publicAccessCases";

const BUCKET = "amzn-s3-demo-bucket";
const OBJECTS = `arn:aws:s3:::${BUCKET}/*`;
const doc = (...statements: PolicyStatement[]) => ({ Version: "2012-10-17", Statement: statements });
const anyone = (condition?: PolicyStatement["Condition"], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: OBJECTS,
    ...(condition ? { Condition: condition } : {}),
    ...extra,
});
const isPublic = (...statements: PolicyStatement[]) => analyzePublicAccess(doc(...statements)).isPublic;

describe(`${analyzePublicAccess.name}: the shared table`, () => {
    it.each(PUBLIC_ACCESS_CASES.map((entry) => ({ ...entry, expected: entry.aws.isPublic ? "public" : "not public" })))("$name → $expected", (entry) => {
        const result = analyzePublicAccess(casePolicy(entry, BUCKET));
        expect(result.isPublic).toBe(entry.aws.isPublic);
        expect(result.statements.map((statement) => statement.key)).toEqual(entry.aws.publicKeys);
        if (entry.aws.isPublic) expect(result.statements[0].reasons.join(" | ")).toContain(entry.aws.why);
    });
});

describe(analyzePublicAccess.name, () => {
    it("names each public statement by Sid or position, with its principal first and then each condition's reason", () => {
        const result = analyzePublicAccess(
            doc(
                { Sid: "Fixed", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:GetObject", Resource: OBJECTS },
                anyone({ StringLike: { "aws:SourceVpc": "vpc-*" }, Bool: { "aws:SecureTransport": true } }),
                anyone(undefined, { Sid: "" }),
            ),
        );
        expect(result).toEqual({
            isPublic: true,
            statements: [
                {
                    key: "Statement[1]",
                    index: 1,
                    // Conditions in the model's order (operators sorted), whatever order they were written in.
                    reasons: [
                        'Principal "*": everyone, including anonymous requests',
                        "Bool aws:SecureTransport: not a condition key AWS counts as restricting access",
                        'StringLike aws:SourceVpc "vpc-*": a wildcard is not a fixed value',
                    ],
                },
                {
                    key: "Statement[2]",
                    index: 2,
                    reasons: ['Principal "*": everyone, including anonymous requests', "no Condition restricts it to fixed values"],
                },
            ],
        });
    });

    it("gives the Sid as key and sid", () => {
        expect(analyzePublicAccess(doc(anyone(undefined, { Sid: "Open" }))).statements[0]).toMatchObject({ key: "Open", sid: "Open", index: 0 });
    });

    it("reads text, a single statement object, and a document without statements", () => {
        expect(analyzePublicAccess(JSON.stringify({ Statement: anyone() })).isPublic).toBe(true);
        expect(analyzePublicAccess("{}")).toEqual({ isPublic: false, statements: [] });
        expect(analyzePublicAccess(doc())).toEqual({ isPublic: false, statements: [] });
    });

    it("throws PolicyParseError for what parsePolicy cannot read", () => {
        expect(() => analyzePublicAccess("{")).toThrow(PolicyParseError);
        expect(() => analyzePublicAccess({ Statement: [42] })).toThrow(PolicyParseError);
        expect(() => analyzePublicAccess('{"Statement": [], "Statement": []}')).toThrow(PolicyParseError);
    });

    describe("principals", () => {
        it.each([
            ["an account id", { AWS: "111122223333" }, false],
            ["several fixed ids of every fixed type", { AWS: ["111122223333", "arn:aws:iam::444455556666:user/bob"], Service: "s3.amazonaws.com" }, false],
            ["a CloudFront OAI ARN", { AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL" }, false],
            ['"*" among fixed ids', { AWS: ["111122223333", "*"] }, true],
            ["a wildcard inside an ARN", { AWS: "arn:aws:iam::111122223333:role/*" }, true],
            ["a policy variable", { AWS: "arn:aws:iam::111122223333:user/${aws:username}" }, true],
            ["a wildcard service", { Service: "*.amazonaws.com" }, true],
            ["a SAML provider (Federated)", { Federated: "arn:aws:iam::111122223333:saml-provider/corp" }, true],
            ["a fixed id beside a Federated one", { AWS: "111122223333", Federated: "cognito-identity.amazonaws.com" }, true],
            ["an unknown principal type (Aws)", { Aws: "111122223333" }, true],
            ["an empty map (names no one)", {}, true],
            ["a type with an empty list", { AWS: [] }, true],
            ["a plain string other than *", "111122223333", true],
        ])("%s → public: %s", (_name, principal, expected) => {
            expect(isPublic(anyone(undefined, { Principal: principal as PolicyStatement["Principal"] }))).toBe(expected);
        });

        it("counts a statement without Principal as public (S3 rejects it; the safe answer)", () => {
            expect(analyzePublicAccess(doc({ Effect: "Allow", Action: "s3:GetObject", Resource: OBJECTS })).statements[0].reasons[0]).toMatch(/no Principal/);
        });

        it("NotPrincipal is public even when it lists no one but a fixed account, unless a condition fixes a value", () => {
            const not: PolicyStatement = { Effect: "Allow", NotPrincipal: { AWS: "111122223333" }, Action: "s3:GetObject", Resource: OBJECTS };
            expect(isPublic(not)).toBe(true);
            expect(isPublic({ ...not, Principal: { AWS: "111122223333" } })).toBe(true);
            expect(isPublic({ ...not, Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } })).toBe(false);
        });
    });

    describe("effects and actions", () => {
        it("only an Effect of exactly Deny is skipped; anything else is read as Allow", () => {
            expect(isPublic(anyone(undefined, { Effect: "Deny" }))).toBe(false);
            expect(isPublic(anyone(undefined, { Effect: "deny" as "Deny" }))).toBe(true);
            expect(isPublic(anyone(undefined, { Effect: undefined as unknown as "Allow" }))).toBe(true);
        });

        it.each([["s3:GetBucketLocation"], ["s3:ListBucket"], [["s3:PutObject", "s3:PutObjectAcl"]], ["s3:*"], ["*"], ["s3:Get*"]])(
            "actions play no part: %j with Principal * is public, with a fixed account is not",
            (action) => {
                expect(isPublic(anyone(undefined, { Action: action }))).toBe(true);
                expect(isPublic(anyone(undefined, { Action: action, Principal: { AWS: "111122223333" } }))).toBe(false);
            },
        );

        it("NotAction and NotResource play no part either", () => {
            expect(isPublic(anyone(undefined, { Action: undefined, NotAction: "*" }))).toBe(true);
            expect(isPublic(anyone(undefined, { Resource: undefined, NotResource: OBJECTS }))).toBe(true);
        });
    });

    describe("conditions", () => {
        it.each([
            // [operator, key, value(s), public]
            ["StringEquals", "aws:SourceVpc", "vpc-1", false],
            ["StringEqualsIgnoreCase", "aws:SourceVpc", "VPC-1", false],
            ["StringLike", "aws:SourceVpc", "vpc-1", false],
            ["StringLike", "aws:SourceVpc", "vpc-?", true],
            ["StringEquals", "aws:SourceVpc", "vpc-*", true],
            ["ForAnyValue:StringEquals", "aws:SourceVpc", ["vpc-1", "vpc-2"], false],
            ["ForAnyValue:StringLike", "aws:SourceVpc", ["vpc-1", "vpc-*"], true],
            ["ForAllValues:StringEquals", "aws:SourceVpc", "vpc-1", true],
            ["StringEqualsIfExists", "aws:SourceVpc", "vpc-1", true],
            ["ForAnyValue:StringEqualsIfExists", "aws:SourceVpc", "vpc-1", true],
            ["StringNotEquals", "aws:SourceVpc", "vpc-1", true],
            ["StringNotLike", "aws:SourceVpc", "vpc-1", true],
            ["Null", "aws:SourceVpc", "false", true],
            ["ArnEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic", false],
            ["ArnLike", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:*", true],
            ["ArnEquals", "aws:SourceArn", "arn:aws:sns:*:111122223333:topic", true],
            ["ArnNotEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic", true],
            ["StringEquals", "aws:SourceOwner", "111122223333", false],
            ["StringEquals", "aws:SourceAccount", 111122223333, false],
            ["StringEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:111122223333:key/1234", false],
            ["StringEquals", "aws:userid", "AIDAEXAMPLEUSERID", false],
            ["StringLike", "aws:userid", "AROAEXAMPLEID:*", true],
            ["StringEquals", "aws:PrincipalAccount", "111122223333", false],
            ["StringEquals", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/reader", false],
            ["ArnLike", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/*", true],
            ["ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*", true],
            ["StringEquals", "aws:SourceOrgID", "o-a1b2c3d4e5", true],
            ["StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-west-2:111122223333:accesspoint/*", false],
            ["StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-west-2:*:accesspoint/*", true],
            ["StringLike", "s3:DataAccessPointArn", "arn:aws:s3:*:111122223333:accesspoint/reports", true],
            ["StringEquals", "s3:DataAccessPointAccount", "111122223333", false],
            ["StringEquals", "aws:SourceVpce", "${aws:SourceVpc}", true],
            ["StringEquals", "aws:SourceVpce", [], true],
            ["StringEquals", "aws:SourceVpce", [["vpce-1"]], true],
            ["StringEquals", "aws:SecureTransport", "true", true],
            ["StringEquals", "aws:SourceIp", "203.0.113.7", true],
            ["stringEquals", "aws:SourceVpc", "vpc-1", true],
            ["ForEveryValue:StringEquals", "aws:SourceVpc", "vpc-1", true],
        ])("%s %s %j → public: %s", (operator, key, values, expected) => {
            expect(isPublic(anyone({ [operator]: { [key]: values } } as PolicyStatement["Condition"]))).toBe(expected);
        });

        it.each([
            ["203.0.113.7", false],
            ["203.0.113.0/24", false],
            ["10.0.0.0/8", false],
            ["11.0.0.0/7", true],
            ["0.0.0.0/0", true],
            ["192.168.0.0/16", false],
            ["2001:db8::/32", false],
            ["2001:db8::/31", true],
            ["::/0", true],
            ["2001:db8::1", false],
            ["::ffff:203.0.113.0/120", false],
            ["::ffff:0:0/96", true],
            ["::ffff:0.0.0.0/100", true],
            ["::/64", true],
            ["256.0.0.0/8", true],
            ["203.0.113.0/33", true],
            ["203.0.113.0/", true],
            ["2001:db8:::1/64", true],
            ["not an address", true],
        ])("IpAddress aws:SourceIp %s → public: %s", (range, expected) => {
            expect(isPublic(anyone({ IpAddress: { "aws:SourceIp": range } }))).toBe(expected);
        });

        it("condition keys compare case-insensitively, operators exactly", () => {
            expect(isPublic(anyone({ StringEquals: { "Aws:SourceVPCE": "vpce-1" } }))).toBe(false);
            expect(isPublic(anyone({ StringEquals: { "aws:sourcevpce": "vpce-1" } }))).toBe(false);
            expect(isPublic(anyone({ stringequals: { "aws:SourceVpce": "vpce-1" } }))).toBe(true);
        });

        it("a key written twice in two letter cases under one operator does not count (the docs do not say which wins)", () => {
            expect(isPublic(anyone({ StringEquals: { "aws:SourceVpce": "vpce-1", "AWS:SOURCEVPCE": "vpce-2" } }))).toBe(true);
        });

        it("one fixing condition among others is enough (conditions are ANDed)", () => {
            expect(isPublic(anyone({ Bool: { "aws:SecureTransport": true }, StringEquals: { "s3:prefix": "x", "aws:SourceVpce": "vpce-1" } }))).toBe(false);
        });

        it("a Condition that is empty or not a map restricts nothing", () => {
            expect(isPublic(anyone({}))).toBe(true);
            expect(isPublic(anyone("aws:SourceVpce" as unknown as PolicyStatement["Condition"]))).toBe(true);
            expect(isPublic(anyone({ StringEquals: "vpce-1" } as unknown as PolicyStatement["Condition"]))).toBe(true);
        });

        it("values may be numbers or Booleans as written (quotes are optional)", () => {
            expect(
                analyzePublicAccess(
                    '{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Condition":{"StringEquals":{"aws:SourceAccount":111122223333.0}}}}',
                ).isPublic,
            ).toBe(false);
        });
    });
});
