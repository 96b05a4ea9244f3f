/**
 * Preview through the real dynamic-provider host (Check then Diff against stored outputs, as the engine does): a
 * reformatted, reordered, re-spelt policy is no change; a one-action change is a change. No S3 call is involved.
 */
import { canonicalizePolicy } from "../../provider/policy";
import { DynamicProviderHost } from "../support/providerHost";
import { REPO_DIR, resourceInputs } from "../support/hostFixture";

const bucket = "preview-bucket";
const declared = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "ReadOnly",
            Effect: "Allow",
            Principal: { AWS: ["111122223333", "arn:aws:iam::444455556666:role/reader"] },
            Action: ["s3:GetObject", "s3:ListBucket"],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
            Condition: { Bool: { "aws:SecureTransport": true } },
        },
        { Sid: "DenyDelete", Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: `arn:aws:s3:::${bucket}/*` },
    ],
};
// The same meaning: statements and lists reordered, keys reordered, one-element lists, action case, an account id
// as its root ARN, "*" as {"AWS": "*"}, a condition boolean as a string, pretty-printed.
const reformatted = JSON.stringify(
    {
        Statement: [
            { Resource: [`arn:aws:s3:::${bucket}/*`], Action: ["S3:DeleteObject"], Principal: { AWS: "*" }, Effect: "Deny", Sid: "DenyDelete" },
            {
                Condition: { Bool: { "aws:securetransport": "true" } },
                Resource: [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}`],
                Action: ["s3:listbucket", "s3:GetObject", "s3:GetObject"],
                Principal: { AWS: ["arn:aws:iam::444455556666:role/reader", "arn:aws:iam::111122223333:root"] },
                Effect: "Allow",
                Sid: "ReadOnly",
            },
        ],
        Version: "2012-10-17",
    },
    null,
    4,
);

describe("preview through the real host", () => {
    let host: DynamicProviderHost;
    let state: Record<string, unknown>;

    beforeAll(async () => {
        // No S3 server and no credentials: a preview makes no S3 call.
        host = await DynamicProviderHost.start({ cwd: REPO_DIR, env: { AWS_REGION: "us-east-1" } });
        const checked = await host.check(bucket, {}, resourceInputs(bucket, { policy: JSON.stringify(declared) }));
        // Stored outputs as create returns them (no S3 needed for a preview).
        state = { ...checked.inputs, canonicalPolicy: canonicalizePolicy(checked.inputs.policy as string) };
    });
    afterAll(async () => host?.stop());

    it("shows no change for a reformatted, reordered, re-spelt equal policy", async () => {
        const checked = await host.check(bucket, state, resourceInputs(bucket, { policy: reformatted }));
        expect(checked.failures).toEqual([]);
        expect((await host.diff(bucket, bucket, state, checked.inputs)).changes).toBe("none");
    });

    it("shows a change for one action changed", async () => {
        const changed = JSON.parse(JSON.stringify(declared));
        changed.Statement[1].Action = "s3:DeleteObjectVersion";
        const checked = await host.check(bucket, state, resourceInputs(bucket, { policy: JSON.stringify(changed) }));
        expect(await host.diff(bucket, bucket, state, checked.inputs)).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    });

    it("shows a change when Version is dropped (AWS evaluates policy variables differently without it)", async () => {
        const { Version: _version, ...unversioned } = declared;
        const checked = await host.check(bucket, state, resourceInputs(bucket, { policy: JSON.stringify(unversioned) }));
        expect((await host.diff(bucket, bucket, state, checked.inputs)).changes).toBe("some");
    });
});
