/**
 * New access known at preview, through the real engine on RadosGW (issue 22, item 4): after a change of policy,
 * `pulumi preview` shows the access-change line once for the changed resource and none for an unchanged one; with the
 * stack config `bucketPolicy:denyNewAccess true`, `pulumi preview` (a plain process, as a pipeline runs it) exits
 * non-zero with the reason first. The assertions hold whichever verdict the analysis gives a change that adds an Allow
 * ("granted" from a correct analysis, "possible" from the placeholder), so they test the wiring and the channel.
 * One stack: one up, one preview, one refused preview.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { useCliSuite } from "../support/pulumiCli";

jest.setTimeout(240_000);

describe("the real engine: new access known at preview", () => {
    const cli = useCliSuite();

    const allow = (bucket: string, sid: string, user: string) => ({
        Sid: sid,
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::111122223333:user/${user}` },
        Action: "s3:ListBucket",
        Resource: `arn:aws:s3:::${bucket}`,
    });
    const aliceOnly = (bucket: string) => ({ Version: "2012-10-17", Statement: [allow(bucket, "AliceList", "alice")] });
    /** aliceOnly plus bob: new access by any correct analysis. */
    const aliceAndBob = (bucket: string) => ({ Version: "2012-10-17", Statement: [allow(bucket, "AliceList", "alice"), allow(bucket, "AllowBobList", "bob")] });
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    /** The access-change line of an update, whichever verdict the analysis gives a change that adds an Allow. */
    const changeLine = (bucket: string) =>
        new RegExp(
            `^info: bucket ${escape(bucket)}: (this change grants new access: Statement\\[1\\] \\(Sid "AllowBobList"\\)|this change may grant new access \\(cannot prove it does not\\): )`,
        );

    it("preview shows the line once for the changed resource and none for the unchanged one; denyNewAccess makes preview fail, reason first", async () => {
        const scenario = await cli.stack("access");
        const [changed, same] = await Promise.all([cli.buckets.newBucket("cli-access-changed"), cli.buckets.newBucket("cli-access-same")]);

        // Create: compared with no policy, and said so (in each phase of `up`, which both call check).
        scenario.declare([
            { name: "changed", bucket: changed, policy: aliceOnly(changed) },
            { name: "same", bucket: same, policy: aliceOnly(same) },
        ]);
        let upOutput = "";
        await scenario.stack.up({ onOutput: (text) => (upOutput += text) });
        expect(upOutput).toMatch(new RegExp(`info: bucket ${escape(changed)}: new policy, compared with no policy: `));

        // Change one policy; rewrite the other in another order and spelling (same meaning: no analysis, no line).
        const rewritten = { Statement: [{ ...allow(same, "AliceList", "alice"), Action: ["S3:listbucket"] }], Version: "2012-10-17" };
        scenario.declare([
            { name: "changed", bucket: changed, policy: aliceAndBob(changed) },
            { name: "same", bucket: same, policy: JSON.stringify(rewritten, null, 2) },
        ]);
        const diagnostics: { message: string; severity: string }[] = [];
        let output = "";
        await scenario.stack.preview({
            onOutput: (text) => (output += text),
            onEvent: (event: EngineEvent) => {
                if (event.diagnosticEvent) diagnostics.push({ message: event.diagnosticEvent.message.trim(), severity: event.diagnosticEvent.severity });
            },
        });
        const about = (bucket: string) => diagnostics.filter((d) => d.message.startsWith(`info: bucket ${bucket}: `));
        const lines = about(changed);
        expect(lines.length).toBeGreaterThanOrEqual(1);
        for (const line of lines) {
            expect(line.message).toMatch(changeLine(changed));
            expect(line.severity).toBe("info");
        }
        // Once: check ran once for the resource, and each line is one diagnostic, shown once in the summary.
        expect(new Set(lines.map((line) => line.message)).size).toBe(lines.length);
        const summary = output.slice(output.lastIndexOf("Diagnostics:"));
        for (const line of lines) expect(summary.split(line.message).length - 1).toBe(1);
        expect(about(same)).toEqual([]);

        // The gate, from the stack config, as a pipeline runs preview: a non-zero exit, the reason first.
        await scenario.stack.setConfig("bucketPolicy:denyNewAccess", { value: "true" });
        const run = await cli.run(scenario.stack.name, ["preview", "--non-interactive"]);
        expect(run.code).not.toBe(0);
        const all = run.stdout + run.stderr;
        expect(all).toMatch(
            new RegExp(`resource 'changed' has a problem: this change of the policy of bucket ${escape(changed)} (grants new access|may grant new access)`),
        );
        // The failure names no property: the engine would print the whole policy before the reason.
        expect(all).not.toContain("property policy value");
        expect(all).toMatch(/acceptNewAccess/);
        expect(all).not.toContain(`bucket ${same}`);
        expect(all).not.toMatch(new RegExp(`info: bucket ${escape(changed)}:`));
    });
});
