/**
 * A new policy (compared with no policy) is judged by guessing one request per Allow from the statement's own text and
 * confirming it (analyze.ts, findingsOfNewPolicy), without cutting cells. That shortcut must say exactly what the full
 * procedure says: the same verdict and the same statements as findings. The full procedure is reached by comparing
 * with a policy that has no statement, which means the same as no policy but takes the general path.
 */
import { analyzeAccessChange } from "../../provider/access/analyze";
import { evaluatePolicy } from "../../provider/access/evaluate";
import * as space from "../../provider/access/space";
import { modelOf } from "../../provider/policy/read";
import { PUBLIC_ACCESS_CASES, casePolicy } from "../support/publicAccessCases";

const BUCKET = "logs";
const EMPTY = JSON.stringify({ Version: "2012-10-17", Statement: [] });

const HANDWRITTEN: Array<[string, object]> = [
    [
        "conditions of every kind",
        {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Org",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::logs/*",
                    Condition: {
                        StringEquals: { "aws:PrincipalOrgID": "o-abc" },
                        IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"] },
                        NumericLessThan: { "s3:max-keys": "10" },
                        DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" },
                        Bool: { "aws:SecureTransport": "true" },
                        Null: { "aws:SourceVpce": "false" },
                        StringNotLike: { "s3:prefix": "private/*" },
                        "ForAnyValue:StringLike": { "aws:TagKeys": ["team*"] },
                    },
                },
                {
                    Sid: "DenyHttp",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: "arn:aws:s3:::logs/*",
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        },
    ],
    [
        "an Allow fully inside a Deny grants nothing",
        {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::logs/*" },
                { Effect: "Deny", Principal: "*", Action: "s3:Delete*", Resource: "arn:aws:s3:::logs/*" },
            ],
        },
    ],
    [
        "NotPrincipal, NotAction and NotResource",
        {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/app" },
                    NotAction: "s3:Delete*",
                    NotResource: "arn:aws:s3:::logs/private/*",
                },
            ],
        },
    ],
    ["only Denies", { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::logs/*" }] }],
];

const POLICIES: Array<[string, string]> = [
    ...HANDWRITTEN.map(([name, policy]): [string, string] => [name, JSON.stringify(policy)]),
    ...PUBLIC_ACCESS_CASES.map((entry): [string, string] => [`published: ${entry.name}`, JSON.stringify(casePolicy(entry, BUCKET))]),
];

describe("a new policy: the shortcut agrees with the full procedure", () => {
    it.each(POLICIES)("%s", (_name, policy) => {
        const shortcut = analyzeAccessChange(undefined, policy, { bucket: BUCKET });
        const full = analyzeAccessChange(EMPTY, policy, { bucket: BUCKET });
        expect(shortcut.newAccess).toBe(full.newAccess);
        const statements = (result: typeof full) => result.findings.map((finding) => `${finding.kind} ${finding.statementIndex}`).sort();
        expect(statements(shortcut)).toEqual(statements(full));
        for (const finding of shortcut.findings) expect(evaluatePolicy(modelOf(policy), finding.witness, "narrowest")).toBe("allow");
    });

    it("judges a policy with conditions of every kind without the full procedure (every Allow has a confirmed guess)", () => {
        const cut = jest.spyOn(space, "buildSpace");
        const result = analyzeAccessChange(undefined, POLICIES[0][1], { bucket: BUCKET });
        expect(cut).not.toHaveBeenCalled();
        analyzeAccessChange(EMPTY, POLICIES[0][1], { bucket: BUCKET });
        expect(cut).toHaveBeenCalledTimes(1);
        cut.mockRestore();
        expect(result.newAccess).toBe("granted");
        expect(result.findings.map((finding) => finding.statementId)).toEqual(["Org"]);
        expect(result.findings[0].witness.context).toMatchObject({ "aws:principalorgid": "o-abc", "aws:sourceip": "10.0.0.0", "s3:max-keys": "9" });
    });
});
