/**
 * Input validation rules: the lockout check as IAM matches actions and resources, a nesting limit that keeps
 * `check` from overflowing the stack, duplicate JSON keys, malformed AWS principals, and a bucket given as an ARN.
 */
import { bucketNameProblem, checkPolicy, lockoutRisk } from "../../provider/validate";
import { MAX_POLICY_DEPTH, nestingDepth } from "../../provider/policy/json";
import { modelOf } from "../../provider/policy/read";
import { scanJsonText } from "../../provider/policy/scan";

const bucket = "reliability-bucket";
const deny = (extra: Record<string, unknown>) => ({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", ...extra }] });

describe(lockoutRisk.name, () => {
    it.each([
        { name: "s3:* on the bucket", statement: { Action: "s3:*", Resource: `arn:aws:s3:::${bucket}` } },
        { name: "a wildcard inside the action (s3:*BucketPolicy)", statement: { Action: "s3:*BucketPolicy", Resource: `arn:aws:s3:::${bucket}` } },
        { name: "a ? wildcard and another case (S3:?UTBUCKETPOLICY)", statement: { Action: "S3:?UTBUCKETPOLICY", Resource: `arn:aws:s3:::${bucket}` } },
        { name: "NotAction that does not list the policy operations", statement: { NotAction: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}` } },
        { name: "Resource * ", statement: { Action: "s3:PutBucketPolicy", Resource: "*" } },
        { name: "a Resource wildcard that covers the bucket", statement: { Action: "s3:PutBucketPolicy", Resource: "arn:aws:s3:::reliability-*" } },
        { name: "NotResource that names only objects", statement: { Action: "s3:*", NotResource: `arn:aws:s3:::${bucket}/*` } },
        { name: "{AWS: [*]} as the principal", statement: { Principal: { AWS: ["*"] }, Action: "s3:DeleteBucketPolicy", Resource: `arn:aws:s3:::${bucket}` } },
    ])("reports a Deny for everyone with $name", ({ statement }) => {
        expect(lockoutRisk(modelOf(deny(statement)), bucket)).toMatch(/^Statement\[0\] denies s3:\w+BucketPolicy/);
    });

    it.each([
        { name: "objects only (bucket/*)", statement: { Action: "s3:*", Resource: `arn:aws:s3:::${bucket}/*` } },
        { name: "another bucket", statement: { Action: "s3:*", Resource: "arn:aws:s3:::other-bucket" } },
        { name: "NotAction that lists every policy operation", statement: { NotAction: "s3:*BucketPolicy", Resource: `arn:aws:s3:::${bucket}` } },
        { name: "a condition", statement: { Action: "s3:*", Resource: `arn:aws:s3:::${bucket}`, Condition: { Bool: { "aws:SecureTransport": "false" } } } },
        { name: "a named principal", statement: { Principal: { AWS: "111122223333" }, Action: "s3:*", Resource: `arn:aws:s3:::${bucket}` } },
        { name: "object actions only", statement: { Action: ["s3:GetObject", "s3:Put*Object"], Resource: `arn:aws:s3:::${bucket}` } },
    ])("does not report a Deny on $name", ({ statement }) => {
        expect(lockoutRisk(modelOf(deny(statement)), bucket)).toBeUndefined();
    });

    it("assumes the resource covers the bucket when the bucket is not known yet", () => {
        expect(lockoutRisk(modelOf(deny({ Action: "s3:*", Resource: "arn:aws:s3:::x/*" })))).toMatch(/denies/);
    });
});

describe(checkPolicy.name, () => {
    const statement = { Sid: "Read", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` };

    it("refuses a lockout through NotAction unless confirmRemoveSelfBucketAccess is set", () => {
        const lockout = deny({ NotAction: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}` });
        expect(checkPolicy(lockout, { bucket }).failures[0]?.reason).toMatch(/lock every caller out.*confirmRemoveSelfBucketAccess/);
        const confirmed = checkPolicy(lockout, { bucket, confirmRemoveSelfBucketAccess: true });
        expect(confirmed.failures).toEqual([]);
        expect(confirmed.lockout).toMatch(/denies s3:PutBucketPolicy/);
    });

    it("accepts a Deny for everyone on the bucket's objects without confirmation (it cannot lock out the policy)", () => {
        expect(checkPolicy(deny({ Action: "s3:*", Resource: `arn:aws:s3:::${bucket}/*` }), { bucket })).toEqual({
            policy: expect.any(String),
            failures: [],
            lockout: undefined,
        });
    });

    it.each([
        { name: "an object input", build: (inner: unknown) => ({ Statement: [{ ...statement, Condition: { StringEquals: { "aws:x": inner } } }] }) },
        { name: "JSON text", build: (inner: unknown) => JSON.stringify({ Statement: [{ ...statement, Condition: { StringEquals: { "aws:x": inner } } }] }) },
    ])("refuses nesting far deeper than a policy allows in $name, instead of overflowing the stack", ({ build }) => {
        let inner: unknown = "x";
        for (let i = 0; i < 20_000; i++) inner = { a: inner };
        let text: string | undefined;
        try {
            text = build(inner) as string;
        } catch {
            // JSON.stringify itself recurses: use hand-made text for the JSON case.
            text = JSON.stringify({ Statement: [{ ...statement, Condition: { StringEquals: { "aws:x": "@" } } }] }).replace(
                '"@"',
                '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000),
            );
        }
        const result = checkPolicy(text, { bucket });
        expect(result.failures).toEqual([{ property: "", reason: expect.stringMatching(new RegExp(`nests more than ${MAX_POLICY_DEPTH} levels`)) }]);
    });

    it("refuses duplicate keys in JSON text, naming the key and where it is", () => {
        const text = `{"Statement":[{"Sid":"Read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Action":"s3:PutObject","Resource":"arn:aws:s3:::${bucket}/*"}]}`;
        expect(checkPolicy(text, { bucket }).failures).toEqual([{ property: "", reason: expect.stringContaining('"Action" in Statement[0] twice') }]);
    });

    it.each(["bob", "11112222333", "alice@example.com", " 111122223333", "user/bob"])(
        "refuses the AWS principal %j (AWS: Invalid principal, which would be retried)",
        (principal) => {
            const result = checkPolicy({ Statement: [{ ...statement, Principal: { AWS: principal } }] }, { bucket });
            expect(result.failures).toEqual([
                { property: "", reason: expect.stringMatching(/Principal\.AWS .* is not "\*", a 12-digit account id or an ARN/) },
            ]);
        },
    );

    it.each([
        "*",
        "111122223333",
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam:::user/bob",
        "arn:aws:iam::t2:user/carol",
        "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE",
        "arn:aws:sts::111122223333:assumed-role/reader/session",
        "AROAEXAMPLEID1234567",
    ])("accepts the AWS principal %j", (principal) => {
        // "*" is public: accepted with the opt-in (the refusal without it is tested in provider.check.test.ts).
        expect(checkPolicy({ Statement: [{ ...statement, Principal: { AWS: principal } }] }, { bucket, allowPublicAccess: true }).failures).toEqual([]);
    });
});

describe(`${scanJsonText.name}: duplicate keys`, () => {
    it.each([
        { text: '{"a":1,"a":2}', found: '"a" at the top level' },
        { text: '{"Statement":[{"x":1},{"Sid":"s","Sid":"t"}]}', found: '"Sid" in Statement[1]' },
        { text: '{"C":{"StringEquals":{"k":"a\\"b","k":"c"}}}', found: '"k" in C.StringEquals' },
        { text: '{"a":"{\\"a\\":1,\\"a\\":2}"}', found: undefined },
        { text: '{"a":{"b":1},"b":{"a":1},"c":[{"a":1},{"a":2}]}', found: undefined },
    ])("finds $found in $text", ({ text, found }) => {
        expect(scanJsonText(text).duplicateKey).toBe(found);
    });
});

describe(nestingDepth.name, () => {
    it("counts without recursion and stops past the limit", () => {
        expect(nestingDepth("x")).toBe(0);
        expect(nestingDepth({ a: [1, { b: 2 }] })).toBe(3);
        let deep: unknown = 1;
        for (let i = 0; i < 100_000; i++) deep = [deep];
        expect(nestingDepth(deep, 10)).toBe(11);
    });
});

describe(bucketNameProblem.name, () => {
    it.each(["arn:aws:s3:::my-bucket", "s3://my-bucket/prefix", "https://my-bucket/x"])("says to give the name alone for %j", (name) => {
        expect(bucketNameProblem(name)).toBe('is an ARN or URL; give the bucket\'s name alone ("my-bucket")');
    });

    it.each([
        ["a current AWS name", "my-bucket.example"],
        ["a legacy us-east-1 name with capitals and underscores (before March 2018)", "My_Legacy.Bucket"],
        ["a legacy name of 255 characters", "b".repeat(255)],
        ["a name shorter than AWS allows today (another server may)", "ab"],
        ["a name AWS reserves today (xn--), left to S3", "xn--bucket"],
        ["an IP-address form, left to S3", "192.168.5.4"],
        ["a leading hyphen, left to S3", "-bucket"],
        ["two adjacent dots, left to S3", "a..b"],
    ])("accepts %s: %j", (_, name) => {
        expect(bucketNameProblem(name)).toBeUndefined();
    });

    it.each([
        ["256 characters", "b".repeat(256), "must be at most 255 characters long, got 256"],
        ["a space", "my bucket", 'may contain only letters, digits, dots, hyphens and underscores, got " " at position 3'],
        ["a slash", "my/bucket", 'may contain only letters, digits, dots, hyphens and underscores, got "/" at position 3'],
        ["a non-ASCII letter", "bäd-bucket", 'may contain only letters, digits, dots, hyphens and underscores, got "ä" at position 2'],
        ["a question mark", "bucket?", 'may contain only letters, digits, dots, hyphens and underscores, got "?" at position 7'],
    ])("refuses what can never be a bucket name, %s", (_, name, reason) => {
        expect(bucketNameProblem(name)).toBe(reason);
    });
});
