/**
 * The plugin's notices, sent to the engine's log. The engine hides a provider plugin's stdout and stderr (only the
 * dynamic-provider host's lines become diagnostics: `isDynamicPluginBinary`, sdk/go/common/resource/plugin/plugin.go,
 * v3.274.1), so a warning printed there would never reach the user. The engine's `Log` call shows it as a diagnostic
 * of its severity, which the CLI labels itself: the notice's own `info: ` or `warning: ` is dropped.
 */
import * as path from "node:path";
import { CONSOLE_NOTICES, Notices } from "../provider";

/** LogSeverity of pulumirpc (proto/pulumi/engine.proto). */
const INFO = 1;
const WARNING = 2;

interface LogRequest {
    setSeverity(severity: number): void;
    setMessage(message: string): void;
}
interface EngineClient {
    log(request: LogRequest, callback: (error: Error | null) => void): void;
}

/** Notices sent to the engine at `address` (the first argument the engine starts the plugin with); console without one. */
export function engineNotices(address: string | undefined): Notices {
    if (!address) return CONSOLE_NOTICES;
    // The protos and gRPC as @pulumi/pulumi resolves them: the engine client its own runtime uses.
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved from @pulumi/pulumi's own folder
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the plugin has an engine
    const { EngineClient } = require("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineClient: new (address: string, credentials: unknown) => EngineClient };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
    const { LogRequest } = require("@pulumi/pulumi/proto/engine_pb") as { LogRequest: new () => LogRequest };
    const client = new EngineClient(address, grpc.credentials.createInsecure());
    const send = (severity: number, text: string) =>
        new Promise<void>((resolve) => {
            const request = new LogRequest();
            request.setSeverity(severity);
            request.setMessage(text.replace(/^(info|warning): /, ""));
            // A notice the engine cannot take is still shown somewhere: on stderr, which the engine logs at debug level.
            client.log(request, (error) => {
                if (error) console.error(text);
                resolve();
            });
        });
    return { info: (text) => send(INFO, text), warn: (text) => send(WARNING, text) };
}
