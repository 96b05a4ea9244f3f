/**
 * `BucketPolicy` registers without the stack traces the Node SDK takes for every registered property (provider/
 * stackTraces.ts), under pulumi.runtime.setMocks: the SDK's promises for its properties carry no frames while another
 * resource's do (if the SDK stops taking them, that test says so), the traces are kept when PULUMI_DEBUG_PROMISE_LEAKS
 * is set, the process's limit is restored, the source position the engine keeps in state still names the program's
 * line, and an error thrown while registering still leads to it.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketPolicy } from "../../provider";
import { DEBUG_PROMISE_LEAKS_ENV } from "../../provider/stackTraces";

/** What the SDK's registration sent the engine: each resource's source position (`file:line`). */
const sourcePositions = new Map<string, string>();
pulumi.runtime.setMocks(
    { newResource: async (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: async (args) => args.inputs },
    "s3-bucket-policy",
    "test",
    false,
);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's mock monitor, to read the request it gets
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
    MockMonitor: { prototype: { registerResource(req: RegisterRequest, cb: unknown): unknown } };
};
interface RegisterRequest {
    getName(): string;
    getSourceposition(): { getUri(): string; getLine(): number } | undefined;
}
const register = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: unknown, req: RegisterRequest, cb: unknown) {
    const position = req.getSourceposition();
    if (position) sourcePositions.set(req.getName(), `${position.getUri()}:${position.getLine()}`);
    return register.call(this, req, cb);
};

/** The SDK's leak candidates: pending promises with the context and the trace it took for each. */
function registrationTraces(resourceName: string): string[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal store (runtime/state.js)
    const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<{ _debugCtx?: string; _debugStackTrace?: string }> } };
    return [...getStore().leakCandidates]
        .filter((p) => p._debugCtx?.startsWith(`transferProperty(resource:${resourceName}[`))
        .map((p) => String(p._debugStackTrace));
}
const hasFrames = (trace: string) => /\n\s+at /.test(trace);
const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
});

class Other extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:Other", name, { bucket: "b", policy });
    }
}

describe("BucketPolicy's registration and the SDK's stack traces", () => {
    const saved = Error.stackTraceLimit;
    afterEach(() => {
        Error.stackTraceLimit = saved;
        delete process.env[DEBUG_PROMISE_LEAKS_ENV];
    });

    it("takes none for its properties (another resource's have frames), and restores the process's limit", () => {
        Error.stackTraceLimit = 17;
        new BucketPolicy("quiet", { bucket: "b", policy });
        new Other("other");
        expect(Error.stackTraceLimit).toBe(17);
        const quiet = registrationTraces("quiet");
        // bucket, policy, ownershipId, __provider, each with its promises
        expect(quiet.length).toBeGreaterThanOrEqual(4);
        expect(quiet.filter(hasFrames)).toEqual([]);
        const other = registrationTraces("other");
        expect(other.length).toBeGreaterThanOrEqual(2);
        expect(other.every(hasFrames)).toBe(true);
    });

    it("takes them as the SDK does when PULUMI_DEBUG_PROMISE_LEAKS is set", () => {
        process.env[DEBUG_PROMISE_LEAKS_ENV] = "1";
        new BucketPolicy("debugged", { bucket: "b", policy });
        const traces = registrationTraces("debugged");
        expect(traces.length).toBeGreaterThanOrEqual(4);
        expect(traces.every(hasFrames)).toBe(true);
    });

    it("keeps the source position the engine records: the program's line that declared the resource", async () => {
        const line = Number(new Error().stack?.split("\n")[1].match(/:(\d+):\d+\)?$/)?.[1]) + 1;
        new BucketPolicy("positioned", { bucket: "b", policy });
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(sourcePositions.get("positioned")).toMatch(new RegExp(`stackTraces\\.program\\.test\\.ts:${line}$`));
    });

    it("an error thrown while registering has the frames of the program that declared it, and the limit is restored", () => {
        Error.stackTraceLimit = 17;
        let thrown: unknown;
        try {
            new BucketPolicy("", { bucket: "b", policy });
        } catch (error) {
            thrown = error;
        }
        expect(thrown).toBeInstanceOf(Error);
        expect((thrown as Error).message).toMatch(/name/i);
        expect((thrown as Error).stack).toMatch(/stackTraces\.program\.test\.ts:\d+/);
        expect(Error.stackTraceLimit).toBe(17);
    });
});
