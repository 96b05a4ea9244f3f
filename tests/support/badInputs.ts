/**
 * The bad-input table: inputs a user can get wrong (the policy's JSON, its elements, its size and depth, the bucket,
 * the owner, every other input's type and range), each with the input its check failure is about and a pattern its
 * reason must match ({@link expectedFailure}: a failure about the policy names no property, its reason names it).
 * tests/unit/provider.badInput.test.ts runs the whole table through `BucketPolicyProvider.check`;
 * tests/host/badInput.host.test.ts runs a few rows through the real dynamic-provider host over gRPC.
 */
/** Resource inputs, as the engine sends them. */
type Props = Record<string, unknown>;

export const BUCKET = "bad-input-bucket";
const OBJECTS = `arn:aws:s3:::${BUCKET}/*`;
export const GOOD_STATEMENT = { Sid: "Read", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:GetObject", Resource: OBJECTS };

/** A valid document with the first statement changed (keys set to `undefined` are removed). */
export function withStatement(change: Record<string, unknown>, more: unknown[] = []): Record<string, unknown> {
    const statement: Record<string, unknown> = { ...GOOD_STATEMENT, ...change };
    for (const key of Object.keys(statement)) if (statement[key] === undefined) delete statement[key];
    return { Version: "2012-10-17", Statement: [statement, ...more] };
}

export function deepObject(depth: number): unknown {
    let value: unknown = "x";
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
}

export interface BadInput {
    name: string;
    /** Changes to a valid set of inputs; `undefined` removes the input. */
    change: Props;
    /** The input the failure is about: the failure's `property`, except `policy` (see {@link expectedFailure}). */
    property: string;
    reason: RegExp;
}

/**
 * The check failure a row must produce. One about `policy` names no property and starts its reason with `policy`:
 * the engine prints a property's whole value before the reason (provider/validate/index.ts, POLICY_FAILURE_PROPERTY).
 */
export function expectedFailure({ property, reason }: BadInput): { property: string; reason: string } {
    return { property: property === "policy" ? "" : property, reason: expect.stringMatching(reason) as string };
}

/** The input a check failure is about: its property, or the policy for one that names none. */
export function inputOf(failure: { property: string }): string {
    return failure.property || "policy";
}

export const BAD_INPUTS: BadInput[] = [
    // The policy document: JSON
    {
        name: "policy: invalid JSON",
        change: { policy: "{not json" },
        property: "policy",
        reason: /^policy is not a valid policy document: it is not valid JSON: .*\(line 1, column 2\)$/,
    },
    {
        name: "policy: truncated JSON",
        change: { policy: '{"Version": "2012-10-17", "Statement": [' },
        property: "policy",
        reason: /not valid JSON: .*the text ends at line 1/,
    },
    {
        name: "policy: text after the JSON",
        change: { policy: `${JSON.stringify(withStatement({}))} trailing` },
        property: "policy",
        reason: /not valid JSON: Unexpected non-whitespace character after JSON/,
    },
    { name: "policy: a JSON array", change: { policy: "[]" }, property: "policy", reason: /a policy document must be a JSON object .*got an array/ },
    { name: "policy: JSON null", change: { policy: "null" }, property: "policy", reason: /must be a JSON object .*got null/ },
    { name: "policy: a JSON string", change: { policy: '"s3:GetObject"' }, property: "policy", reason: /must be a JSON object .*got a string/ },
    {
        name: "policy: the same key twice in JSON text",
        change: { policy: JSON.stringify(withStatement({})).replace('"Effect":"Allow"', '"Effect":"Allow","Effect":"Deny"') },
        property: "policy",
        reason: /the key "Effect" in Statement\[0\] twice/,
    },
    // The policy input's type
    { name: "policy: missing", change: { policy: undefined }, property: "policy", reason: /^policy is required/ },
    { name: "policy: empty string", change: { policy: "" }, property: "policy", reason: /^policy is required/ },
    { name: "policy: a number", change: { policy: 42 }, property: "policy", reason: /^policy must be a JSON string or an object, got a number \(42\)$/ },
    { name: "policy: a boolean", change: { policy: true }, property: "policy", reason: /^policy must be a JSON string or an object, got a boolean \(true\)$/ },
    {
        name: "policy: a list of statements instead of a document",
        change: { policy: [GOOD_STATEMENT] },
        property: "policy",
        reason: /^policy must be a JSON string or an object, got an array$/,
    },
    // Document elements
    { name: "policy: empty document", change: { policy: {} }, property: "policy", reason: /^policy Statement is required$/ },
    {
        name: "policy: empty Statement list",
        change: { policy: { Version: "2012-10-17", Statement: [] } },
        property: "policy",
        reason: /^policy Statement must contain at least one statement$/,
    },
    {
        name: "policy: Statement is a string",
        change: { policy: { Statement: "allow all" } },
        property: "policy",
        reason: /Statement must be a statement object or an array of statement objects, got a string/,
    },
    {
        name: "policy: a statement is null",
        change: { policy: { Statement: [null] } },
        property: "policy",
        reason: /Statement\[0\]: a statement must be a JSON object, got null/,
    },
    {
        name: "policy: misspelt top-level element",
        change: { policy: { Version: "2012-10-17", Statements: [GOOD_STATEMENT], Statement: [GOOD_STATEMENT] } },
        property: "policy",
        reason: /unknown top-level element "Statements"/,
    },
    {
        name: "policy: unknown Version",
        change: { policy: { ...withStatement({}), Version: "2099-01-01" } },
        property: "policy",
        reason: /Version must be "2012-10-17" .*got a string \("2099-01-01"\)/,
    },
    {
        name: "policy: Version as a number",
        change: { policy: { ...withStatement({}), Version: 2012 } },
        property: "policy",
        reason: /Version must be .*got a number \(2012\)/,
    },
    {
        name: "policy: Id as a number",
        change: { policy: { ...withStatement({}), Id: 7 } },
        property: "policy",
        reason: /Id must be a string, got a number \(7\)/,
    },
    // Statement elements
    {
        name: "statement: Effect missing",
        change: { policy: withStatement({ Effect: undefined }) },
        property: "policy",
        reason: /Statement\[0\] \(Sid "Read"\): Effect must be "Allow" or "Deny", got nothing/,
    },
    {
        name: "statement: Effect in lowercase",
        change: { policy: withStatement({ Effect: "allow" }) },
        property: "policy",
        reason: /Effect must be "Allow" or "Deny", got a string \("allow"\)/,
    },
    {
        name: "statement: Effect not a word AWS knows",
        change: { policy: withStatement({ Effect: "Maybe" }) },
        property: "policy",
        reason: /Effect must be "Allow" or "Deny", got a string \("Maybe"\)/,
    },
    {
        name: "statement: Action missing",
        change: { policy: withStatement({ Action: undefined }) },
        property: "policy",
        reason: /Statement\[0\] \(Sid "Read"\): must have Action or NotAction/,
    },
    {
        name: "statement: Resource missing",
        change: { policy: withStatement({ Resource: undefined }) },
        property: "policy",
        reason: /must have Resource or NotResource/,
    },
    {
        name: "statement: Principal missing",
        change: { policy: withStatement({ Principal: undefined }) },
        property: "policy",
        reason: /must have Principal or NotPrincipal/,
    },
    {
        name: "statement: both Principal and NotPrincipal",
        change: { policy: withStatement({ NotPrincipal: { AWS: "111122223333" } }) },
        property: "policy",
        reason: /has both Principal and NotPrincipal; use exactly one/,
    },
    {
        name: "statement: both Action and NotAction",
        change: { policy: withStatement({ NotAction: "s3:PutObject" }) },
        property: "policy",
        reason: /has both Action and NotAction/,
    },
    {
        name: "statement: both Resource and NotResource",
        change: { policy: withStatement({ NotResource: OBJECTS }) },
        property: "policy",
        reason: /has both Resource and NotResource/,
    },
    {
        name: "statement: duplicate Sids",
        change: { policy: withStatement({}, [{ ...GOOD_STATEMENT, Action: "s3:GetObjectTagging" }]) },
        property: "policy",
        reason: /Statement\[1\]: Sid "Read" is already used by Statement\[0\]; Sids must be unique/,
    },
    {
        name: "statement: Sid as a number",
        change: { policy: withStatement({ Sid: 1 }) },
        property: "policy",
        reason: /Statement\[0\]: Sid must be a string, got a number \(1\)/,
    },
    {
        name: "statement: misspelt element",
        change: { policy: withStatement({ Actions: "s3:GetObject" }) },
        property: "policy",
        reason: /unknown element "Actions" \(allowed: Sid, Effect/,
    },
    {
        name: "statement: Resource for another bucket",
        change: { policy: withStatement({ Resource: "arn:aws:s3:::someone-elses-bucket/*" }) },
        property: "policy",
        reason: /Resource "arn:aws:s3:::someone-elses-bucket\/\*" does not name bucket "bad-input-bucket"/,
    },
    {
        name: "statement: Resource is not an ARN",
        change: { policy: withStatement({ Resource: `${BUCKET}/*` }) },
        property: "policy",
        reason: /Resource "bad-input-bucket\/\*" is not an S3 ARN/,
    },
    {
        name: "statement: Resource as a number",
        change: { policy: withStatement({ Resource: 5 }) },
        property: "policy",
        reason: /each Resource must be a non-empty string, got a number \(5\)/,
    },
    {
        name: "statement: Resource with unicode naming another bucket",
        change: { policy: withStatement({ Resource: "arn:aws:s3:::bäd-input-bucket/*" }) },
        property: "policy",
        reason: /does not name bucket "bad-input-bucket"/,
    },
    {
        name: "statement: Action of another service",
        change: { policy: withStatement({ Action: "ec2:RunInstances" }) },
        property: "policy",
        reason: /Action "ec2:RunInstances" is not an S3 action/,
    },
    {
        name: "statement: Action with unicode",
        change: { policy: withStatement({ Action: "s3:GetÖbject" }) },
        property: "policy",
        reason: /Action "s3:GetÖbject" is not an S3 action/,
    },
    {
        name: "statement: Action an empty list",
        change: { policy: withStatement({ Action: [] }) },
        property: "policy",
        reason: /Action must not be an empty array/,
    },
    {
        name: "statement: Action an object",
        change: { policy: withStatement({ Action: { s3: "GetObject" } }) },
        property: "policy",
        reason: /each Action must be a non-empty string, got an object/,
    },
    {
        name: "statement: Principal of an unknown type",
        change: { policy: withStatement({ Principal: { Foo: "x" } }) },
        property: "policy",
        reason: /Principal type "Foo" is not one of AWS, Service, Federated, CanonicalUser/,
    },
    {
        name: "statement: Principal as a list",
        change: { policy: withStatement({ Principal: ["*"] }) },
        property: "policy",
        reason: /Principal must be "\*" or an object .*got an array/,
    },
    {
        name: "statement: Principal with no principals",
        change: { policy: withStatement({ Principal: {} }) },
        property: "policy",
        reason: /Principal must name at least one principal/,
    },
    {
        name: "statement: AWS principal that is no account or ARN",
        change: { policy: withStatement({ Principal: { AWS: "bob" } }) },
        property: "policy",
        reason: /Principal\.AWS "bob" is not "\*", a 12-digit account id or an ARN/,
    },
    {
        name: "statement: AWS principal of 11 digits",
        change: { policy: withStatement({ Principal: { AWS: "11112222333" } }) },
        property: "policy",
        reason: /Principal\.AWS "11112222333" is not/,
    },
    {
        name: "statement: Condition not an object",
        change: { policy: withStatement({ Condition: "aws:SecureTransport" }) },
        property: "policy",
        reason: /Condition must be an object of operators, got a string \("aws:SecureTransport"\)/,
    },
    {
        name: "statement: Condition operator block a string",
        change: { policy: withStatement({ Condition: { Bool: "true" } }) },
        property: "policy",
        reason: /Condition\.Bool must be an object of condition keys/,
    },
    {
        name: "statement: Condition value null",
        change: { policy: withStatement({ Condition: { StringEquals: { "aws:UserAgent": null } } }) },
        property: "policy",
        reason: /Condition\.StringEquals\.aws:UserAgent values must be strings, numbers or booleans, got null/,
    },
    {
        name: "statement: Condition values an empty list",
        change: { policy: withStatement({ Condition: { StringEquals: { "aws:UserAgent": [] } } }) },
        property: "policy",
        reason: /Condition\.StringEquals\.aws:UserAgent must not be an empty array/,
    },
    // Size, depth, lockout
    {
        name: "policy: over 20 KB once compacted",
        change: {
            policy: {
                Version: "2012-10-17",
                Statement: Array.from({ length: 120 }, (_, i) => ({
                    ...GOOD_STATEMENT,
                    Sid: `S${i}`,
                    Condition: { StringEquals: { "aws:SourceVpce": `vpce-${"0".repeat(120)}${i}` } },
                })),
            },
        },
        property: "policy",
        reason: /^policy is \d+ bytes once compacted; S3 accepts at most 20480 bytes$/,
    },
    {
        name: "policy: very deep nesting in an object",
        change: { policy: withStatement({ Condition: { StringEquals: { "aws:UserAgent": deepObject(500) } } }) },
        property: "policy",
        reason: /^policy nests more than 32 levels deep/,
    },
    {
        name: "policy: very deep nesting in JSON text (100 000 levels)",
        change: {
            policy: JSON.stringify(withStatement({ Condition: { StringEquals: { "aws:UserAgent": "@" } } })).replace(
                '"@"',
                `${"[".repeat(100_000)}1${"]".repeat(100_000)}`,
            ),
        },
        property: "policy",
        reason: /^policy nests more than 32 levels deep/,
    },
    {
        name: "policy: locks everyone out without confirmRemoveSelfBucketAccess",
        change: { policy: withStatement({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:::${BUCKET}` }) },
        property: "policy",
        reason: /would lock every caller out .*Set confirmRemoveSelfBucketAccess: true/,
    },
    // bucket
    { name: "bucket: missing", change: { bucket: undefined }, property: "bucket", reason: /^bucket is required and must be a non-empty string, got nothing$/ },
    { name: "bucket: empty", change: { bucket: "" }, property: "bucket", reason: /^bucket is required and must be a non-empty string, got a string \(""\)$/ },
    {
        name: "bucket: a number",
        change: { bucket: 42 },
        property: "bucket",
        reason: /^bucket is required and must be a non-empty string, got a number \(42\)$/,
    },
    { name: "bucket: a list", change: { bucket: [BUCKET] }, property: "bucket", reason: /got an array$/ },
    {
        name: "bucket: a space",
        change: { bucket: "bad input bucket" },
        property: "bucket",
        reason: /^bucket "bad input bucket" is not a valid S3 bucket name: it may contain only letters, digits, dots, hyphens and underscores, got " " at position 4$/,
    },
    {
        name: "bucket: unicode",
        change: { bucket: "bäd-input-bucket" },
        property: "bucket",
        reason: /may contain only letters, digits, dots, hyphens and underscores/,
    },
    { name: "bucket: too long", change: { bucket: "b".repeat(256) }, property: "bucket", reason: /must be at most 255 characters long, got 256/ },
    {
        name: "bucket: a single dot (a path segment URLs resolve away)",
        change: { bucket: "." },
        property: "bucket",
        reason: /^bucket "\." is not a valid S3 bucket name: it is "\.", which a URL path resolves away: the request would go to the S3 service root, not to a bucket$/,
    },
    {
        name: "bucket: two dots (a path segment URLs resolve away)",
        change: { bucket: ".." },
        property: "bucket",
        reason: /^bucket "\.\." is not a valid S3 bucket name: it is "\.\.", which a URL path resolves away: the request would go to the S3 service root, not to a bucket$/,
    },
    {
        name: "bucket: its ARN instead of its name",
        change: { bucket: `arn:aws:s3:::${BUCKET}` },
        property: "bucket",
        reason: /is an ARN or URL; give the bucket's name alone \("bad-input-bucket"\)/,
    },
    // expectedBucketOwner
    {
        name: "expectedBucketOwner: a number",
        change: { expectedBucketOwner: 111122223333 },
        property: "expectedBucketOwner",
        reason: /^expectedBucketOwner must be a string, got a number \(111122223333\)$/,
    },
    {
        name: "expectedBucketOwner: 11 digits",
        change: { expectedBucketOwner: "11112222333" },
        property: "expectedBucketOwner",
        reason: /^expectedBucketOwner must be a 12-digit AWS account id, got "11112222333"$/,
    },
    {
        name: "expectedBucketOwner: 13 digits",
        change: { expectedBucketOwner: "1111222233334" },
        property: "expectedBucketOwner",
        reason: /12-digit AWS account id/,
    },
    {
        name: "expectedBucketOwner: a canonical user name",
        change: { expectedBucketOwner: "alice" },
        property: "expectedBucketOwner",
        reason: /12-digit AWS account id, got "alice"/,
    },
    {
        name: "expectedBucketOwner: surrounding white space",
        change: { expectedBucketOwner: " 111122223333" },
        property: "expectedBucketOwner",
        reason: /12-digit AWS account id/,
    },
    {
        name: "expectedBucketOwner: non-ASCII digits",
        change: { expectedBucketOwner: "١١١١٢٢٢٢٣٣٣٣" },
        property: "expectedBucketOwner",
        reason: /12-digit AWS account id/,
    },
    // Other inputs, wrong types and values
    {
        name: "confirmRemoveSelfBucketAccess: the string true",
        change: { confirmRemoveSelfBucketAccess: "true" },
        property: "confirmRemoveSelfBucketAccess",
        reason: /^confirmRemoveSelfBucketAccess must be a boolean, got a string \("true"\)$/,
    },
    {
        name: "adoptExisting: yes",
        change: { adoptExisting: "yes" },
        property: "adoptExisting",
        reason: /^adoptExisting must be a boolean, got a string \("yes"\)$/,
    },
    { name: "forcePathStyle: 1", change: { forcePathStyle: 1 }, property: "forcePathStyle", reason: /^forcePathStyle must be a boolean, got a number \(1\)$/ },
    {
        name: "checksumAlgorithm: MD5",
        change: { checksumAlgorithm: "MD5" },
        property: "checksumAlgorithm",
        reason: /^checksumAlgorithm must be one of CRC32, CRC32C, CRC64NVME, SHA1, SHA256, got "MD5"$/,
    },
    {
        name: "checksumAlgorithm: lowercase crc32",
        change: { checksumAlgorithm: "crc32" },
        property: "checksumAlgorithm",
        reason: /must be one of .*got "crc32"/,
    },
    {
        name: "checksumAlgorithm: a number",
        change: { checksumAlgorithm: 32 },
        property: "checksumAlgorithm",
        reason: /^checksumAlgorithm must be a string, got a number \(32\)$/,
    },
    { name: "region: a number", change: { region: 1 }, property: "region", reason: /^region must be a string, got a number \(1\)$/ },
    {
        name: "region: uppercase",
        change: { region: "US-EAST-1" },
        property: "region",
        reason: /^region must look like an AWS region such as us-east-1, got "US-EAST-1"$/,
    },
    {
        name: "endpoint: not a URL",
        change: { endpoint: "not a url" },
        property: "endpoint",
        reason: /^endpoint must be an http:\/\/ or https:\/\/ URL, got "not a url"$/,
    },
    {
        name: "endpoint: host and port without a scheme",
        change: { endpoint: "127.0.0.1:9000" },
        property: "endpoint",
        reason: /must be an http:\/\/ or https:\/\/ URL/,
    },
    { name: "endpoint: ftp", change: { endpoint: "ftp://127.0.0.1/" }, property: "endpoint", reason: /must be an http:\/\/ or https:\/\/ URL/ },
    {
        name: "endpoint: credentials in the URL",
        change: { endpoint: "http://AKIDEXAMPLE:wJalrXUtnFEMI@127.0.0.1:1" },
        property: "endpoint",
        reason: /^endpoint must not contain credentials; use the AWS credential chain$/,
    },
    {
        name: "endpoint: ftp with credentials (not echoed)",
        change: { endpoint: "ftp://user:hunter2secret@127.0.0.1/" },
        property: "endpoint",
        reason: /^endpoint must not contain credentials/,
    },
    {
        name: "endpoint: credentials without a scheme (not echoed)",
        change: { endpoint: "user:hunter2secret@127.0.0.1" },
        property: "endpoint",
        reason: /^endpoint must be an http:\/\/ or https:\/\/ URL, got "…@127\.0\.0\.1"$/,
    },
    {
        name: "endpoint: an object",
        change: { endpoint: { url: "http://127.0.0.1" } },
        property: "endpoint",
        reason: /^endpoint must be a string, got an object$/,
    },
    { name: "profile: a number", change: { profile: 7 }, property: "profile", reason: /^profile must be a string, got a number \(7\)$/ },
    {
        name: "retryTimeoutSeconds: a string",
        change: { retryTimeoutSeconds: "10" },
        property: "retryTimeoutSeconds",
        reason: /^retryTimeoutSeconds must be a number, got a string \("10"\)$/,
    },
    {
        name: "retryTimeoutSeconds: negative",
        change: { retryTimeoutSeconds: -1 },
        property: "retryTimeoutSeconds",
        reason: /^retryTimeoutSeconds must be between 0 and 3600, got -1$/,
    },
    {
        name: "retryTimeoutSeconds: over an hour",
        change: { retryTimeoutSeconds: 3601 },
        property: "retryTimeoutSeconds",
        reason: /between 0 and 3600, got 3601/,
    },
    { name: "retryTimeoutSeconds: NaN", change: { retryTimeoutSeconds: NaN }, property: "retryTimeoutSeconds", reason: /between 0 and 3600, got NaN/ },
    {
        name: "retryTimeoutSeconds: infinite",
        change: { retryTimeoutSeconds: Infinity },
        property: "retryTimeoutSeconds",
        reason: /between 0 and 3600, got Infinity/,
    },
    {
        name: "an input BucketPolicy does not have (misspelt)",
        change: { polcy: "{}" },
        property: "polcy",
        reason: /^polcy is not an input of BucketPolicy \(known inputs: bucket, policy, /,
    },
];

/** A valid set of inputs with `change` laid over it (inputs set to `undefined` are removed). */
export function badInputs(change: Props, base: Props = {}): Props {
    const news: Props = { bucket: BUCKET, policy: withStatement({}), expectedBucketOwner: "111122223333", ...base, ...change };
    for (const key of Object.keys(news)) if (news[key] === undefined) delete news[key];
    return news;
}

/** The rows named, in that order (fails on a name not in the table). */
export function badInputsNamed(...names: string[]): BadInput[] {
    return names.map((name) => {
        const row = BAD_INPUTS.find((b) => b.name === name);
        if (!row) throw new Error(`no bad input named ${JSON.stringify(name)}`);
        return row;
    });
}
