/**
 * The table of `analyzePublicAccess` cases, shared by the unit test (tests/unit/policy.publicAccess.test.ts: the AWS
 * answer) and the differential test on RadosGW (tests/s3/publicAccess.s3.test.ts: GetBucketPolicyStatus and
 * BlockPublicPolicy). Each case builds its policy for a bucket, so that its Resource names the bucket it is put on.
 *
 * `aws` is the answer of AWS's documented rule (S3 User Guide, "The meaning of 'public'"; RULES.md, "Public access").
 * `radosgw` is what RadosGW 16.2 was observed to do: agree, answer the other way (`differs`, with why), or refuse to
 * store the policy (`refused`, with the error). AWS's documentation is the rule; RadosGW is evidence.
 */
import type { PolicyStatement } from "../../provider/policy";

/** What RadosGW does with a case's policy. */
export type RadosgwAnswer =
    | { kind: "agrees" }
    /** GetBucketPolicyStatus says the opposite of `aws.isPublic`. */
    | { kind: "differs"; why: string }
    /** PutBucketPolicy fails with this error name. */
    | { kind: "refused"; error: string; why: string };

export interface PublicAccessCase {
    name: string;
    statements: (bucket: string) => PolicyStatement[];
    aws: {
        isPublic: boolean;
        /** The keys of the statements named public, in document order. */
        publicKeys: string[];
        /** A fragment of the first public statement's reasons, or of the doc's reason for "not public". */
        why: string;
    };
    radosgw: RadosgwAnswer;
}

const ACCOUNT = "111122223333";
const objects = (bucket: string) => `arn:aws:s3:::${bucket}/*`;
const read = (bucket: string, extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
    Sid: "Read",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: objects(bucket),
    ...extra,
});
const publicAws = (why: string) => ({ isPublic: true, publicKeys: ["Read"], why });
const privateAws = (why: string) => ({ isPublic: false, publicKeys: [], why });
const agrees: RadosgwAnswer = { kind: "agrees" };
/** RadosGW judges a `*` statement by evaluating its conditions against a fixed request from 1.1.1.1 with no other keys. */
const missingKey: RadosgwAnswer = {
    kind: "differs",
    why: "RadosGW evaluates the conditions against a sample request that has only aws:SourceIp 1.1.1.1; an absent key fails the condition, so it says not public",
};
/** RadosGW calls every Allow statement without a `*` principal public unless it has `NotPrincipal: "*"`. */
const fixedPrincipal: RadosgwAnswer = {
    kind: "differs",
    why: 'RadosGW counts any Allow statement whose principal is not "*" as public (its IsPublicStatement returns true when NotPrincipal holds no wildcard)',
};

/** RadosGW 16.2 stores Service and CanonicalUser principals without supporting them, and calls the statement public. */
const serviceOrCanonical: RadosgwAnswer = {
    kind: "differs",
    why: 'RadosGW 16.2 does not support Service or CanonicalUser principals but stores the policy without refusing it, and says public, as for any Allow whose principal is not "*"',
};

