/**
 * Every bad input in the table (tests/support/badInputs.ts) is refused by `BucketPolicyProvider.check`, the method the
 * dynamic-provider host calls for the engine's Check: as a check failure (returned, not thrown) that names the input
 * (as its property; for the policy, in its reason only, with the statement and element) and says why, without echoing
 * a credential, and before any S3 client is made. The same rows through the real host over gRPC: tests/host/badInput.host.test.ts.
 */
import { BucketPolicyProvider } from "../../provider/provider";
import { BAD_INPUTS, BUCKET, badInputs, expectedFailure, inputOf } from "../support/badInputs";

describe("BucketPolicyProvider.check on bad input", () => {
    let clientsMade = 0;
    const provider = new BucketPolicyProvider(() => {
        clientsMade++;
        throw new Error("check must not make an S3 client");
    });
    const inputs = (change: Record<string, unknown>) => badInputs(change, { endpoint: "http://127.0.0.1:1" });

    beforeEach(() => {
        clientsMade = 0;
    });

    it("has a table of at least 50 distinct bad inputs, and the valid inputs they start from pass", async () => {
        expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(50);
        expect(new Set(BAD_INPUTS.map((b) => b.name)).size).toBe(BAD_INPUTS.length);
        const checked = await provider.check({}, inputs({}));
        expect(checked.failures).toEqual([]);
        expect(checked.inputs?.bucket).toBe(BUCKET);
    });

    it.each(BAD_INPUTS)("$name → a failure about $property", async (row) => {
        const checked = await provider.check({}, inputs(row.change));
        expect(checked.failures).toContainEqual(expectedFailure(row));
        // Every failure's reason starts with the input it is about (one the resource has, or the unknown one it was given).
        for (const failure of checked.failures ?? []) expect(failure.reason.startsWith(inputOf(failure))).toBe(true);
        expect(JSON.stringify(checked.failures)).not.toContain("hunter2secret");
        expect(clientsMade).toBe(0);
    });
});
