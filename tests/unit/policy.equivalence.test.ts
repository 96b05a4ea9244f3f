/**
 * The equivalence rules (provider/policy/RULES.md), each in both directions: what must compare equal, and the nearest
 * change that must not.
 */
import { canonicalizePolicy, policiesEquivalent } from "../../provider/policy";

type Json = Record<string, unknown>;

const ROLE = "arn:aws:iam::111122223333:role/reader";
const OBJECTS = "arn:aws:s3:::example-bucket/*";
const BUCKET = "arn:aws:s3:::example-bucket";
const base: Json = { Sid: "Read", Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:GetObject", Resource: OBJECTS };

/** The base statement with some elements replaced (`undefined` removes one). */
const st = (patch: Json = {}): Json => JSON.parse(JSON.stringify({ ...base, ...patch }));
const doc = (...statements: Json[]): Json => ({ Version: "2012-10-17", Statement: statements });
const one = (patch: Json = {}): Json => doc(st(patch));
const cond = (condition: Json): Json => one({ Condition: condition });
/** A policy as JSON text whose one condition value is `literal` as written (a number literal, or a quoted string). */
const numericText = (operator: string, literal: string): string =>
    JSON.stringify(one({ Condition: { [operator]: { "s3:max-keys": "@@" } } })).replace('"@@"', literal);

interface Row {
    name: string;
    a: string | Json;
    b: string | Json;
    equivalent: boolean;
}

const rows: Row[] = [
    // Statement order and shape
    {
        name: "statement order does not matter",
        a: doc(st(), st({ Sid: "List", Action: "s3:ListBucket", Resource: BUCKET })),
        b: doc(st({ Sid: "List", Action: "s3:ListBucket", Resource: BUCKET }), st()),
        equivalent: true,
    },
    {
        name: "a statement that differs is a change even when the others only moved",
        a: doc(st(), st({ Sid: "List", Action: "s3:ListBucket" })),
        b: doc(st({ Sid: "List", Action: "s3:ListObjects" }), st()),
        equivalent: false,
    },
    { name: "a single statement object equals a one-element array", a: { Version: "2012-10-17", Statement: st() }, b: one(), equivalent: true },
    {
        name: "a single statement object does not equal an array with another statement",
        a: { Version: "2012-10-17", Statement: st() },
        b: doc(st(), st({ Sid: "Other" })),
        equivalent: false,
    },
    { name: "an exact duplicate statement collapses (evaluation is a union of statements)", a: doc(st(), st()), b: one(), equivalent: true },
    { name: "duplicates that differ after normalization stay apart", a: doc(st(), st({ Sid: "Read2" })), b: one(), equivalent: false },
    {
        name: "statements are never merged, even when their union would grant the same",
        a: doc(st({ Sid: undefined }), st({ Sid: undefined, Action: "s3:PutObject" })),
        b: one({ Sid: undefined, Action: ["s3:GetObject", "s3:PutObject"] }),
        equivalent: false,
    },
    {
        name: "an absent Statement and an empty list are not the same document",
        a: { Version: "2012-10-17" },
        b: { Version: "2012-10-17", Statement: [] },
        equivalent: false,
    },

    // Lists: order, duplicates, single values
    {
        name: "Action order does not matter",
        a: one({ Action: ["s3:GetObject", "s3:PutObject"] }),
        b: one({ Action: ["s3:PutObject", "s3:GetObject"] }),
        equivalent: true,
    },
    { name: "an added action is a change", a: one({ Action: ["s3:GetObject"] }), b: one({ Action: ["s3:GetObject", "s3:PutObject"] }), equivalent: false },
    {
        name: "NotAction order and duplicates do not matter",
        a: one({ Action: undefined, NotAction: ["s3:DeleteObject", "s3:PutObject", "s3:DeleteObject"] }),
        b: one({ Action: undefined, NotAction: ["s3:PutObject", "s3:DeleteObject"] }),
        equivalent: true,
    },
    {
        name: "Action and NotAction with the same list are different",
        a: one({ Action: "s3:DeleteObject" }),
        b: one({ Action: undefined, NotAction: "s3:DeleteObject" }),
        equivalent: false,
    },
    {
        name: "Resource order and duplicates do not matter",
        a: one({ Resource: [OBJECTS, BUCKET, OBJECTS] }),
        b: one({ Resource: [BUCKET, OBJECTS] }),
        equivalent: true,
    },
    { name: "a removed resource is a change", a: one({ Resource: [OBJECTS, BUCKET] }), b: one({ Resource: [OBJECTS] }), equivalent: false },
    {
        name: "NotResource order does not matter",
        a: one({ Resource: undefined, NotResource: [OBJECTS, BUCKET] }),
        b: one({ Resource: undefined, NotResource: [BUCKET, OBJECTS] }),
        equivalent: true,
    },
    { name: "Resource and NotResource are different", a: one({ Resource: OBJECTS }), b: one({ Resource: undefined, NotResource: OBJECTS }), equivalent: false },
    { name: "a single action equals a one-element list", a: one({ Action: "s3:GetObject" }), b: one({ Action: ["s3:GetObject"] }), equivalent: true },
    {
        name: "a single action does not equal a two-element list",
        a: one({ Action: "s3:GetObject" }),
        b: one({ Action: ["s3:GetObject", "s3:GetObjectVersion"] }),
        equivalent: false,
    },
    { name: "a single resource equals a one-element list", a: one({ Resource: OBJECTS }), b: one({ Resource: [OBJECTS] }), equivalent: true },
    {
        name: "principal list order and duplicates do not matter",
        a: one({ Principal: { AWS: [ROLE, "arn:aws:iam::444455556666:root", ROLE] } }),
        b: one({ Principal: { AWS: ["arn:aws:iam::444455556666:root", ROLE] } }),
        equivalent: true,
    },
    {
        name: "a single principal equals a one-element list",
        a: one({ Principal: { Service: "cloudfront.amazonaws.com" } }),
        b: one({ Principal: { Service: ["cloudfront.amazonaws.com"] } }),
        equivalent: true,
    },
    {
        name: "an added principal is a change",
        a: one({ Principal: { AWS: ROLE } }),
        b: one({ Principal: { AWS: [ROLE, "arn:aws:iam::444455556666:root"] } }),
        equivalent: false,
    },
    {
        name: "condition value order and duplicates do not matter",
        a: cond({ IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24", "192.0.2.0/24"] } }),
        b: cond({ IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "192.0.2.0/24"] } }),
        equivalent: true,
    },
    {
        name: "a single condition value equals a one-element list",
        a: cond({ StringEquals: { "aws:SourceVpc": "vpc-1a2b3c4d" } }),
        b: cond({ StringEquals: { "aws:SourceVpc": ["vpc-1a2b3c4d"] } }),
        equivalent: true,
    },
    {
        name: "an added condition value is a change",
        a: cond({ StringEquals: { "aws:SourceVpc": "vpc-1a2b3c4d" } }),
        b: cond({ StringEquals: { "aws:SourceVpc": ["vpc-1a2b3c4d", "vpc-9f8e7d6c"] } }),
        equivalent: false,
    },

    // Key order and white space
    {
        name: "key order and white space never matter",
        a:
            '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"' +
            ROLE +
            '"},"Action":"s3:GetObject","Resource":"' +
            OBJECTS +
            '"}]}',
        b:
            '\n{ "Statement" : [ {\n\t"Resource" : "' +
            OBJECTS +
            '" , "Action":"s3:GetObject",\r\n "Principal": { "AWS" : "' +
            ROLE +
            '" }, "Effect":"Allow", "Sid":"Read" } ],\n  "Version" : "2012-10-17" }\n',
        equivalent: true,
    },
    { name: "a JSON text and the same document as an object are equivalent", a: JSON.stringify(one(), null, 2), b: one(), equivalent: true },
    { name: "white space inside a value is part of the value", a: one({ Action: "s3:GetObject" }), b: one({ Action: " s3:GetObject" }), equivalent: false },

    // Actions
    { name: "action names compare case-insensitively", a: one({ Action: "s3:GetObject" }), b: one({ Action: "s3:getobject" }), equivalent: true },
    { name: "service prefixes compare case-insensitively", a: one({ Action: "s3:GetObject" }), b: one({ Action: "S3:GETOBJECT" }), equivalent: true },
    {
        name: "different action names are different, whatever their case",
        a: one({ Action: "s3:GetObject" }),
        b: one({ Action: "S3:GetObjectAcl" }),
        equivalent: false,
    },
    { name: "an action wildcard is not expanded", a: one({ Action: "s3:Get*" }), b: one({ Action: "s3:GetObject" }), equivalent: false },
    {
        name: "case-insensitive duplicates collapse",
        a: one({ Action: ["s3:GetObject", "S3:getObject"] }),
        b: one({ Action: "s3:GetObject" }),
        equivalent: true,
    },

    // Effect
    {
        name: "Effect casing folds (only Allow and Deny are valid; upstream vectors agree)",
        a: one({ Effect: "Allow" }),
        b: one({ Effect: "allow" }),
        equivalent: true,
    },
    { name: "Allow and Deny are different", a: one({ Effect: "Allow" }), b: one({ Effect: "Deny" }), equivalent: false },
    { name: "an Effect that is neither Allow nor Deny is kept as written", a: one({ Effect: "Allow" }), b: one({ Effect: "Permit" }), equivalent: false },

    // Principals
    { name: 'Principal "*" equals {"AWS": "*"}', a: one({ Principal: "*" }), b: one({ Principal: { AWS: "*" } }), equivalent: true },
    { name: 'Principal "*" equals {"AWS": ["*"]}', a: one({ Principal: "*" }), b: one({ Principal: { AWS: ["*"] } }), equivalent: true },
    {
        name: 'NotPrincipal "*" equals {"AWS": "*"}',
        a: one({ Principal: undefined, NotPrincipal: "*" }),
        b: one({ Principal: undefined, NotPrincipal: { AWS: "*" } }),
        equivalent: true,
    },
    { name: 'Principal "*" does not equal {"Service": "*"}', a: one({ Principal: "*" }), b: one({ Principal: { Service: "*" } }), equivalent: false },
    { name: 'Principal "*" does not equal a specific account', a: one({ Principal: "*" }), b: one({ Principal: { AWS: "111122223333" } }), equivalent: false },
    {
        name: "Principal and NotPrincipal with the same value are different",
        a: one({ Principal: "*" }),
        b: one({ Principal: undefined, NotPrincipal: "*" }),
        equivalent: false,
    },
    {
        name: "a 12-digit account id equals its root ARN",
        a: one({ Principal: { AWS: "111122223333" } }),
        b: one({ Principal: { AWS: "arn:aws:iam::111122223333:root" } }),
        equivalent: true,
    },
    {
        name: "a 12-digit account id equals its root ARN in another partition (the policy's own)",
        a: one({ Principal: { AWS: ["111122223333"] } }),
        b: one({ Principal: { AWS: "arn:aws-cn:iam::111122223333:root" } }),
        equivalent: true,
    },
    {
        name: "an account id does not equal another account's root ARN",
        a: one({ Principal: { AWS: "111122223333" } }),
        b: one({ Principal: { AWS: "arn:aws:iam::444455556666:root" } }),
        equivalent: false,
    },
    {
        name: "an account id does not equal a user of that account",
        a: one({ Principal: { AWS: "111122223333" } }),
        b: one({ Principal: { AWS: "arn:aws:iam::111122223333:user/root" } }),
        equivalent: false,
    },
    {
        name: "the account-root rule applies to AWS principals only",
        a: one({ Principal: { Service: "111122223333" } }),
        b: one({ Principal: { Service: "arn:aws:iam::111122223333:root" } }),
        equivalent: false,
    },
    {
        name: "an 11-digit id is not an account id",
        a: one({ Principal: { AWS: "11112222333" } }),
        b: one({ Principal: { AWS: "arn:aws:iam::11112222333:root" } }),
        equivalent: false,
    },
    {
        name: "principal ARNs are case-sensitive",
        a: one({ Principal: { AWS: "arn:aws:iam::111122223333:role/Reader" } }),
        b: one({ Principal: { AWS: "arn:aws:iam::111122223333:role/reader" } }),
        equivalent: false,
    },
    {
        name: "service principals are case-sensitive",
        a: one({ Principal: { Service: "cloudfront.amazonaws.com" } }),
        b: one({ Principal: { Service: "CloudFront.amazonaws.com" } }),
        equivalent: false,
    },
    {
        name: "principal type order does not matter",
        a: one({ Principal: { AWS: ROLE, Service: "cloudfront.amazonaws.com" } }),
        b: one({ Principal: { Service: "cloudfront.amazonaws.com", AWS: ROLE } }),
        equivalent: true,
    },
    {
        name: "principal type keys are case-sensitive (the grammar lists exact names)",
        a: one({ Principal: { AWS: ROLE } }),
        b: one({ Principal: { aws: ROLE } }),
        equivalent: false,
    },
    {
        name: "the same id under another principal type is different",
        a: one({ Principal: { AWS: "arn:aws:iam::111122223333:oidc-provider/example.com" } }),
        b: one({ Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/example.com" } }),
        equivalent: false,
    },
    {
        name: "a principal type with an empty list names nobody and is dropped",
        a: one({ Principal: { AWS: ROLE, Service: [] } }),
        b: one({ Principal: { AWS: ROLE } }),
        equivalent: true,
    },
    { name: "an empty Principal equals no Principal (upstream vectors)", a: one({ Principal: {} }), b: one({ Principal: undefined }), equivalent: true },
    {
        name: "an empty NotPrincipal does not equal no NotPrincipal",
        a: one({ Principal: undefined, NotPrincipal: {} }),
        b: one({ Principal: undefined }),
        equivalent: false,
    },

    // Conditions
    {
        name: "condition operator order does not matter",
        a: cond({ Bool: { "aws:SecureTransport": "true" }, IpAddress: { "aws:SourceIp": "192.0.2.0/24" } }),
        b: cond({ IpAddress: { "aws:SourceIp": "192.0.2.0/24" }, Bool: { "aws:SecureTransport": "true" } }),
        equivalent: true,
    },
    {
        name: "condition operators are exact: IAM rejects stringEquals as an invalid condition type",
        a: cond({ StringEquals: { "aws:SourceVpc": "vpc-1" } }),
        b: cond({ stringequals: { "aws:SourceVpc": "vpc-1" } }),
        equivalent: false,
    },
    {
        name: "a different condition operator is a change",
        a: cond({ StringEquals: { "aws:SourceVpc": "vpc-1" } }),
        b: cond({ StringLike: { "aws:SourceVpc": "vpc-1" } }),
        equivalent: false,
    },
    {
        name: "condition keys compare case-insensitively",
        a: cond({ IpAddress: { "aws:SourceIp": "192.0.2.0/24" } }),
        b: cond({ IpAddress: { "AWS:SOURCEIP": "192.0.2.0/24" } }),
        equivalent: true,
    },
    {
        name: "a tag-key suffix compares exactly: s3:ExistingObjectTag/Env is not s3:ExistingObjectTag/env",
        a: cond({ StringEquals: { "s3:ExistingObjectTag/Env": "prod" } }),
        b: cond({ StringEquals: { "s3:ExistingObjectTag/env": "prod" } }),
        equivalent: false,
    },
    {
        name: "the name before the tag-key suffix still folds: S3:EXISTINGOBJECTTAG/Env = s3:ExistingObjectTag/Env",
        a: cond({ StringEquals: { "s3:ExistingObjectTag/Env": "prod" } }),
        b: cond({ StringEquals: { "S3:EXISTINGOBJECTTAG/Env": "prod" } }),
        equivalent: true,
    },
    {
        name: "aws:RequestTag/, aws:ResourceTag/ and aws:PrincipalTag/ suffixes compare exactly",
        a: cond({ StringEquals: { "aws:RequestTag/Team": "a", "aws:ResourceTag/Team": "a", "aws:PrincipalTag/Team": "a" } }),
        b: cond({ StringEquals: { "aws:RequestTag/team": "a", "aws:ResourceTag/Team": "a", "aws:PrincipalTag/Team": "a" } }),
        equivalent: false,
    },
    {
        name: "only the first / splits: a suffix with its own / compares exactly, the prefix folds",
        a: cond({ StringEquals: { "AWS:PrincipalTag/Cost/Center": "1" } }),
        b: cond({ StringEquals: { "aws:principaltag/Cost/Center": "1" } }),
        equivalent: true,
    },
    {
        name: "different condition keys are different",
        a: cond({ StringEquals: { "aws:SourceVpc": "vpc-1" } }),
        b: cond({ StringEquals: { "aws:SourceVpce": "vpc-1" } }),
        equivalent: false,
    },
    {
        name: "keys that differ only in case but hold different values are both kept",
        a: cond({ StringEquals: { "aws:SourceVpc": "vpc-1", "AWS:SOURCEVPC": "vpc-2" } }),
        b: cond({ StringEquals: { "aws:SourceVpc": "vpc-1" } }),
        equivalent: false,
    },
    {
        name: "keys that differ only in case and hold the same values collapse",
        a: cond({ StringEquals: { "aws:SourceVpc": "vpc-1", "AWS:SOURCEVPC": ["vpc-1"] } }),
        b: cond({ StringEquals: { "aws:sourcevpc": "vpc-1" } }),
        equivalent: true,
    },
    {
        name: "condition key order does not matter",
        a: cond({ StringEquals: { "aws:SourceVpc": "vpc-1", "s3:x-amz-acl": "private" } }),
        b: cond({ StringEquals: { "s3:x-amz-acl": "private", "aws:SourceVpc": "vpc-1" } }),
        equivalent: true,
    },
    {
        name: "a Boolean condition value equals its string",
        a: cond({ Bool: { "aws:SecureTransport": true } }),
        b: cond({ Bool: { "aws:SecureTransport": "true" } }),
        equivalent: true,
    },
    {
        name: "true and false are different",
        a: cond({ Bool: { "aws:SecureTransport": true } }),
        b: cond({ Bool: { "aws:SecureTransport": "false" } }),
        equivalent: false,
    },
    {
        name: "a numeric condition value equals its string",
        a: cond({ NumericLessThan: { "s3:max-keys": 10 } }),
        b: cond({ NumericLessThan: { "s3:max-keys": "10" } }),
        equivalent: true,
    },
    {
        name: "integers beyond 2^53 stay distinct: NumericEquals 9007199254740993 is not 9007199254740992",
        a: numericText("NumericEquals", "9007199254740993"),
        b: numericText("NumericEquals", "9007199254740992"),
        equivalent: false,
    },
    {
        name: "1.0 equals 1 under a Numeric operator",
        a: numericText("NumericLessThan", "1.0"),
        b: numericText("NumericLessThan", "1"),
        equivalent: true,
    },
    {
        name: "1.0 is not 1 under a String operator (its text differs)",
        a: numericText("StringEquals", "1.0"),
        b: numericText("StringEquals", "1"),
        equivalent: false,
    },
    {
        name: 'an unquoted 1.0 equals a quoted "1.0" (quotes are optional)',
        a: numericText("StringEquals", "1.0"),
        b: numericText("StringEquals", '"1.0"'),
        equivalent: true,
    },
    {
        name: "exponents: 1e2 = 100 = 1.00E+2 under a Numeric operator",
        a: numericText("NumericGreaterThan", "1e2"),
        b: numericText("NumericGreaterThan", '"1.00E+2"'),
        equivalent: true,
    },
    {
        name: "exponents: 1e2 is not 100 under a String operator",
        a: numericText("StringEquals", "1e2"),
        b: numericText("StringEquals", "100"),
        equivalent: false,
    },
    {
        name: "-0 equals 0 under a Numeric operator",
        a: numericText("ForAnyValue:NumericEqualsIfExists", "-0"),
        b: numericText("ForAnyValue:NumericEqualsIfExists", "0"),
        equivalent: true,
    },
    {
        name: "-0 is not 0 under a String operator",
        a: numericText("StringEquals", "-0"),
        b: numericText("StringEquals", "0"),
        equivalent: false,
    },
    {
        name: "decimals that one double cannot tell apart stay distinct: 0.1000000000000000055511151231257827 is not 0.1",
        a: numericText("NumericLessThan", "0.1000000000000000055511151231257827"),
        b: numericText("NumericLessThan", "0.1"),
        equivalent: false,
    },
    {
        name: "a number does not equal a differently written string",
        a: cond({ NumericLessThan: { "s3:max-keys": 10 } }),
        b: cond({ NumericLessThan: { "s3:max-keys": "010" } }),
        equivalent: false,
    },
    {
        name: "condition values keep their case under StringEquals",
        a: cond({ StringEquals: { "aws:username": "johndoe" } }),
        b: cond({ StringEquals: { "aws:username": "JohnDoe" } }),
        equivalent: false,
    },
    {
        name: "condition values fold case under StringEqualsIgnoreCase",
        a: cond({ StringEqualsIgnoreCase: { "aws:username": "johndoe" } }),
        b: cond({ StringEqualsIgnoreCase: { "aws:username": "JohnDoe" } }),
        equivalent: true,
    },
    {
        name: "condition values fold case under ForAnyValue:StringNotEqualsIgnoreCaseIfExists",
        a: cond({ "ForAnyValue:StringNotEqualsIgnoreCaseIfExists": { "aws:TagKeys": ["Owner"] } }),
        b: cond({ "ForAnyValue:StringNotEqualsIgnoreCaseIfExists": { "aws:TagKeys": "owner" } }),
        equivalent: true,
    },
    {
        name: "case folding under IgnoreCase does not make different values equal",
        a: cond({ StringEqualsIgnoreCase: { "aws:username": "johndoe" } }),
        b: cond({ StringEqualsIgnoreCase: { "aws:username": "janedoe" } }),
        equivalent: false,
    },
    { name: "an empty Condition is kept (no rule makes it the same as none)", a: cond({}), b: one(), equivalent: false },

    // Document elements
    { name: "the same Version is equal", a: { Version: "2012-10-17", Statement: [st()] }, b: { Statement: st(), Version: "2012-10-17" }, equivalent: true },
    { name: "an absent Version is not 2012-10-17 (policy variables need 2012-10-17)", a: { Statement: [st()] }, b: one(), equivalent: false },
    { name: "2008-10-17 is not 2012-10-17", a: { Version: "2008-10-17", Statement: [st()] }, b: one(), equivalent: false },
    { name: "the same Id is equal", a: { ...one(), Id: "PolicyId" }, b: { Id: "PolicyId", ...one() }, equivalent: true },
    { name: "a different Id is a change", a: { ...one(), Id: "PolicyId" }, b: { ...one(), Id: "OtherId" }, equivalent: false },
    { name: "an empty Id equals no Id", a: { ...one(), Id: "" }, b: one(), equivalent: true },
    { name: "a different Sid is a change", a: one({ Sid: "Read" }), b: one({ Sid: "ReadObjects" }), equivalent: false },
    { name: "Sids are case-sensitive", a: one({ Sid: "Read" }), b: one({ Sid: "read" }), equivalent: false },
    { name: 'an empty Sid equals no Sid (Terraform\'s documents write Sid "")', a: one({ Sid: "" }), b: one({ Sid: undefined }), equivalent: true },
    { name: "a Sid is not the same as no Sid", a: one({ Sid: "Read" }), b: one({ Sid: undefined }), equivalent: false },

    // Resources
    {
        name: "resource ARNs are case-sensitive (S3 keys are)",
        a: one({ Resource: "arn:aws:s3:::example-bucket/Reports/*" }),
        b: one({ Resource: "arn:aws:s3:::example-bucket/reports/*" }),
        equivalent: false,
    },
    { name: "resource ARNs are not trimmed", a: one({ Resource: OBJECTS }), b: one({ Resource: OBJECTS + " " }), equivalent: false },
    {
        name: "a resource wildcard is not expanded",
        a: one({ Resource: "arn:aws:s3:::example-bucket/*" }),
        b: one({ Resource: "arn:aws:s3:::example-bucket/a" }),
        equivalent: false,
    },

    // Unknown elements are kept, compared as JSON
    {
        name: "unknown elements compare as JSON (key order ignored)",
        a: one({ Extra: { b: 1, a: [1, 2] } }),
        b: one({ Extra: { a: [1, 2], b: 1 } }),
        equivalent: true,
    },
    { name: "a changed unknown element is a change", a: one({ Extra: { a: [1, 2] } }), b: one({ Extra: { a: [2, 1] } }), equivalent: false },
    { name: "an element of the wrong type is compared as written, not coerced", a: one({ Resource: 42 }), b: one({ Resource: "42" }), equivalent: false },
    // Values that are not plain JSON: an element written alike on both sides is only skipped when it is plain JSON.
    {
        name: "a program's Date is compared as its JSON text (toJSON)",
        a: one({ Extra: new Date(0) }),
        b: one({ Extra: "1970-01-01T00:00:00.000Z" }),
        equivalent: true,
    },
    { name: "two Dates with the same own keys but different times differ", a: one({ Extra: new Date(0) }), b: one({ Extra: new Date(1) }), equivalent: false },
    {
        name: "a key set to undefined in a program's object is absent",
        a: one({ Extra: { a: 1, b: undefined } }),
        b: one({ Extra: { a: 1 } }),
        equivalent: true,
    },
    {
        name: "NumericEquals -0 is 0 (the number kept as written)",
        a: numericText("NumericEquals", "-0"),
        b: numericText("NumericEquals", "0"),
        equivalent: true,
    },
    { name: "StringEquals -0 is not 0", a: numericText("StringEquals", "-0"), b: numericText("StringEquals", "0"), equivalent: false },
    {
        name: "statements paired by Sid: the same Sids with one changed statement differ",
        a: doc(st({ Sid: "A" }), st({ Sid: "B" })),
        b: doc(st({ Sid: "B" }), st({ Sid: "A", Action: "s3:PutObject" })),
        equivalent: false,
    },
    {
        name: "statements paired by Sid: reordered, re-spelled statements are the same",
        a: doc(st({ Sid: "A" }), st({ Sid: "B", Action: ["s3:GetObject", "s3:PutObject"] })),
        b: doc(st({ Sid: "B", Action: ["S3:PutObject", "s3:getobject"] }), st({ Sid: "A" })),
        equivalent: true,
    },
    {
        name: "statements paired by Sid: a renamed Sid differs",
        a: doc(st({ Sid: "A" }), st({ Sid: "B" })),
        b: doc(st({ Sid: "A" }), st({ Sid: "C" })),
        equivalent: false,
    },
    {
        name: "an empty Sid on one side only is the same as none",
        a: doc(st({ Sid: "" }), st({ Sid: "B" })),
        b: doc(st({ Sid: undefined }), st({ Sid: "B" })),
        equivalent: true,
    },
];

describe(policiesEquivalent.name, () => {
    it.each(rows)("$name", ({ a, b, equivalent }) => {
        expect(policiesEquivalent(a, b)).toBe(equivalent);
        expect(policiesEquivalent(b, a)).toBe(equivalent);
    });

    it.each(rows)("canonical text of each side is a fixed point: $name", ({ a, b }) => {
        for (const side of [a, b]) {
            const canonical = canonicalizePolicy(side);
            expect(canonicalizePolicy(canonical)).toBe(canonical);
            expect(policiesEquivalent(canonical, side)).toBe(true);
        }
    });
});
