/**
 * Whatever fails, the engine's state and S3 agree afterwards: a failed update leaves the old policy in S3 and the
 * engine keeping the old state (a plain error); a put that S3 applied but whose answer was lost is reported as a
 * partial success (gRPC ErrorResourceInitFailed with the id and the properties S3 really holds), so the engine
 * records it. "Forward, then drop the answer" is a fault the shared proxy does not have: {@link startAnswerDropper}
 * below adds it in front of the proxy, which still records every call.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { policiesEquivalent } from "../../provider/policy";
import { HostCallError, Props } from "../support/providerHost";
import { checkNew, hostFailure, policyCalls, useHostFixture } from "../support/hostFixture";
import { bobReads, livePolicy } from "../support/localS3";

/** A pass-through HTTP proxy that, for the requests `drop` picks, forwards them, waits for the whole answer, then resets the client's connection. */
interface AnswerDropper {
    endpoint: string;
    /** How many answers were dropped so far. */
    dropped: number;
    close(): Promise<void>;
}

async function startAnswerDropper(target: string, drop: (method: string, url: string) => boolean): Promise<AnswerDropper> {
    const upstream = new URL(target);
    const agent = new http.Agent({ keepAlive: true });
    const state = { dropped: 0 };
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const dropIt = drop(req.method ?? "GET", req.url ?? "/");
            const forwarded = http.request(
                // The raw headers as sent, Host included, so the SigV4 signature still validates behind us.
                { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.rawHeaders, agent },
                (answer) => {
                    if (dropIt) {
                        answer.resume();
                        answer.on("end", () => {
                            state.dropped++;
                            req.socket.destroy();
                        });
                        return;
                    }
                    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
                    answer.pipe(res);
                },
            );
            forwarded.on("error", () => req.socket.destroy());
            forwarded.end(Buffer.concat(chunks));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        get dropped() {
            return state.dropped;
        },
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
                agent.destroy();
            }),
    };
}

