/**
 * Jest global teardown of the s3, host and cli projects: stops the local S3 servers that ./globalSetup (or
 * ./globalSetup.cli) started for this run, and nothing else (a server reused through its env variable keeps running).
 *
 * Per-project teardown is safe here: jest 30 (`runJest` in @jest/core) runs the global teardowns only after
 * `scheduleTests` has finished every selected test of every project (or, with `--bail`, after the run is cut short),
 * never while a project still runs; and it runs each distinct module once, so the three projects share this one
 * call. It is idempotent anyway: the state is taken off `globalThis` on the first call.
 */
import { LocalS3RunState, STATE_KEY } from "./globalSetup";

/**
 * Jest's `globalTeardown(globalConfig, projectConfig)`.
 * @throws Error from a stop script that failed (after one synchronous retry of that stop).
 */
export default async function globalTeardown(_globalConfig?: unknown, _projectConfig?: unknown): Promise<void> {
    const holder = globalThis as typeof globalThis & { [STATE_KEY]?: LocalS3RunState };
    const state = holder[STATE_KEY];
    if (!state) return;
    delete holder[STATE_KEY];
    state.removeHandlers();
    const failures: unknown[] = [];
    await Promise.all(
        state.servers.map(async (server) => {
            if (server.previousEnvFile === undefined) delete process.env[server.envVar];
            else process.env[server.envVar] = server.previousEnvFile;
            const started = Date.now();
            try {
                await server.stop();
                process.stderr.write(`[local-s3] stopped ${server.label} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
            } catch (error) {
                server.stopNow();
                failures.push(error);
            }
        }),
    );
    if (failures.length) throw failures[0];
}
