/**
 * Registering a resource without the stack traces the Node SDK would take for nobody.
 *
 * For every property a resource registers, `@pulumi/pulumi` makes four promises and takes a stack trace for each,
 * formatted at once (`debuggablePromise`, runtime/debuggable.ts: `new Error().stack`), which under `ts-node`, how a
 * TypeScript program runs, maps every frame through source maps. The traces are printed only for promises still
 * pending at exit, and only when `PULUMI_DEBUG_PROMISE_LEAKS` is set. Per 1,000 resources that was 2–4 s of the
 * program's CPU, its largest single cost (docs/performance.md). During the registration, the limit of frames a trace
 * keeps is 0, so the traces cost nothing; the SDK's own call-site lookup (`Resource.callsites`, the resource's source
 * position in state) sets its own limit and is unaffected. With `PULUMI_DEBUG_PROMISE_LEAKS` set, nothing changes.
 */

/** The environment variable that makes the SDK print its traces (runtime/debuggable.ts `debugPromiseLeaks`). */
export const DEBUG_PROMISE_LEAKS_ENV = "PULUMI_DEBUG_PROMISE_LEAKS";

/** A pause of stack traces; `resume` restores the limit it found (and may be called more than once). */
export interface StackTracePause {
    resume(): void;
}

/** Stops stack traces from keeping frames until `resume`, unless promise leaks are being debugged. */
export function pauseStackTraces(env: NodeJS.ProcessEnv = process.env): StackTracePause {
    const limit = Error.stackTraceLimit;
    if (env[DEBUG_PROMISE_LEAKS_ENV]) return { resume: () => undefined };
    try {
        Error.stackTraceLimit = 0;
    } catch {
        return { resume: () => undefined }; // frozen intrinsics: traces stay as they are
    }
    let resumed = false;
    return {
        resume: () => {
            if (resumed) return;
            resumed = true;
            Error.stackTraceLimit = limit;
        },
    };
}

/**
 * An error thrown while traces were paused has no frames: it gets those of where it is caught now (above `below`,
 * e.g. the resource's constructor, so the trace leads to the program's line that declared the resource).
 */
export function withCallSite(error: unknown, below: abstract new (...args: never[]) => unknown): unknown {
    if (error instanceof Error && !/\n\s+at /.test(String(error.stack))) Error.captureStackTrace(error, below);
    return error;
}