export const PUBLIC_ACCESS_CASES: PublicAccessCase[] = [
    // Public: the principal is everyone and nothing fixes it.
    { name: 'Principal "*", s3:GetObject', statements: (b) => [read(b)], aws: publicAws('Principal "*"'), radosgw: agrees },
    { name: 'Principal {"AWS": "*"}', statements: (b) => [read(b, { Principal: { AWS: "*" } })], aws: publicAws('{"AWS": "*"}'), radosgw: agrees },
    {
        name: "NotPrincipal (Allow everyone but one account)",
        statements: (b) => [
            { Sid: "Read", Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "s3:GetObject", Resource: objects(b) },
        ],
        aws: publicAws("NotPrincipal"),
        radosgw: agrees,
    },
    {
        name: 'NotAction with Principal "*"',
        statements: (b) => [{ Sid: "Read", Effect: "Allow", Principal: "*", NotAction: "s3:DeleteObject", Resource: objects(b) }],
        aws: publicAws('Principal "*"'),
        radosgw: agrees,
    },
    { name: 'Action "s3:*"', statements: (b) => [read(b, { Action: "s3:*" })], aws: publicAws('Principal "*"'), radosgw: agrees },
    { name: 'Action "*"', statements: (b) => [read(b, { Action: "*" })], aws: publicAws('Principal "*"'), radosgw: agrees },
    { name: 'Action "s3:Get*"', statements: (b) => [read(b, { Action: "s3:Get*" })], aws: publicAws('Principal "*"'), radosgw: agrees },
    {
        name: "aws:SourceIp 0.0.0.0/0",
        statements: (b) => [read(b, { Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } } })],
        aws: publicAws("broader than /8"),
        radosgw: agrees,
    },
    {
        name: "aws:SourceIp 0.0.0.0/1 (the doc's example of a broad range)",
        statements: (b) => [read(b, { Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/1" } } })],
        aws: publicAws("broader than /8"),
        radosgw: agrees,
    },
    {
        name: "aws:SourceIp ::/0",
        statements: (b) => [read(b, { Condition: { IpAddress: { "aws:SourceIp": "::/0" } } })],
        aws: publicAws("broader than /32 (IPv6)"),
        radosgw: agrees,
    },
    {
        name: "aws:SourceIp 2001:db8::/31 (broader than /32)",
        statements: (b) => [read(b, { Condition: { IpAddress: { "aws:SourceIp": "2001:db8::/31" } } })],
        aws: publicAws("broader than /32 (IPv6)"),
        radosgw: {
            kind: "differs",
            why: "RadosGW tests the range against its sample address 1.1.1.1, which an IPv6 range holds only when its prefix is /0 (::/0 agrees), so it says not public",
        },
    },
    {
        name: "aws:SourceIp: one narrow and one broad range",
        statements: (b) => [read(b, { Condition: { IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "0.0.0.0/0"] } } })],
        aws: publicAws('"0.0.0.0/0": broader than /8'),
        radosgw: agrees,
    },
    {
        name: "NotIpAddress aws:SourceIp",
        statements: (b) => [read(b, { Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } } })],
        aws: publicAws("NotIpAddress does not limit"),
        radosgw: agrees,
    },
    {
        name: 'StringLike aws:SourceVpc "vpc-*" (the doc\'s example)',
        statements: (b) => [read(b, { Condition: { StringLike: { "aws:SourceVpc": "vpc-*" } } })],
        aws: publicAws("a wildcard is not a fixed value"),
        radosgw: missingKey,
    },
    {
        name: "ArnLike aws:SourceArn with a wildcard",
        statements: (b) => [read(b, { Condition: { ArnLike: { "aws:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/*` } } })],
        aws: publicAws("a wildcard is not a fixed value"),
        radosgw: missingKey,
    },
    {
        name: "StringEqualsIfExists aws:SourceVpc",
        statements: (b) => [read(b, { Condition: { StringEqualsIfExists: { "aws:SourceVpc": "vpc-91237329" } } })],
        aws: publicAws("IfExists is true when the key is absent"),
        radosgw: agrees,
    },
    {
        name: "ForAllValues:StringEquals aws:SourceVpc",
        statements: (b) => [read(b, { Condition: { "ForAllValues:StringEquals": { "aws:SourceVpc": "vpc-91237329" } } })],
        aws: publicAws("ForAllValues is true when the key is absent"),
        radosgw: agrees,
    },
    {
        name: "StringNotEquals aws:SourceVpc",
        statements: (b) => [read(b, { Condition: { StringNotEquals: { "aws:SourceVpc": "vpc-91237329" } } })],
        aws: publicAws("StringNotEquals does not limit"),
        radosgw: missingKey,
    },
    {
        name: "aws:SecureTransport only",
        statements: (b) => [read(b, { Condition: { Bool: { "aws:SecureTransport": "true" } } })],
        aws: publicAws("aws:SecureTransport: not a condition key AWS counts"),
        radosgw: missingKey,
    },
    {
        name: "a fixed value of a key AWS does not list (s3:prefix)",
        statements: (b) => [read(b, { Action: "s3:ListBucket", Resource: `arn:aws:s3:::${b}`, Condition: { StringEquals: { "s3:prefix": "home/" } } })],
        aws: publicAws("s3:prefix: not a condition key AWS counts"),
        radosgw: missingKey,
    },
    {
        name: "a policy variable in aws:SourceVpce",
        statements: (b) => [read(b, { Condition: { StringEquals: { "aws:SourceVpce": "${aws:username}" } } })],
        aws: publicAws("a policy variable is not a fixed value"),
        radosgw: missingKey,
    },
    {
        name: 'aws:userid "AROLEID:*" (the pattern AWS excludes)',
        statements: (b) => [read(b, { Condition: { StringLike: { "aws:userid": "AROAEXAMPLEID:*" } } })],
        aws: publicAws("a wildcard is not a fixed value"),
        radosgw: missingKey,
    },
    {
        name: "miscased operator (stringequals)",
        statements: (b) => [read(b, { Condition: { stringequals: { "aws:SourceVpc": "vpc-91237329" } } })],
        aws: publicAws("stringequals does not limit"),
        radosgw: { kind: "refused", error: "InvalidArgument", why: "RadosGW knows operators by their exact spelling, as IAM does" },
    },
    {
        name: "Federated principal (the doc's example)",
        statements: (b) => [{ Sid: "Read", Effect: "Allow", Principal: { Federated: "graph.facebook.com" }, Action: "s3:PutObject", Resource: objects(b) }],
        aws: publicAws("Federated"),
        radosgw: agrees,
    },
    {
        name: "three statements, only the second public",
        statements: (b) => [
            { Sid: "AccountRead", Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "s3:GetObject", Resource: objects(b) },
            read(b, { Sid: "PublicRead" }),
            { Sid: "DenyHttp", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: objects(b), Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
        aws: { isPublic: true, publicKeys: ["PublicRead"], why: 'Principal "*"' },
        radosgw: agrees,
    },

    // Not public: fixed principals, or a fixed value of a listed key, or no Allow at all.
    {
        name: "account id principal",
        statements: (b) => [read(b, { Principal: { AWS: ACCOUNT } })],
        aws: privateAws("an AWS principal is a fixed value"),
        radosgw: fixedPrincipal,
    },
    {
        name: "account root ARN principal",
        statements: (b) => [read(b, { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })],
        aws: privateAws("an AWS principal is a fixed value"),
        radosgw: fixedPrincipal,
    },
    {
        name: "role ARN principal",
        statements: (b) => [read(b, { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/reader` } })],
        aws: privateAws("an AWS principal is a fixed value"),
        radosgw: fixedPrincipal,
    },
    {
        name: "service principal without a condition",
        statements: (b) => [read(b, { Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:PutObject" })],
        aws: privateAws("a service principal is a fixed value"),
        radosgw: serviceOrCanonical,
    },
    {
        name: "service principal with aws:SourceArn",
        statements: (b) => [
            read(b, {
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:PutObject",
                Condition: { StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main` } },
            }),
        ],
        aws: privateAws("a service principal is a fixed value"),
        radosgw: serviceOrCanonical,
    },
    {
        name: "service principal with aws:SourceAccount",
        statements: (b) => [
            read(b, {
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
            }),
        ],
        aws: privateAws("a service principal is a fixed value"),
        radosgw: serviceOrCanonical,
    },
    {
        name: "canonical user principal",
        statements: (b) => [read(b, { Principal: { CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" } })],
        aws: privateAws("a canonical user id is a fixed value"),
        radosgw: serviceOrCanonical,
    },
    {
        name: "aws:SourceIp 203.0.113.0/24",
        statements: (b) => [read(b, { Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } })],
        aws: privateAws("a CIDR no broader than /8"),
        radosgw: agrees,
    },
    {
        name: "aws:SourceIp 10.0.0.0/8 (exactly /8)",
        statements: (b) => [read(b, { Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } })],
        aws: privateAws("a CIDR no broader than /8"),
        radosgw: agrees,
    },
    {
        name: "aws:SourceIp 1.0.0.0/8 (exactly /8, holding 1.1.1.1)",
        statements: (b) => [read(b, { Condition: { IpAddress: { "aws:SourceIp": "1.0.0.0/8" } } })],
        aws: privateAws("a CIDR no broader than /8"),
        radosgw: { kind: "differs", why: "RadosGW's sample request comes from 1.1.1.1, which this range holds, so it says public" },
    },
    {
        name: "aws:SourceIp 2001:db8::/32 (exactly /32)",
        statements: (b) => [read(b, { Condition: { IpAddress: { "aws:SourceIp": "2001:db8::/32" } } })],
        aws: privateAws("a CIDR no broader than /32"),
        radosgw: agrees,
    },
    {
        name: "StringEquals aws:SourceVpc (the doc's fixed example)",
        statements: (b) => [read(b, { Action: "s3:PutObject", Condition: { StringEquals: { "aws:SourceVpc": "vpc-91237329" } } })],
        aws: privateAws("aws:SourceVpc fixed"),
        radosgw: agrees,
    },
    {
        name: "StringEquals aws:SourceVpce",
        statements: (b) => [read(b, { Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } })],
        aws: privateAws("aws:SourceVpce fixed"),
        radosgw: agrees,
    },
    {
        name: "ForAnyValue:StringEquals aws:SourceVpc",
        statements: (b) => [read(b, { Condition: { "ForAnyValue:StringEquals": { "aws:SourceVpc": ["vpc-91237329", "vpc-1a2b3c4d"] } } })],
        aws: privateAws("ForAnyValue is false when the key is absent"),
        radosgw: agrees,
    },
    {
        name: "StringLike aws:SourceVpc without a wildcard",
        statements: (b) => [read(b, { Condition: { StringLike: { "aws:SourceVpc": "vpc-91237329" } } })],
        aws: privateAws("a value without a wildcard is fixed"),
        radosgw: agrees,
    },
    {
        name: "ArnEquals aws:SourceArn, fixed",
        statements: (b) => [read(b, { Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/EDFDVBD6EXAMPLE` } } })],
        aws: privateAws("aws:SourceArn fixed"),
        radosgw: agrees,
    },
    {
        name: "aws:PrincipalOrgID",
        statements: (b) => [read(b, { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } })],
        aws: privateAws("aws:PrincipalOrgID is the doc's example"),
        radosgw: agrees,
    },
    {
        name: "aws:SourceAccount with Principal *",
        statements: (b) => [read(b, { Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } })],
        aws: privateAws("aws:SourceAccount fixed"),
        radosgw: agrees,
    },
    {
        name: "condition key in another letter case (AWS:SOURCEVPC)",
        statements: (b) => [read(b, { Condition: { StringEquals: { "AWS:SOURCEVPC": "vpc-91237329" } } })],
        aws: privateAws("condition keys are case-insensitive"),
        radosgw: agrees,
    },
    {
        name: "s3:DataAccessPointArn with a wildcard access point name",
        statements: (b) => [read(b, { Condition: { StringLike: { "s3:DataAccessPointArn": `arn:aws:s3:us-west-2:${ACCOUNT}:accesspoint/*` } } })],
        aws: privateAws("a wildcard access point name with a fixed account"),
        radosgw: agrees,
    },
    {
        name: "s3:DataAccessPointAccount",
        statements: (b) => [read(b, { Condition: { StringEquals: { "s3:DataAccessPointAccount": ACCOUNT } } })],
        aws: privateAws("s3:DataAccessPointAccount fixed"),
        radosgw: agrees,
    },
    {
        name: "aws:SecureTransport and a fixed aws:SourceVpce",
        statements: (b) => [read(b, { Condition: { Bool: { "aws:SecureTransport": "true" }, StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } })],
        aws: privateAws("conditions are ANDed: the fixed one restricts"),
        radosgw: agrees,
    },
    {
        name: 'Deny statements only, Principal "*"',
        statements: (b) => [
            { Sid: "DenyHttp", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: objects(b), Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
        aws: privateAws("a Deny grants nothing"),
        radosgw: agrees,
    },
];

/** The policy document of a case for `bucket`. */
export function casePolicy(entry: PublicAccessCase, bucket: string) {
    return { Version: "2012-10-17" as const, Statement: entry.statements(bucket) };
}
