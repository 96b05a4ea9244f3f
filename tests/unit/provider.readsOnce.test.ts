/**
 * One reading per text: a preview of a changed resource (`check`, then `diff`) and the `update` that follows read
 * each policy text once, however many rules run on it. Counted by a spy on `parsePolicy`, the only reader of a text;
 * S3 is a recording stand-in (a mock: the count, not S3, is what is tested).
 */
import * as parse from "../../provider/policy/parse";
import { policiesEquivalent } from "../../provider/policy";
import { fingerprint, forgetModels, modelOf } from "../../provider/policy/read";
import { BucketPolicyProvider } from "../../provider/provider";
import type { BucketPolicyInputs, BucketPolicyOutputs } from "../../provider/inputs";

const bucket = "reads-once-bucket";

/** A policy text unique to this run (so no earlier test has read it), written the way a program's JSON.stringify writes it. */
function policyText(sid: string, actions: string[], pretty = false): string {
    const document = {
        Statement: [
            { Resource: [`arn:aws:s3:::${bucket}/*`], Action: actions, Principal: { AWS: "111122223333" }, Effect: "Allow", Sid: sid },
            { Sid: `${sid}Deny`, Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: `arn:aws:s3:::${bucket}/*` },
        ],
        Version: "2012-10-17",
    };
    return JSON.stringify(document, null, pretty ? 2 : undefined);
}

function recordingS3(): { calls: string[]; send(command: { constructor: { name: string } }): Promise<unknown> } {
    const calls: string[] = [];
    return {
        calls,
        async send(command) {
            calls.push(command.constructor.name);
            return {};
        },
    };
}

describe("a preview and an update of a changed policy read each text once (parsePolicy spy, recording S3 mock)", () => {
    afterEach(() => jest.restoreAllMocks());

    it("check, diff and update: the old text once, the new text once, the formatted text never", async () => {
        const run = `Run${Date.now()}${Math.floor(Math.random() * 1e6)}`;
        const s3 = recordingS3();
        const provider = new BucketPolicyProvider(() => s3);
        // The state a previous up left, as a new provider process meets it: a text it has not read yet.
        const olds: BucketPolicyOutputs = { bucket, policy: policyText(run, ["s3:GetObject"]) };

        const reads = jest.spyOn(parse, "parsePolicy");
        const written = policyText(run, ["s3:GetObject", "s3:ListBucket"], true);
        const checked = await provider.check(olds as unknown as Record<string, unknown>, { bucket, policy: written });
        expect(checked.failures).toEqual([]);
        const news = checked.inputs as BucketPolicyInputs;
        expect(news.policy).not.toBe(written); // check returns the formatted text, which the engine sends back
        const diff = await provider.diff(bucket, olds, news);
        expect(diff.changes).toBe(true);
        await provider.update(bucket, olds, news);
        expect(s3.calls).toEqual(["PutBucketPolicyCommand"]);

        const texts = reads.mock.calls.map(([policy]) => policy);
        expect(texts.filter((text) => text === written)).toHaveLength(1);
        expect(texts.filter((text) => text === olds.policy)).toHaveLength(1);
        expect(texts.filter((text) => text === news.policy)).toHaveLength(0);
        expect(texts).toHaveLength(2);
    });

    it("a preview of an unchanged resource reads only the program's text (the state's text is the one check returns)", async () => {
        const run = `Same${Date.now()}${Math.floor(Math.random() * 1e6)}`;
        const provider = new BucketPolicyProvider(() => recordingS3());
        const written = policyText(run, ["s3:GetObject"], true);
        // The state's text as a previous up stored it (what check returned then), not read in this process yet.
        const stored = (await provider.check({}, { bucket, policy: written })).inputs.policy as string;
        forgetModels(); // a new provider process
        const reads = jest.spyOn(parse, "parsePolicy");
        const checked = await provider.check({}, { bucket, policy: written });
        const news = checked.inputs as BucketPolicyInputs;
        expect(news.policy).toBe(stored);
        expect((await provider.diff(bucket, { bucket, policy: stored }, news)).changes).toBe(false);
        expect(reads.mock.calls.map(([policy]) => policy)).toEqual([written]);
    });

    it("a formatted text that dropped a repeat is read on its own (it is not the same model)", async () => {
        const run = `Dup${Date.now()}${Math.floor(Math.random() * 1e6)}`;
        const provider = new BucketPolicyProvider(() => recordingS3());
        const reads = jest.spyOn(parse, "parsePolicy");
        const written = policyText(run, ["s3:GetObject", "S3:GETOBJECT"]);
        const checked = await provider.check({}, { bucket, policy: written });
        const formatted = (checked.inputs as BucketPolicyInputs).policy;
        expect(formatted).not.toContain("S3:GETOBJECT");
        await provider.diff(bucket, { bucket, policy: formatted }, checked.inputs as BucketPolicyInputs);
        expect(reads.mock.calls.map(([policy]) => policy)).toEqual([written, formatted]);
    });
});

describe("the models kept per text (read.ts)", () => {
    it("tells apart texts with one fingerprint (they differ only where it does not look)", () => {
        const a = JSON.stringify({
            Statement: [{ Sid: "Read", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/" + "k".repeat(900) }],
        });
        let at = a.indexOf("kkk") + 1;
        while (fingerprint(a.slice(0, at) + "x" + a.slice(at + 1)) !== fingerprint(a)) at++;
        const b = a.slice(0, at) + "x" + a.slice(at + 1);
        expect(fingerprint(b)).toBe(fingerprint(a));
        expect(modelOf(a)).toBe(modelOf(a));
        expect(modelOf(b)).not.toBe(modelOf(a));
        expect(modelOf(b).statementAt(0).resources?.list.items).toEqual([JSON.parse(b).Statement[0].Resource]);
        expect(policiesEquivalent(a, b)).toBe(false);
    });

    it("keeps at most 256 texts and 1 MiB of text, dropping the oldest first", () => {
        forgetModels();
        const text = (i: number, size = 0) =>
            JSON.stringify({
                Statement: [{ Sid: `S${i}`, Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/" + "k".repeat(size) }],
            });
        const reads = jest.spyOn(parse, "parsePolicy");
        const first = modelOf(text(0));
        for (let i = 1; i < 256; i++) modelOf(text(i));
        expect(modelOf(text(0))).toBe(first); // 256 kept
        modelOf(text(256));
        expect(modelOf(text(0))).not.toBe(first); // the first kept made room
        expect(modelOf(text(2))).toBe(modelOf(text(2)));
        expect(reads.mock.calls.filter(([policy]) => policy === text(0))).toHaveLength(2);
        expect(reads.mock.calls.filter(([policy]) => policy === text(255))).toHaveLength(1);
        forgetModels();
        const big = modelOf(text(0, 20_000));
        for (let i = 1; i < 60; i++) modelOf(text(i, 20_000));
        expect(modelOf(text(0, 20_000))).not.toBe(big); // 60 × 20 KB is more than 1 MiB
    });
});
