/**
 * analyzePublicAccess against RadosGW's own answer. Every case of the shared table (tests/support/publicAccessCases.ts)
 * is put on its own bucket and read back with GetBucketPolicyStatus; then every stored case is put again on a bucket
 * with BlockPublicPolicy on. The table says, per case, whether RadosGW agrees with AWS's documented rule, answers the
 * other way (and why), or refuses to store the policy: a change on either side fails here. AWS's documentation is the
 * rule (RULES.md, "Public access"); RadosGW 16.2 is evidence.
 */
import { GetBucketPolicyStatusCommand, PutBucketPolicyCommand, PutPublicAccessBlockCommand, S3Client } from "@aws-sdk/client-s3";
import { analyzePublicAccess } from "../../provider/policy";
import { BucketTracker, bucketTracker, loadLocalS3Env, s3ClientFor } from "../support/localS3";
import { PUBLIC_ACCESS_CASES, PublicAccessCase, casePolicy } from "../support/publicAccessCases";

/** What RadosGW's GetBucketPolicyStatus should say for a stored case. */
const radosgwIsPublic = (entry: PublicAccessCase) => (entry.radosgw.kind === "agrees" ? entry.aws.isPublic : !entry.aws.isPublic);
const describeCase = (entry: PublicAccessCase) =>
    entry.radosgw.kind === "agrees"
        ? `agrees: ${entry.aws.isPublic ? "public" : "not public"}`
        : entry.radosgw.kind === "differs"
          ? `AWS ${entry.aws.isPublic ? "public" : "not public"}, RadosGW ${entry.aws.isPublic ? "not public" : "public"}`
          : `RadosGW refuses it (${entry.radosgw.error})`;
const CASES = PUBLIC_ACCESS_CASES.map((entry) => ({ ...entry, expected: describeCase(entry) }));
const STORED = CASES.filter((entry) => entry.radosgw.kind !== "refused");

/** Resolves to undefined when the call succeeds, else to the SDK error's name and HTTP status. */
const outcome = (call: Promise<unknown>) =>
    call.then(
        () => undefined,
        (error: { name: string; $metadata?: { httpStatusCode?: number } }) => ({ name: error.name, status: error.$metadata?.httpStatusCode }),
    );

describe("analyzePublicAccess against RadosGW", () => {
    let alice: S3Client;
    let tracker: BucketTracker;

    beforeAll(() => {
        alice = s3ClientFor(loadLocalS3Env(), "alice");
        tracker = bucketTracker(alice);
    });
    afterAll(async () => {
        await tracker?.destroyAll();
    });

    describe("GetBucketPolicyStatus", () => {
        it.each(CASES)("$name → $expected", async (entry) => {
            const bucket = await tracker.newBucket("public-access");
            const policy = JSON.stringify(casePolicy(entry, bucket));
            expect(analyzePublicAccess(policy).isPublic).toBe(entry.aws.isPublic);

            const put = await outcome(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy })));
            if (entry.radosgw.kind === "refused") {
                expect(put?.name).toBe(entry.radosgw.error);
                return;
            }
            expect(put).toBeUndefined();
            const status = await alice.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }));
            expect(status.PolicyStatus?.IsPublic).toBe(radosgwIsPublic(entry));
        });
    });

    describe("with BlockPublicPolicy on", () => {
        let bucket: string;

        beforeAll(async () => {
            bucket = await tracker.newBucket("block-public-policy");
            await alice.send(
                new PutPublicAccessBlockCommand({
                    Bucket: bucket,
                    PublicAccessBlockConfiguration: { BlockPublicPolicy: true, BlockPublicAcls: false, IgnorePublicAcls: false, RestrictPublicBuckets: false },
                }),
            );
        });

        it("refuses a policy analyzePublicAccess calls public with 403 AccessDenied, and stores one it calls not public", async () => {
            const open = casePolicy(
                PUBLIC_ACCESS_CASES.find((entry) => entry.name === 'Principal "*", s3:GetObject')!,
                bucket,
            );
            const vpcOnly = casePolicy(
                PUBLIC_ACCESS_CASES.find((entry) => entry.name.startsWith("StringEquals aws:SourceVpc (the doc"))!,
                bucket,
            );
            expect(analyzePublicAccess(open).isPublic).toBe(true);
            expect(analyzePublicAccess(vpcOnly).isPublic).toBe(false);

            expect(await outcome(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(open) })))).toEqual({
                name: "AccessDenied",
                status: 403,
            });
            expect(await outcome(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(vpcOnly) })))).toBeUndefined();
        });

        it.each(STORED)("$name: refused exactly when RadosGW calls it public ($expected)", async (entry) => {
            const put = await outcome(alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(casePolicy(entry, bucket)) })));
            expect(put).toEqual(radosgwIsPublic(entry) ? { name: "AccessDenied", status: 403 } : undefined);
        });
    });
});
