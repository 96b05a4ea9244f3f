/**
 * Bad input through the real dynamic-provider host's Check over gRPC (protobuf Struct and all): a few representative
 * rows of the bad-input table (tests/support/badInputs.ts; the whole table runs in tests/unit/provider.badInput.test.ts)
 * come back as check failures that name the input (the policy in the reason only), never as a crash of the host, and with no S3 call at all (the
 * recording proxy counts them): non-JSON text, a document nested 500 levels deep as a Struct, 100 000 levels of JSON
 * text, a credential in the endpoint that must not be echoed, and an input the resource does not have.
 */
import { Props } from "../support/providerHost";
import { useHostFixture } from "../support/hostFixture";
import { BUCKET, badInputs, badInputsNamed, expectedFailure, inputOf } from "../support/badInputs";

const THROUGH_THE_HOST = badInputsNamed(
    "policy: invalid JSON",
    "policy: very deep nesting in an object",
    "policy: very deep nesting in JSON text (100 000 levels)",
    "endpoint: ftp with credentials (not echoed)",
    "an input BucketPolicy does not have (misspelt)",
);

describe("bad input through the real host's Check", () => {
    const fx = useHostFixture();
    const inputs = (change: Props): Props => badInputs(change, fx.inputs(BUCKET));

    it("passes the valid inputs the bad ones start from", async () => {
        expect((await fx.host.check(BUCKET, {}, inputs({}))).failures).toEqual([]);
    });

    it.each(THROUGH_THE_HOST)("$name → a failure about $property, and no S3 call", async (row) => {
        const checked = await fx.host.check(BUCKET, {}, inputs(row.change));
        // Over gRPC too, a failure about the policy names no property (the engine would print the document before it).
        expect(checked.failures).toContainEqual(expectedFailure(row));
        for (const failure of checked.failures) expect(failure.reason.startsWith(inputOf(failure))).toBe(true);
        expect(JSON.stringify(checked.failures)).not.toContain("hunter2secret");
        expect(fx.proxy.requests).toHaveLength(0);
    });

    it("leaves the host healthy: it still checks valid inputs, and has not exited", async () => {
        expect((await fx.host.check(BUCKET, {}, inputs({}))).failures).toEqual([]);
        expect(fx.host.child.exitCode).toBeNull();
    });
});