describe("reliability: nothing lost, through the real host", () => {
    /** The provider reaches the proxy through the answer dropper. */
    const fx = useHostFixture({ inputs: (): Props => ({ endpoint: dropper.endpoint, retryTimeoutSeconds: 1 }) });
    let dropper: AnswerDropper;
    /** Put answers to drop: bucket → how many more (Infinity: all). */
    const dropPuts = new Map<string, number>();

    const policyFor = (bucket: string, sid: string, actions: string[] = ["s3:GetObject"]) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [bobReads(fx.env, bucket, { sid, action: actions })] });
    const ops = (bucket: string) => policyCalls(fx.proxy, bucket).map((r) => `${r.operation} ${r.injected ?? r.status}`);
    const newBucket = (prefix: string) => fx.buckets.newBucket(prefix);
    const checked = (bucket: string, policy: string, extra: Props = {}) => checkNew(fx.host, bucket, fx.inputs(bucket, { policy, ...extra }));

    beforeAll(async () => {
        dropper = await startAnswerDropper(fx.proxy.endpoint, (method, url) => {
            const match = /^\/([^/?]+)\/?\?policy/.exec(url); // path-style: /bucket/?policy=
            const left = match && method === "PUT" ? (dropPuts.get(match[1]) ?? 0) : 0;
            if (left <= 0 || !match) return false;
            dropPuts.set(match[1], left - 1);
            return true;
        });
    });
    afterAll(async () => {
        await dropper?.close();
    });
    beforeEach(() => {
        dropPuts.clear();
    });

    it("a failed update leaves S3 holding the old policy, and the engine keeping the old state (no ErrorResourceInitFailed)", async () => {
        const bucket = await newBucket("lost-update");
        const created = await fx.host.create(bucket, await checked(bucket, policyFor(bucket, "Old")));
        fx.proxy.setRules([{ bucket, operation: "PutBucketPolicy", fault: "InternalError" }]);
        const next = await checked(bucket, policyFor(bucket, "New", ["s3:GetObject", "s3:GetObjectTagging"]));
        const error = await hostFailure(fx.host.update(bucket, bucket, created.outputs, next));
        expect(error.message).toMatch(/^PutBucketPolicy on bucket .* failed: InternalError \(HTTP 500\).*Gave up after/);
        // A plain error: the engine keeps the resource's old outputs as its state.
        expect(error.initFailed).toBeUndefined();
        expect(await livePolicy(fx.alice, bucket)).toBe(created.outputs.policy);
        // The old state and S3 agree: a refresh from it reports no drift.
        fx.proxy.setRules([]);
        expect((await fx.host.read(bucket, bucket, created.outputs)).outputs.policy).toBe(created.outputs.policy);
    });

    it("a put whose answer is lost once is retried and succeeds (putting a policy is idempotent)", async () => {
        const bucket = await newBucket("lost-once");
        dropPuts.set(bucket, 1);
        const created = await fx.host.create(bucket, await checked(bucket, policyFor(bucket, "Ours"), { retryTimeoutSeconds: 10 }));
        expect(dropper.dropped).toBeGreaterThanOrEqual(1);
        // RadosGW answered both puts with 204: the first answer never reached the provider.
        expect(ops(bucket)).toEqual(["GetBucketPolicy 404", "PutBucketPolicy 204", "PutBucketPolicy 204"]);
        expect(await livePolicy(fx.alice, bucket)).toBe(created.outputs.policy);
    });

    it("a create whose every put is applied but whose answers are lost is a partial create: ErrorResourceInitFailed with the id and the properties S3 holds", async () => {
        const bucket = await newBucket("lost-create");
        dropPuts.set(bucket, Infinity);
        const policy = policyFor(bucket, "Applied");
        const news = await checked(bucket, policy);
        const error = await hostFailure(fx.host.create(bucket, news));
        expect(
            policyCalls(fx.proxy, bucket)
                .filter((r) => r.operation === "PutBucketPolicy")
                .every((r) => r.status === 204),
        ).toBe(true);
        expect(error.message).toMatch(
            /^PutBucketPolicy on bucket .* failed: ECONNRESET.*Gave up after \d+ attempts.*Retried: \d+ × ECONNRESET \(network error\)\.$/,
        );
        expect(error.initFailed).toBeDefined();
        const initFailed = error.initFailed as NonNullable<HostCallError["initFailed"]>;
        expect(initFailed.id).toBe(bucket);
        expect(initFailed.properties.policy).toBe(news.policy);
        expect(initFailed.properties.bucket).toBe(bucket);
        expect(initFailed.properties).not.toHaveProperty("canonicalPolicy");
        // The engine stores these properties as the resource's state; refresh and delete load the provider from them.
        expect(initFailed.properties.__provider).toBe(fx.serializedProvider);
        expect(initFailed.reasons).toEqual([expect.stringMatching(/^the put reported an error but S3 holds the new policy: PutBucketPolicy on bucket/)]);
        // What the engine records is what S3 holds.
        expect(policiesEquivalent((await livePolicy(fx.alice, bucket)) as string, initFailed.properties.policy as string)).toBe(true);
        // And the next up can carry on from it: a refresh finds the policy, a delete removes it.
        dropPuts.clear();
        expect((await fx.host.read(bucket, bucket, initFailed.properties)).outputs.policy).toBe(news.policy);
        await fx.host.delete(bucket, bucket, initFailed.properties);
        expect(await livePolicy(fx.alice, bucket)).toBeUndefined();
    });

    it("an update whose put is applied but whose answer is lost is a partial update carrying the new properties", async () => {
        const bucket = await newBucket("lost-update-applied");
        const created = await fx.host.create(bucket, await checked(bucket, policyFor(bucket, "Old")));
        dropPuts.set(bucket, Infinity);
        const next = await checked(bucket, policyFor(bucket, "New", ["s3:GetObject", "s3:GetObjectTagging"]));
        const error = await hostFailure(fx.host.update(bucket, bucket, created.outputs, next));
        expect(error.initFailed?.properties.policy).toBe(next.policy);
        expect(await livePolicy(fx.alice, bucket)).toBe(next.policy);
    });

    it("a failed update while someone else changed the policy records what S3 holds (a third policy), not the old one", async () => {
        const bucket = await newBucket("lost-third");
        const created = await fx.host.create(bucket, await checked(bucket, policyFor(bucket, "Old")));
        const third = policyFor(bucket, "SomeoneElses", ["s3:PutObject"]);
        await fx.alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: third }));
        fx.proxy.setRules([{ bucket, operation: "PutBucketPolicy", fault: "SlowDown" }]);
        const error = await hostFailure(
            fx.host.update(bucket, bucket, created.outputs, await checked(bucket, policyFor(bucket, "New", ["s3:GetObject", "s3:GetObjectTagging"]))),
        );
        expect(error.initFailed?.properties.policy).toBe(third);
        expect(error.initFailed?.properties.__provider).toBe(fx.serializedProvider);
        expect(error.initFailed?.reasons).toEqual([expect.stringMatching(/^the put failed and S3 holds a third policy/)]);
        expect(await livePolicy(fx.alice, bucket)).toBe(third);
    });

    it("a failed create of a policy that never landed records nothing (plain error) and leaves the bucket as it was", async () => {
        const bucket = await newBucket("lost-create-none");
        fx.proxy.setRules([{ bucket, operation: "PutBucketPolicy", fault: "reset" }]);
        const error = await hostFailure(fx.host.create(bucket, await checked(bucket, policyFor(bucket, "Never"))));
        expect(error.initFailed).toBeUndefined();
        expect(await livePolicy(fx.alice, bucket)).toBeUndefined();
    });
});
