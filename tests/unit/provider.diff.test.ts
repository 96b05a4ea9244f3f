import { BucketPolicyProvider } from "../../provider/provider";
import { BucketPolicyOutputs, UNKNOWN } from "../../provider/inputs";
import { canonicalizePolicy } from "../../provider/policy";

const bucket = "example-bucket";
const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "Read",
            Effect: "Allow",
            Principal: { AWS: "111122223333" },
            Action: ["s3:GetObject", "s3:ListBucket"],
            Resource: [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}`],
        },
    ],
});
const olds: BucketPolicyOutputs = { bucket, policy, expectedBucketOwner: "111122223333" };
const diff = (news: Record<string, unknown>) =>
    new BucketPolicyProvider().diff(bucket, olds, { bucket, policy, expectedBucketOwner: "111122223333", ...news } as never);

describe("BucketPolicyProvider.diff", () => {
    it("reports no change for the same inputs", async () => {
        expect(await diff({})).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("reports no change against state written by 0.4.0 and before (derived outputs stored, a secret policy's markers empty, another handle)", async () => {
        const legacy = {
            ...olds,
            canonicalPolicy: canonicalizePolicy(policy),
            isPublic: false,
            publicAccess: "not public",
            __provider: "exports.handler = __f0;",
        };
        const news = { bucket, policy, expectedBucketOwner: "111122223333", secretPolicy: true, __provider: "exports.handler = function () {};" };
        expect(await new BucketPolicyProvider().diff(bucket, legacy as BucketPolicyOutputs, news as never)).toEqual({
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
        const secretLegacy = { ...legacy, canonicalPolicy: "", isPublic: "", publicAccess: "" };
        expect((await new BucketPolicyProvider().diff(bucket, secretLegacy as never, news as never)).changes).toBe(false);
    });

    it("reports no change when the policy differs only in key order, white space and single-versus-list values", async () => {
        const equal = JSON.stringify(
            {
                Statement: {
                    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                    Action: ["s3:listbucket", "S3:GetObject"],
                    Principal: { AWS: ["arn:aws:iam::111122223333:root"] },
                    Effect: "Allow",
                    Sid: "Read",
                },
                Version: "2012-10-17",
            },
            null,
            3,
        );
        expect((await diff({ policy: equal })).changes).toBe(false);
    });

    it("reports a change when one action changes", async () => {
        expect((await diff({ policy: policy.replace("s3:GetObject", "s3:PutObject") })).changes).toBe(true);
    });

    it("replaces when the bucket changes", async () => {
        expect(await diff({ bucket: "other-bucket" })).toEqual({ changes: true, replaces: ["bucket"], deleteBeforeReplace: false });
    });

    it("replaces when the bucket is not known yet (preview)", async () => {
        expect((await diff({ bucket: UNKNOWN })).replaces).toEqual(["bucket"]);
    });

    it("reports a change when the policy is not known yet (preview)", async () => {
        expect((await diff({ policy: UNKNOWN })).changes).toBe(true);
    });

    it("reports an in-place change when the expected owner changes", async () => {
        expect(await diff({ expectedBucketOwner: "444455556666" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("ignores the serialized provider, which changes with every release of this package", async () => {
        expect((await diff({ __provider: "exports.handler = () => ({})" })).changes).toBe(false);
    });

    it("never calls S3 (no client is created)", async () => {
        const s3 = jest.requireActual("../../provider/s3");
        const spy = jest.spyOn(s3, "createS3Client");
        await diff({ policy: policy.replace("s3:GetObject", "s3:PutObject") });
        expect(spy).not.toHaveBeenCalled();
    });
});
