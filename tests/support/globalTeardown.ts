/**
 * Jest global teardown: stops the local S3 server that {@link globalSetup} started for this run, and nothing else (a
 * server reused through `LOCAL_S3_ENV_FILE` keeps running).
 */
import { stopLocalS3 } from "./localS3";
import { LocalS3RunState, STATE_KEY } from "./globalSetup";

/**
 * Jest's `globalTeardown(globalConfig, projectConfig)`.
 * @throws Error from {@link stopLocalS3} when the stop script fails (after one synchronous retry of the stop).
 */
export default async function globalTeardown(_globalConfig?: unknown, _projectConfig?: unknown): Promise<void> {
    const holder = globalThis as typeof globalThis & { [STATE_KEY]?: LocalS3RunState };
    const state = holder[STATE_KEY];
    if (!state) return;
    delete holder[STATE_KEY];
    state.removeHandlers();
    if (state.previousEnvFile === undefined) delete process.env.LOCAL_S3_ENV_FILE;
    else process.env.LOCAL_S3_ENV_FILE = state.previousEnvFile;
    const started = Date.now();
    try {
        await stopLocalS3(state.env, { purge: true });
    } catch (error) {
        state.stopNow();
        throw error;
    }
    process.stderr.write(`[local-s3] stopped ${state.env.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
