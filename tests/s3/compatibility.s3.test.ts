/**
 * Every behaviour of the compatibility table (tests/support/compatibility.ts, rendered into docs/servers.md), observed on both
 * local servers: a server whose answer is not the one the table gives fails here, so the docs cannot drift from what the
 * servers do.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { COMPATIBILITY, CompatibilityWorld } from "../support/compatibility";
import { BucketTracker, LocalS3Env, bucketTracker, loadLocalS3Env, s3ClientFor } from "../support/localS3";
import { loadLocalStackEnv } from "../support/localStack";

const SERVERS = [
    { server: "radosgw" as const, load: (): LocalS3Env => loadLocalS3Env() },
    { server: "localstack" as const, load: (): LocalS3Env => loadLocalStackEnv() },
];

describe.each(SERVERS)("compatibility table on $server", ({ server, load }) => {
    let world: CompatibilityWorld;
    let tracker: BucketTracker;
    let alice: S3Client;

    beforeAll(() => {
        const env = load();
        alice = s3ClientFor(env, "alice");
        tracker = bucketTracker(alice);
        world = {
            env,
            alice,
            bob: s3ClientFor(env, "bob"),
            newBucket: () => tracker.newBucket(`compat-${server}`),
            aliceAccount: env.users.alice.accountId ?? "111122223333",
            otherAccount: env.users.bob.accountId ?? "444455556666",
        };
    });
    afterAll(async () => {
        await tracker?.destroyAll();
    });

    it.each(COMPATIBILITY.map((row) => ({ ...row, expected: row[server] })))("$id: $behaviour → $expected", async (row) => {
        expect(await row.observe(world)).toBe(row.expected);
    });
});
