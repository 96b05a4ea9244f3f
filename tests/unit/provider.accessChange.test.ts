/**
 * The access-change note and gate of `check` (issue 22, item 4), in process, with no S3: which line `check` prints and
 * when, when `analyzeAccessChange` runs at all, how `denyNewAccess` (input or stack config) and `acceptNewAccess` gate,
 * and the inputs' errors. The analysis is spied on: tests of wording give it a verdict; the others pass with whatever
 * it answers (the placeholder's "possible" or a real analysis's "granted").
 */
import * as analyze from "../../provider/access/analyze";
import type { AccessChangeAnalysis, AccessFinding } from "../../provider/access/types";
import { BucketPolicyOutputs, UNKNOWN } from "../../provider/inputs";
import { BucketPolicyProvider } from "../../provider/provider";
import { changeFingerprint } from "../../provider/validate/accessChange";

const bucket = "logs";
const statement = (sid: string, user: string, action: string) => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::111122223333:user/${user}` },
    Action: action,
    Resource: `arn:aws:s3:::${bucket}`,
});
const readOnly = { Version: "2012-10-17", Statement: [statement("AliceList", "alice", "s3:ListBucket")] };
/** readOnly plus a statement that lets bob list the bucket: new access by any correct analysis. */
const widened = { Version: "2012-10-17", Statement: [...readOnly.Statement, statement("AllowBobList", "bob", "s3:ListBucket")] };

const finding = (fingerprint: string, index: number, sid: string): AccessFinding => ({
    kind: "allowed",
    statementIndex: index,
    statementId: sid,
    policy: "after",
    witness: { principal: { type: "AWS", id: "arn:aws:iam::111122223333:user/bob" }, action: "s3:listbucket", resource: `arn:aws:s3:::${bucket}`, context: {} },
    description: `Statement[${index}] (Sid "${sid}") lets arn:aws:iam::111122223333:user/bob s3:ListBucket on arn:aws:s3:::${bucket}`,
    fingerprint,
});
const granted: AccessChangeAnalysis = {
    newAccess: "granted",
    findings: [finding("fp-bob-list", 1, "AllowBobList"), finding("fp-bob-get", 1, "AllowBobList")],
    reasons: [],
};
const none: AccessChangeAnalysis = { newAccess: "none", findings: [], reasons: [] };
const possible: AccessChangeAnalysis = { newAccess: "possible", findings: [], reasons: ["Statement[1]: NotPrincipal", "Statement[2]: a policy variable"] };

let provider: BucketPolicyProvider;
let analysis: jest.SpyInstance;
let log: jest.SpyInstance;

beforeEach(() => {
    provider = new BucketPolicyProvider(() => {
        throw new Error("check must never make an S3 client");
    });
    analysis = jest.spyOn(analyze, "analyzeAccessChange");
    log = jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

/** The old inputs as the engine sends them to check: what an earlier check returned. */
async function stored(policy: object, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const result = await new BucketPolicyProvider().check({}, { bucket, policy: JSON.stringify(policy), ...extra });
    expect(result.failures).toEqual([]);
    return result.inputs;
}

/** check(olds, news), the lines it printed, and its failures. */
async function check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    log.mockClear();
    analysis.mockClear();
    const result = await provider.check(olds, { bucket, ...news });
    const lines = log.mock.calls.flatMap((call) => String(call[0]).split("\n"));
    return { result, lines, failures: result.failures ?? [] };
}

/** Either verdict a change that adds an Allow may get: "granted" (a correct analysis) or "possible" (the placeholder). */
const changedLine = (start: string) =>
    new RegExp(
        `^info: ${start.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(this change grants new access: Statement\\[1\\]|this change may grant new access \\(cannot prove it does not\\): .+)`,
    );

describe("check: the access-change note", () => {
    it("says what a changed policy grants, on one line per finding, and asks the analysis once with the old and new text", async () => {
        const olds = await stored(readOnly);
        const { result, lines, failures } = await check(olds, { policy: JSON.stringify(widened) });
        expect(failures).toEqual([]);
        expect(analysis).toHaveBeenCalledTimes(1);
        expect(analysis).toHaveBeenCalledWith(olds.policy, result.inputs.policy, { bucket });
        expect(lines.length).toBeGreaterThanOrEqual(1);
        for (const line of lines) expect(line).toMatch(changedLine(`bucket ${bucket}: `));
    });

    it("says nothing, and does not run the analysis, when the new policy means the same (a rewrite in another order and spelling)", async () => {
        const olds = await stored(readOnly);
        const rewritten = {
            Statement: [
                {
                    Resource: [`arn:aws:s3:::${bucket}`],
                    Action: ["S3:listbucket"],
                    Principal: { AWS: ["arn:aws:iam::111122223333:user/alice"] },
                    Effect: "Allow",
                    Sid: "AliceList",
                },
            ],
            Version: "2012-10-17",
        };
        const { failures, lines } = await check(olds, { policy: JSON.stringify(rewritten, null, 2) });
        expect(failures).toEqual([]);
        expect(analysis).not.toHaveBeenCalled();
        expect(lines).toEqual([]);
    });

    it("does not run the analysis when only other inputs change, even with denyNewAccess set", async () => {
        const olds = await stored(readOnly);
        const { failures, lines } = await check(olds, { policy: olds.policy, denyNewAccess: true, acceptNewAccess: ["x"], retryTimeoutSeconds: 5 });
        expect(failures).toEqual([]);
        expect(analysis).not.toHaveBeenCalled();
        expect(lines).toEqual([]);
    });

    it("words each verdict: one line per finding, no new access, or may grant with the reasons joined", async () => {
        const olds = await stored(readOnly);
        const news = { policy: JSON.stringify(widened) };
        analysis.mockReturnValue(granted);
        expect((await check(olds, news)).lines).toEqual([
            `info: bucket logs: this change grants new access: ${granted.findings[0].description}`,
            `info: bucket logs: this change grants new access: ${granted.findings[1].description}`,
        ]);
        analysis.mockReturnValue(none);
        expect((await check(olds, news)).lines).toEqual(["info: bucket logs: no new access"]);
        analysis.mockReturnValue(possible);
        expect((await check(olds, news)).lines).toEqual([
            "info: bucket logs: this change may grant new access (cannot prove it does not): Statement[1]: NotPrincipal; Statement[2]: a policy variable",
        ]);
    });

    it("compares a new resource with no policy, and says so", async () => {
        const { lines, result } = await check({}, { policy: JSON.stringify(readOnly) });
        expect(analysis).toHaveBeenCalledWith(undefined, result.inputs.policy, { bucket });
        expect(lines.length).toBeGreaterThanOrEqual(1);
        for (const line of lines)
            expect(line).toMatch(/^info: bucket logs: new policy, compared with no policy: (this change grants new access: |this change may grant new access)/);
        analysis.mockReturnValue(none);
        expect((await check({}, { policy: JSON.stringify(readOnly) })).lines).toEqual([
            "info: bucket logs: new policy, compared with no policy: no new access",
        ]);
    });

    it("compares a resource replaced onto another bucket with no policy (the old policy was on the old bucket)", async () => {
        const olds = await stored(readOnly);
        analysis.mockReturnValue(none);
        const moved = { Version: "2012-10-17", Statement: [{ ...readOnly.Statement[0], Resource: "arn:aws:s3:::other-logs" }] };
        const { lines, result, failures } = await check(olds, { bucket: "other-logs", policy: JSON.stringify(moved) });
        expect(failures).toEqual([]);
        expect(analysis).toHaveBeenCalledWith(undefined, result.inputs.policy, { bucket: "other-logs" });
        expect(lines).toEqual(["info: bucket other-logs: new policy, compared with no policy: no new access"]);
    });

    it("says nothing for a policy not known at preview; with denyNewAccess, that it will judge it during the update (where check sees the value)", async () => {
        const olds = await stored(readOnly);
        let run = await check(olds, { policy: UNKNOWN });
        expect(run.failures).toEqual([]);
        expect(run.lines).toEqual([]);
        expect(analysis).not.toHaveBeenCalled();
        run = await check(olds, { policy: UNKNOWN, denyNewAccess: true });
        expect(analysis).not.toHaveBeenCalled();
        expect(run.failures).toEqual([]);
        expect(run.lines).toEqual([
            "info: bucket logs: the policy is not known at preview; denyNewAccess will judge it during the update, once it is known and before anything is put",
        ]);
    });

    it("treats a fault of the analysis as possible: a note without the gate, a failure with it", async () => {
        const olds = await stored(readOnly);
        analysis.mockImplementation(() => {
            throw new Error("boom");
        });
        let run = await check(olds, { policy: JSON.stringify(widened) });
        expect(run.failures).toEqual([]);
        expect(run.lines).toEqual(["info: bucket logs: this change may grant new access (cannot prove it does not): the analysis could not run: boom"]);
        run = await check(olds, { policy: JSON.stringify(widened), denyNewAccess: true });
        expect(run.failures).toEqual([{ property: "", reason: expect.stringContaining("the analysis could not run: boom") }]);
    });

    it("withholds who gains what for a secret policy (BucketPolicy's secretPolicy input marks one)", async () => {
        const olds = await stored(readOnly, { secretPolicy: true });
        analysis.mockReturnValue(granted);
        const { lines } = await check(olds, { policy: JSON.stringify(widened), secretPolicy: true });
        expect(lines).toEqual([
            "info: bucket logs: this change grants new access: Statement[1] (details withheld: the policy is secret)",
            "info: bucket logs: this change grants new access: Statement[1] (details withheld: the policy is secret)",
        ]);
        expect(lines.join("\n")).not.toContain("bob");
    });
});

describe("check: denyNewAccess and acceptNewAccess", () => {
    it("fails a change that grants or may grant new access (whichever the analysis answers), reason first, and prints no note", async () => {
        const olds = await stored(readOnly);
        const { failures, lines } = await check(olds, { policy: JSON.stringify(widened), denyNewAccess: true });
        expect(failures).toEqual([
            { property: "", reason: expect.stringMatching(/^this change of the policy of bucket logs (grants new access|may grant new access)/) },
        ]);
        expect(failures[0].reason).toContain("acceptNewAccess");
        expect(lines).toEqual([]);
    });

    it("lists each finding with its fingerprint and how to accept it; acceptNewAccess lets the listed ones through", async () => {
        const olds = await stored(readOnly);
        const policy = JSON.stringify(widened);
        analysis.mockReturnValue(granted);
        let run = await check(olds, { policy, denyNewAccess: true });
        expect(run.failures).toHaveLength(1);
        expect(run.failures[0].reason).toBe(
            "this change of the policy of bucket logs grants new access, and denyNewAccess is set: " +
                `fp-bob-list: ${granted.findings[0].description} | fp-bob-get: ${granted.findings[1].description}. ` +
                'After review, accept it by adding each fingerprint to acceptNewAccess (acceptNewAccess: ["fp-bob-list","fp-bob-get"]), or set denyNewAccess: false.',
        );
        run = await check(olds, { policy, denyNewAccess: true, acceptNewAccess: ["fp-bob-list"] });
        expect(run.failures).toEqual([{ property: "", reason: expect.stringContaining('(acceptNewAccess: ["fp-bob-get"])') }]);
        expect(run.failures[0].reason).not.toContain("fp-bob-list:");
        run = await check(olds, { policy, denyNewAccess: true, acceptNewAccess: ["fp-bob-get", "fp-bob-list"] });
        expect(run.failures).toEqual([]);
        expect(run.lines).toEqual([
            `info: bucket logs: this change grants new access: ${granted.findings[0].description} (accepted: acceptNewAccess lists fp-bob-list)`,
            `info: bucket logs: this change grants new access: ${granted.findings[1].description} (accepted: acceptNewAccess lists fp-bob-get)`,
        ]);
    });

    it("lets a reviewed possible change through by its change fingerprint, which is the same for any spelling of the two policies", async () => {
        const olds = await stored(readOnly);
        const policy = JSON.stringify(widened);
        analysis.mockReturnValue(possible);
        const change = changeFingerprint(String(olds.policy), policy);
        expect(change).toMatch(/^change-[0-9a-f]{12}$/);
        expect(changeFingerprint(JSON.stringify(readOnly, null, 2), JSON.stringify({ Statement: widened.Statement, Version: "2012-10-17" }))).toBe(change);
        expect(changeFingerprint(undefined, policy)).not.toBe(change);
        let run = await check(olds, { policy, denyNewAccess: true });
        expect(run.failures).toEqual([{ property: "", reason: expect.stringContaining(`acceptNewAccess: ["${change}"]`) }]);
        expect(run.failures[0].reason).toMatch(
            /^this change of the policy of bucket logs may grant new access \(cannot prove it does not: Statement\[1\]: NotPrincipal; Statement\[2\]: a policy variable\)/,
        );
        run = await check(olds, { policy, denyNewAccess: true, acceptNewAccess: [change] });
        expect(run.failures).toEqual([]);
        expect(run.lines).toEqual([expect.stringMatching(new RegExp(`\\(accepted: acceptNewAccess lists ${change}\\)$`))]);
    });

    it("passes a change with no new access, and says so", async () => {
        const olds = await stored(readOnly);
        analysis.mockReturnValue(none);
        const run = await check(olds, { policy: JSON.stringify(widened), denyNewAccess: true });
        expect(run.failures).toEqual([]);
        expect(run.lines).toEqual(["info: bucket logs: no new access"]);
    });

    it("words a refused new resource as compared with no policy", async () => {
        analysis.mockReturnValue(granted);
        const run = await check({}, { policy: JSON.stringify(widened), denyNewAccess: true });
        expect(run.failures[0].reason).toMatch(
            /^this new policy for bucket logs \(compared with no policy\) grants new access, and denyNewAccess is set: fp-bob-list: /,
        );
    });

    it("takes the default from the stack config bucketPolicy:denyNewAccess; the input wins", async () => {
        const olds = await stored(readOnly);
        const policy = JSON.stringify(widened);
        const configured = (value: string | undefined) =>
            provider.configure({ config: { get: (key: string) => (key === "bucketPolicy:denyNewAccess" ? value : undefined) } });
        await configured("true");
        expect((await check(olds, { policy })).failures).toEqual([
            { property: "", reason: expect.stringMatching(/^this change of the policy of bucket logs (grants|may grant) new access/) },
        ]);
        expect((await check(olds, { policy, denyNewAccess: false })).failures).toEqual([]);
        await configured("false");
        expect((await check(olds, { policy })).failures).toEqual([]);
        expect((await check(olds, { policy, denyNewAccess: true })).failures).toHaveLength(1);
        await configured(undefined);
        expect((await check(olds, { policy })).failures).toEqual([]);
        await configured("yes");
        expect((await check(olds, { policy: olds.policy })).failures).toEqual([
            { property: "denyNewAccess", reason: 'the stack config bucketPolicy:denyNewAccess must be "true" or "false", got "yes"' },
        ]);
    });

    it("refuses bad values, naming the input", async () => {
        const olds = await stored(readOnly);
        const failuresFor = async (news: Record<string, unknown>) => (await check(olds, { policy: olds.policy, ...news })).failures;
        expect(await failuresFor({ denyNewAccess: "yes" })).toEqual([
            { property: "denyNewAccess", reason: 'denyNewAccess must be a boolean, got a string ("yes")' },
        ]);
        expect(await failuresFor({ acceptNewAccess: "fp-bob-list" })).toEqual([
            {
                property: "acceptNewAccess",
                reason: 'acceptNewAccess must be a list of strings (fingerprints of reviewed new access), got a string ("fp-bob-list")',
            },
        ]);
        expect(await failuresFor({ acceptNewAccess: ["fp", 3] })).toEqual([
            {
                property: "acceptNewAccess",
                reason: "acceptNewAccess must be a list of non-empty strings (fingerprints of reviewed new access), got a number (3) at index 1",
            },
        ]);
        expect(await failuresFor({ acceptNewAccess: [""] })).toEqual([expect.objectContaining({ property: "acceptNewAccess" })]);
        expect(await failuresFor({ acceptNewAccess: UNKNOWN, denyNewAccess: UNKNOWN })).toEqual([]);
        expect(await failuresFor({ acceptNewAccess: ["fp", UNKNOWN] })).toEqual([]);
        expect(analysis).not.toHaveBeenCalled();
    });
});

describe("denyNewAccess and acceptNewAccess are no reason for an update, and never reach state or S3", () => {
    const outputs = async (): Promise<BucketPolicyOutputs> => {
        const inputs = (await stored(readOnly)) as unknown as BucketPolicyOutputs;
        // As 0.4.0 stored them: the derived outputs beside the inputs.
        return { ...inputs, canonicalPolicy: "c", isPublic: false, publicAccess: "not public" } as BucketPolicyOutputs;
    };

    it("diff: a change of either alone is no change", async () => {
        const olds = await outputs();
        const news = { ...olds, denyNewAccess: true, acceptNewAccess: ["fp-bob-list"] };
        expect(await provider.diff(bucket, olds, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        expect(await provider.diff(bucket, { ...olds, denyNewAccess: true } as BucketPolicyOutputs, { ...olds, denyNewAccess: false })).toMatchObject({
            changes: false,
        });
    });

    it("update of another input keeps them out of the outputs and makes no S3 call", async () => {
        const sent: unknown[] = [];
        const counting = new BucketPolicyProvider(() => ({ send: async (command: unknown) => void sent.push(command) }));
        const olds = await outputs();
        const { outs } = await counting.update(bucket, olds, { ...olds, retryTimeoutSeconds: 5, denyNewAccess: true, acceptNewAccess: ["fp"] });
        expect(sent).toEqual([]);
        expect(outs).not.toHaveProperty("denyNewAccess");
        expect(outs).not.toHaveProperty("acceptNewAccess");
    });
});
