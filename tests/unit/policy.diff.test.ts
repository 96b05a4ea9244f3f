import { describePolicyDiff, diffPolicies, formatPolicy, policiesEquivalent } from "../../provider/policy";

type Json = Record<string, unknown>;

const BUCKET = "arn:aws:s3:::example-bucket";
const OBJECTS = `${BUCKET}/*`;
const allowRead: Json = { Sid: "AllowRead", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:GetObject", Resource: OBJECTS };
const denyDelete: Json = { Sid: "DenyDelete", Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: OBJECTS };
const unnamedList: Json = { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:ListBucket", Resource: BUCKET };
const unnamedDeny: Json = {
    Effect: "Deny",
    Principal: "*",
    Action: "s3:DeleteObject",
    Resource: OBJECTS,
    Condition: { Bool: { "aws:SecureTransport": false } },
};
const doc = (...statements: Json[]): Json => ({ Version: "2012-10-17", Statement: statements });

describe(diffPolicies.name, () => {
    it("reports nothing for equivalent policies, however they are written", () => {
        const reordered = {
            Statement: [
                { ...unnamedList, Action: ["S3:listbucket"] },
                { ...allowRead, Principal: { AWS: "arn:aws:iam::111122223333:root" } },
            ],
            Version: "2012-10-17",
        };
        const diff = diffPolicies(doc(allowRead, unnamedList), JSON.stringify(reordered, null, 2));
        expect(diff).toEqual({ equivalent: true, document: [], added: [], removed: [], changed: [] });
        expect(describePolicyDiff(diff)).toEqual([]);
    });

    it("names a statement whose Sid stays and whose Action changed", () => {
        const diff = diffPolicies(doc(allowRead, denyDelete), doc({ ...allowRead, Action: ["s3:GetObject", "s3:PutObject"] }, denyDelete));
        expect(diff.equivalent).toBe(false);
        expect(diff.changed).toEqual([
            {
                key: "AllowRead",
                sid: "AllowRead",
                fields: ["Action"],
                oldIndex: 0,
                newIndex: 0,
                details: [{ field: "Action", added: ["s3:PutObject"], removed: [] }],
            },
        ]);
        expect(diff.added).toEqual([]);
        expect(diff.removed).toEqual([]);
        expect(describePolicyDiff(diff)).toEqual(['~ statement "AllowRead": Action changed']);
    });

    it("names every element that changed, in grammar order, and can list the items", () => {
        const after = { ...allowRead, Action: "s3:GetObjectVersion", Condition: { StringEquals: { "aws:SourceVpc": "vpc-1" } } };
        const diff = diffPolicies(doc(allowRead), doc(after));
        expect(diff.changed[0].fields).toEqual(["Action", "Condition"]);
        expect(describePolicyDiff(diff)).toEqual(['~ statement "AllowRead": Action, Condition changed']);
        expect(describePolicyDiff(diff, { details: true })).toEqual([
            '~ statement "AllowRead": Action, Condition changed (Action: + s3:GetObjectVersion, - s3:GetObject; Condition: + StringEquals aws:SourceVpc=vpc-1)',
        ]);
    });

    it("names principals in the user's spelling and ignores the account-root rewrite", () => {
        const after = { ...allowRead, Principal: { AWS: ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:role/auditor"] } };
        const diff = diffPolicies(doc(allowRead), doc(after));
        expect(diff.changed[0].details).toEqual([{ field: "Principal", added: ["AWS:arn:aws:iam::444455556666:role/auditor"], removed: [] }]);
    });

    it("names a statement added by Sid", () => {
        const diff = diffPolicies(doc(allowRead), doc(allowRead, denyDelete));
        expect(diff.added).toEqual([{ key: "DenyDelete", sid: "DenyDelete", index: 1, summary: "Deny s3:DeleteObject" }]);
        expect(describePolicyDiff(diff)).toEqual(['+ statement "DenyDelete" added']);
    });

    it("names a statement removed by Sid", () => {
        const diff = diffPolicies(doc(denyDelete, allowRead), doc(allowRead));
        expect(diff.removed).toEqual([{ key: "DenyDelete", sid: "DenyDelete", index: 0, summary: "Deny s3:DeleteObject" }]);
        expect(describePolicyDiff(diff)).toEqual(['- statement "DenyDelete" removed']);
    });

    it("names an unnamed statement that was removed by its index in the old document and a summary", () => {
        const diff = diffPolicies(doc(allowRead, unnamedList, unnamedDeny), doc(unnamedList, allowRead));
        expect(diff.removed).toEqual([{ key: "Statement[2]", index: 2, summary: "Deny s3:DeleteObject" }]);
        expect(describePolicyDiff(diff)).toEqual(["- statement #2 (Deny s3:DeleteObject) removed"]);
    });

    it("matches unnamed statements by content, so moving them is no change", () => {
        expect(diffPolicies(doc(unnamedDeny, unnamedList), doc(unnamedList, unnamedDeny)).equivalent).toBe(true);
    });

    it("reports a changed unnamed statement as one removed and one added, each by its own index", () => {
        const diff = diffPolicies(doc(allowRead, unnamedList), doc({ ...unnamedList, Action: ["s3:ListBucket", "s3:ListBucketVersions"] }, allowRead));
        expect(diff.changed).toEqual([]);
        expect(describePolicyDiff(diff)).toEqual([
            "- statement #1 (Allow s3:ListBucket) removed",
            "+ statement #0 (Allow s3:ListBucket, s3:ListBucketVersions) added",
        ]);
    });

    it("reports a renamed Sid as a removal and an addition", () => {
        const diff = diffPolicies(doc(allowRead), doc({ ...allowRead, Sid: "AllowReading" }));
        expect(describePolicyDiff(diff)).toEqual(['- statement "AllowRead" removed', '+ statement "AllowReading" added']);
    });

    it("reports a Version that appears", () => {
        const diff = diffPolicies({ Statement: [allowRead] }, doc(allowRead));
        expect(diff.document).toEqual([{ field: "Version", new: "2012-10-17" }]);
        expect(describePolicyDiff(diff)).toEqual(['~ Version: (absent) → "2012-10-17"']);
    });

    it("reports a changed Id before the statements", () => {
        const diff = diffPolicies({ ...doc(allowRead), Id: "One" }, { ...doc(allowRead, denyDelete), Id: "Two" });
        expect(describePolicyDiff(diff)).toEqual(['~ Id: "One" → "Two"', '+ statement "DenyDelete" added']);
    });

    it("does not report a repeated statement, which adds nothing", () => {
        const diff = diffPolicies(doc(allowRead, unnamedList), doc(allowRead, unnamedList, unnamedList, allowRead));
        expect(diff.equivalent).toBe(true);
    });

    it("summarizes NotAction statements and long action lists", () => {
        const statement = {
            Effect: "Deny",
            Principal: "*",
            NotAction: ["s3:GetObject", "s3:ListBucket", "s3:GetObjectTagging", "s3:GetObjectAcl"],
            Resource: OBJECTS,
        };
        expect(describePolicyDiff(diffPolicies(doc(allowRead), doc(allowRead, statement)))).toEqual([
            "+ statement #1 (Deny all but s3:GetObject, s3:ListBucket, s3:GetObjectTagging +1 more) added",
        ]);
    });

    it("reports Statement appearing as an empty list, which changes nothing else", () => {
        const diff = diffPolicies({ Version: "2012-10-17" }, { Version: "2012-10-17", Statement: [] });
        expect(diff.equivalent).toBe(false);
        expect(describePolicyDiff(diff)).toEqual(['~ Statement: (absent) → "[]"']);
    });

    it("pairs two statements that share a Sid (invalid, but possible in a live policy) without losing either", () => {
        const diff = diffPolicies(doc(allowRead), doc({ ...allowRead, Action: "s3:PutObject" }, { ...allowRead, Action: "s3:DeleteObject" }));
        expect(describePolicyDiff(diff)).toEqual(['~ statement "AllowRead": Action changed', '+ statement "AllowRead" added']);
    });
});

describe(formatPolicy.name, () => {
    const messy = {
        Statement: {
            Condition: { Bool: { "aws:SecureTransport": true }, StringLike: { "s3:prefix": ["home/", "", "home/"] } },
            Resource: [OBJECTS, BUCKET],
            Action: ["S3:listBucket", "s3:GetObject", "s3:getobject"],
            Principal: { AWS: ["arn:aws:iam::111122223333:root", "111122223333"], Service: "cloudfront.amazonaws.com" },
            Effect: "Allow",
            Sid: "Read",
        },
        Version: "2012-10-17",
    };

    it("writes compact JSON in grammar order, keeping the user's spelling and order, each value once", () => {
        expect(formatPolicy(messy)).toBe(
            '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow",' +
                '"Principal":{"AWS":"arn:aws:iam::111122223333:root","Service":"cloudfront.amazonaws.com"},' +
                '"Action":["S3:listBucket","s3:GetObject"],' +
                `"Resource":["${OBJECTS}","${BUCKET}"],` +
                '"Condition":{"Bool":{"aws:SecureTransport":true},"StringLike":{"s3:prefix":["home/",""]}}}]}',
        );
    });

    it('keeps "Principal": "*", root ARNs and single values as written', () => {
        const text = formatPolicy(
            doc(
                { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: OBJECTS },
                { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:ListBucket", Resource: BUCKET },
            ),
        );
        expect(text).toContain('"Principal":"*"');
        expect(text).toContain('"Principal":{"AWS":"arn:aws:iam::111122223333:root"}');
        expect(text).toContain('"Action":"s3:GetObject"');
    });

    it("writes a list of one as its value and a statement object as a list of one", () => {
        expect(
            formatPolicy({
                Version: "2012-10-17",
                Statement: { Effect: "Allow", Principal: { AWS: ["111122223333"] }, Action: ["s3:GetObject"], Resource: [OBJECTS] },
            }),
        ).toBe(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"${OBJECTS}"}]}`);
    });

    it("does not unwrap a list whose only item is a list, which would change its meaning", () => {
        const policy = doc({ Effect: "Allow", Action: "s3:PutObject", Resource: [[42]] });
        expect(formatPolicy(policy)).toContain('"Resource":[[42]]');
        expect(policiesEquivalent(formatPolicy(policy), policy)).toBe(true);
    });

    it("keeps statements in the order written and drops repeats, so an appended statement is appended in the text", () => {
        const a = formatPolicy(doc(denyDelete, allowRead, denyDelete));
        expect(a).toBe(formatPolicy(doc(denyDelete, allowRead)));
        expect(a.indexOf("DenyDelete")).toBeLessThan(a.indexOf("AllowRead"));
        expect(a.match(/DenyDelete/g)).toHaveLength(1);
        const reordered = formatPolicy(doc(allowRead, denyDelete));
        expect(reordered.indexOf("AllowRead")).toBeLessThan(reordered.indexOf("DenyDelete"));
        expect(policiesEquivalent(reordered, a)).toBe(true);
        expect(diffPolicies(a, reordered).equivalent).toBe(true);
    });

    it("keeps unknown elements, sorted after the known ones", () => {
        const text = formatPolicy({
            Zeta: 1,
            Statement: [{ Foo: { b: 2, a: 1 }, Resource: OBJECTS, Effect: "Allow", Action: "s3:GetObject", Bar: true }],
            Version: "2012-10-17",
            Alpha: [2, 1],
        });
        expect(text).toBe(
            `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"${OBJECTS}","Bar":true,"Foo":{"a":1,"b":2}}],"Alpha":[2,1],"Zeta":1}`,
        );
    });

    it("keeps an empty Sid and empty principal lists, since nothing the user wrote is dropped", () => {
        const text = formatPolicy(
            doc({ Sid: "", Effect: "Allow", Principal: { AWS: "111122223333", Service: [] }, Action: "s3:GetObject", Resource: OBJECTS }),
        );
        expect(text).toContain('"Sid":""');
        expect(text).toContain('"Service":[]');
    });

    it("orders condition keys that differ only in case by their folded name, then their spelling", () => {
        const text = formatPolicy(
            doc({
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: OBJECTS,
                Condition: { StringEquals: { "aws:SourceVpc": "b", "AWS:SourceVpc": "a", "aws:PrincipalAccount": "1" } },
            }),
        );
        expect(text).toContain('"Condition":{"StringEquals":{"aws:PrincipalAccount":"1","AWS:SourceVpc":"a","aws:SourceVpc":"b"}}');
    });

    it("gives the same text for documents that differ only in key order, white space, repeats and list shape", () => {
        const reordered = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Read",
                    Effect: "Allow",
                    Principal: { Service: ["cloudfront.amazonaws.com"], AWS: ["arn:aws:iam::111122223333:root", "111122223333"] },
                    Action: ["S3:listBucket", "s3:GetObject", "s3:getobject"],
                    Resource: [OBJECTS, BUCKET, OBJECTS],
                    Condition: { StringLike: { "s3:prefix": ["home/", ""] }, Bool: { "aws:SecureTransport": [true] } },
                },
            ],
        };
        expect(formatPolicy(JSON.stringify(reordered, null, 4))).toBe(formatPolicy(messy));
    });

    it("is equivalent to its input and idempotent", () => {
        for (const policy of [messy, doc(allowRead, denyDelete, unnamedDeny, unnamedList)]) {
            const text = formatPolicy(policy);
            expect(policiesEquivalent(text, policy)).toBe(true);
            expect(formatPolicy(text)).toBe(text);
        }
    });
});
