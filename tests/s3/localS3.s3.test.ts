/**
 * The local S3 server the s3 and host tiers run against (RadosGW started by the jest global setup), and the helpers
 * around it: bucket-policy operations work, policies are really enforced, and start/stop touch only their own server.
 */
import * as fs from "fs";
import {
    DeleteBucketPolicyCommand,
    GetBucketPolicyCommand,
    GetObjectCommand,
    HeadBucketCommand,
    ListBucketsCommand,
    PutBucketPolicyCommand,
    PutObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import {
    BucketTracker,
    LocalS3Env,
    alive,
    bobReads,
    bucketTracker,
    createTestBucket,
    destroyBucket,
    loadLocalS3Env,
    s3ClientFor,
    s3Failure,
    startLocalS3,
    stopLocalS3,
    uniqueBucketName,
} from "../support/localS3";

const pidsOf = (dir: string) =>
    fs
        .readdirSync(`${dir}/run`)
        .filter((f) => f.endsWith(".pid"))
        .map((f) => Number(fs.readFileSync(`${dir}/run/${f}`, "utf8").trim()));

describe("local RadosGW", () => {
    let env: LocalS3Env;
    let alice: S3Client;
    let bob: S3Client;
    let buckets: BucketTracker;
    const newBucket = (prefix: string) => buckets.newBucket(prefix);

    beforeAll(() => {
        env = loadLocalS3Env();
        alice = s3ClientFor(env, "alice");
        bob = s3ClientFor(env, "bob");
        buckets = bucketTracker(alice);
    });
    afterAll(async () => {
        await buckets?.destroyAll();
    });

    it("listens on loopback, with two distinct users whose owner ids are their uids", async () => {
        expect(env.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(env.region).toBe("us-east-1");
        expect(env.users.alice.accessKeyId).not.toBe(env.users.bob.accessKeyId);
        expect(env.users.bob.principalArn).toBe("arn:aws:iam:::user/bob");
        const listed = await alice.send(new ListBucketsCommand({}));
        expect(listed.Owner?.ID).toBe(env.users.alice.ownerId);
    });

    it("puts, gets (byte-identical) and deletes a bucket policy as the owner", async () => {
        const bucket = await newBucket("ls3-basic");
        expect(await s3Failure(alice.send(new GetBucketPolicyCommand({ Bucket: bucket })))).toEqual({ name: "NoSuchBucketPolicy", status: 404 });

        const policy = JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(env, bucket)] }, null, 3);
        const put = await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
        expect(put.$metadata.httpStatusCode).toBe(204);
        expect((await alice.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe(policy);

        await alice.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
        expect(await s3Failure(alice.send(new GetBucketPolicyCommand({ Bucket: bucket })))).toEqual({ name: "NoSuchBucketPolicy", status: 404 });
    });

    it("enforces the policy: bob is denied, then allowed by an Allow, then denied again by a Deny", async () => {
        const bucket = await newBucket("ls3-enforced");
        await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "public/a.txt", Body: "a" }));
        await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "secret/s.txt", Body: "s" }));
        const read = (key: string) => bob.send(new GetObjectCommand({ Bucket: bucket, Key: key }));

        expect(await s3Failure(read("public/a.txt"))).toEqual({ name: "AccessDenied", status: 403 });

        const allow = bobReads(env, bucket);
        await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [allow] }) }));
        expect(await (await read("public/a.txt")).Body?.transformToString()).toBe("a");

        const deny = { ...allow, Sid: "NotSecrets", Effect: "Deny", Resource: `arn:aws:s3:::${bucket}/secret/*` };
        await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [allow, deny] }) }));
        expect((await read("public/a.txt")).$metadata.httpStatusCode).toBe(200);
        expect(await s3Failure(read("secret/s.txt"))).toEqual({ name: "AccessDenied", status: 403 });
    });

    it("refuses a non-owner's bucket-policy calls with 403 (RadosGW never answers AWS's 405)", async () => {
        const bucket = await newBucket("ls3-nonowner");
        expect(await s3Failure(bob.send(new GetBucketPolicyCommand({ Bucket: bucket })))).toEqual({ name: "AccessDenied", status: 403 });
        expect(
            await s3Failure(bob.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }))),
        ).toEqual({
            name: "AccessDenied",
            status: 403,
        });
    });

    describe(createTestBucket.name, () => {
        it("creates a bucket with a valid, unique name from any prefix", async () => {
            const prefix = "Some_Weird PREFIX/that is far too long for an S3 bucket name on its own, really---";
            const first = await newBucket(prefix);
            const second = await newBucket(prefix);
            for (const name of [first, second]) {
                expect(name.length).toBeLessThanOrEqual(63);
                expect(name).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
                expect(name).not.toMatch(/--/);
                expect((await alice.send(new HeadBucketCommand({ Bucket: name }))).$metadata.httpStatusCode).toBe(200);
            }
            expect(first).not.toBe(second);
            expect(first.startsWith("some-weird-prefix-that-is")).toBe(true);
            expect(uniqueBucketName("---")).toMatch(/^b-/);
        });
    });

    describe(destroyBucket.name, () => {
        it("removes the objects, the policy and the bucket, even when the policy denies the owner object access", async () => {
            const bucket = await createTestBucket(alice, "ls3-destroy");
            await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "x/y.txt", Body: "y" }));
            const denyOwner = { Effect: "Deny", Principal: "*", Action: ["s3:GetObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::${bucket}/*` };
            await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [denyOwner] }) }));

            await destroyBucket(alice, bucket);
            expect(await s3Failure(alice.send(new HeadBucketCommand({ Bucket: bucket })))).toEqual({ name: "NotFound", status: 404 });
        });

        it("ignores a bucket that does not exist", async () => {
            await expect(destroyBucket(alice, uniqueBucketName("ls3-missing"))).resolves.toBeUndefined();
        });
    });

    describe(`${startLocalS3.name} and ${stopLocalS3.name}`, () => {
        it("start a second server on other free ports, and stop only its own processes", async () => {
            const second = await startLocalS3();
            try {
                expect(second.endpoint).not.toBe(env.endpoint);
                expect(fs.readFileSync(`${second.dir}/env`, "utf8")).toContain(`RGW_ENDPOINT=${second.endpoint}`);
                const carol = s3ClientFor(second, "alice");
                const bucket = await createTestBucket(carol, "ls3-second");
                // Users and buckets are per server: the first server's alice does not see it.
                expect(await s3Failure(alice.send(new HeadBucketCommand({ Bucket: bucket })))).toEqual({ name: "NotFound", status: 404 });
                await destroyBucket(carol, bucket);
                const pids = pidsOf(second.dir);
                expect(pids).toHaveLength(3);
                await stopLocalS3(second);
                expect(pids.filter(alive)).toEqual([]);
                expect(fs.existsSync(second.dir)).toBe(false);
            } finally {
                await stopLocalS3(second).catch(() => undefined);
            }
            // The run's own server is untouched.
            expect(pidsOf(env.dir).filter(alive)).toHaveLength(3);
            expect((await alice.send(new ListBucketsCommand({}))).$metadata.httpStatusCode).toBe(200);
        });

        it("fails with the script's reason when the directory is too long for ceph's admin sockets", async () => {
            const tooLong = `/tmp/${"x".repeat(80)}`;
            await expect(startLocalS3(tooLong)).rejects.toThrow(/ERROR: DIR .* characters; ceph admin sockets need at most 70/);
            fs.rmSync(tooLong, { recursive: true, force: true });
        });
    });
});
