/**
 * The one reading of a policy: what the model says each statement means (the facts every rule runs on), and the AWS
 * naming facts it is built from, each coded once.
 */
import { accountOfRootArn, isAccountId, parseArn, s3ArnPrefixLength } from "../../provider/policy/arn";
import { statementKey, statementLabel } from "../../provider/policy/model";
import { modelOf } from "../../provider/policy/read";
import { operatorParts } from "../../provider/policy/rules";

const statementOf = (statement: Record<string, unknown>) => modelOf({ Version: "2012-10-17", Statement: [statement] }).statements![0];
const principalIds = (statement: Record<string, unknown>) =>
    statementOf(statement).principals?.types?.flatMap(({ type, ids }) => ids.items.map((id) => `${type}:${id}`));

describe("a statement's meaning in the model", () => {
    it("reads an account id and its root ARN as one principal, and keeps other types apart", () => {
        expect(principalIds({ Effect: "Allow", Principal: { AWS: ["111122223333", "arn:aws:iam::111122223333:root"] } })).toEqual([
            "AWS:111122223333",
            "AWS:111122223333",
        ]);
        expect(
            principalIds({
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com", CanonicalUser: "79a59df9", Federated: "cognito-identity.amazonaws.com" },
            }),
        ).toEqual(["CanonicalUser:79a59df9", "Federated:cognito-identity.amazonaws.com", "Service:logging.s3.amazonaws.com"]);
        expect(principalIds({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/reader" } })).toEqual([
            "AWS:arn:aws:iam::111122223333:role/reader",
        ]);
    });

    it.each([["*"], [{ AWS: "*" }], [{ AWS: ["111122223333", "*"] }]])("reads %j as everyone", (principal) => {
        expect(statementOf({ Effect: "Allow", Principal: principal }).principals).toMatchObject({ everyone: true, not: false });
    });

    it.each([[{ Service: "*" }], [{ AWS: "111122223333" }], [{ Federated: "*" }]])("does not read %j as everyone", (principal) => {
        expect(statementOf({ Effect: "Allow", Principal: principal }).principals?.everyone).toBe(false);
    });

    it("reads NotPrincipal as everyone but those listed, and a principal of the wrong type as no one it can name", () => {
        expect(statementOf({ Effect: "Deny", NotPrincipal: { AWS: "111122223333" } }).principals).toMatchObject({ not: true, everyone: false });
        expect(statementOf({ Effect: "Allow", Principal: 42 }).principals).toMatchObject({ not: false, types: undefined });
        expect(statementOf({ Effect: "Allow" }).principals).toBeUndefined();
    });

    it("folds actions, keeps resources exact, and says which are Not…", () => {
        const statement = statementOf({ Effect: "Allow", NotAction: ["S3:GetObject", "s3:list*"], Resource: "arn:aws:s3:::Logs/Key" });
        expect(statement.actions).toMatchObject({ not: true, list: { items: ["s3:getobject", "s3:list*"] } });
        expect(statement.resources).toMatchObject({ not: false, list: { items: ["arn:aws:s3:::Logs/Key"] } });
    });

    it("reads the effect exactly: only Allow and Deny are effects", () => {
        expect(statementOf({ Effect: "Deny" }).effect).toBe("Deny");
        expect(statementOf({ Effect: "allow" }).effect).toBeUndefined();
    });

    it("reads each condition as operator parts, a folded key and the values as AWS compares them", () => {
        const conditions = statementOf({
            Effect: "Allow",
            Condition: {
                "ForAnyValue:StringNotEqualsIgnoreCaseIfExists": { "AWS:PrincipalTag/Team": ["Blue", true] },
                NumericLessThan: { "s3:max-keys": 10 },
            },
        }).conditions!;
        expect(conditions.map(({ operator, key }) => ({ parts: operator.parts, name: key?.name, values: key?.values.items }))).toEqual([
            {
                parts: { set: "ForAnyValue", base: "StringNotEqualsIgnoreCase", ifExists: true, family: "String", negated: true },
                name: "aws:principaltag/Team",
                values: ["Blue", "true"],
            },
            { parts: { set: "", base: "NumericLessThan", ifExists: false, family: "Numeric", negated: false }, name: "s3:max-keys", values: ["10"] },
        ]);
    });

    it("marks a condition it cannot read", () => {
        expect(statementOf({ Effect: "Allow", Condition: "x" })).toMatchObject({ conditions: [], conditionUnreadable: true });
        expect(statementOf({ Effect: "Allow", Condition: { Bool: "x" } }).conditions).toMatchObject([{ key: undefined }]);
        expect(statementOf({ Effect: "Allow", Condition: { Bool: { "aws:SecureTransport": [{}] } } }).conditions?.[0].key?.values.unreadable).toBe(true);
    });
});

describe(operatorParts.name, () => {
    it.each([
        ["IpAddress", { set: "", base: "IpAddress", ifExists: false, family: "IpAddress", negated: false }],
        ["NotIpAddressIfExists", { set: "", base: "NotIpAddress", ifExists: true, family: "IpAddress", negated: true }],
        ["ForAllValues:ArnNotLike", { set: "ForAllValues", base: "ArnNotLike", ifExists: false, family: "Arn", negated: true }],
        ["DateGreaterThanEquals", { set: "", base: "DateGreaterThanEquals", ifExists: false, family: "Date", negated: false }],
        ["Null", { set: "", base: "Null", ifExists: false, family: "Null", negated: false }],
        ["stringequals", { set: "", base: "stringequals", ifExists: false, family: undefined, negated: false }],
        ["Foo:StringEquals", { set: "Foo", base: "StringEquals", ifExists: false, family: "String", negated: false }],
    ])("reads %s", (operator, parts) => {
        expect(operatorParts(operator)).toEqual(parts);
    });
});

describe("AWS names", () => {
    it("splits ARNs, colons in the resource included, and refuses what is not one", () => {
        expect(parseArn("arn:aws:s3:::bucket/a:b")).toEqual({ partition: "aws", service: "s3", region: "", account: "", resource: "bucket/a:b" });
        expect(parseArn("arn:aws-cn:iam::111122223333:role/x")).toMatchObject({ partition: "aws-cn", service: "iam", account: "111122223333" });
        for (const text of ["arn:aws:s3::bucket", "arn::s3:::b", "arn:aws::::b", "urn:aws:s3:::b", "*"]) expect(parseArn(text)).toBeUndefined();
    });

    it("knows an account id and an account's root ARN", () => {
        expect([isAccountId("111122223333"), isAccountId("11112222333"), isAccountId("11112222333a")]).toEqual([true, false, false]);
        expect(accountOfRootArn("arn:aws-us-gov:iam::111122223333:root")).toBe("111122223333");
        for (const text of ["arn:aws:iam::111122223333:user/root", "arn:aws:sts::111122223333:root", "arn:aws:iam:us-east-1:111122223333:root"]) {
            expect(accountOfRootArn(text)).toBeUndefined();
        }
    });

    it("finds where an S3 ARN's bucket starts", () => {
        expect(s3ArnPrefixLength("arn:aws:s3:::bucket/key")).toBe("arn:aws:s3:::".length);
        expect(s3ArnPrefixLength("arn:aws:s3:us-east-1::bucket")).toBe(0);
    });

    it("names a statement one way in every message", () => {
        expect(statementLabel({ index: 2, sid: "ReadLogs" })).toBe('Statement[2] (Sid "ReadLogs")');
        expect(statementLabel({ index: 0 })).toBe("Statement[0]");
        expect([statementKey({ index: 2, sid: "ReadLogs" }), statementKey({ index: 3 })]).toEqual(["ReadLogs", "Statement[3]"]);
    });
});
