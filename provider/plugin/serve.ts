/**
 * Serves the plugin with `@pulumi/pulumi/provider`'s `main`, plus the one thing that server leaves out: provider
 * configuration. Its `Configure` answers the engine but never passes the configuration to the provider (3.248 through
 * 3.276), and the `Provider` interface has no method for it. So, before `main` registers its gRPC service, the service
 * implementation's `configure` is wrapped: the configuration is parsed (config.ts) and given to the plugin, or refused
 * with a message naming the key, and then the server's own `Configure` answers as before.
 *
 * The wrap goes through `@grpc/grpc-js` as `@pulumi/pulumi` resolves it (the same module instance its server uses);
 * tests/cli/plugin.cli.test.ts proves the configuration arrives through the real engine.
 */
import * as path from "node:path";
import * as providerServer from "@pulumi/pulumi/provider";
import type { BucketPolicyPlugin } from "./adapter";
import { ConfigError, parseConfig } from "./config";
import { engineNotices } from "./engineLog";

interface ConfigureRequest {
    getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
    getVariablesMap(): { entries(): { next(): { done?: boolean; value?: [string, string] } } } | Map<string, string>;
}
type Callback = (error: unknown, value?: unknown) => void;
type Handler = (call: { request: ConfigureRequest }, callback: Callback) => void;
interface GrpcServerClass {
    prototype: { addService(service: Record<string, { path?: string }>, implementation: Record<string, unknown>): void };
}

const CONFIGURE_PATH = "/pulumirpc.ResourceProvider/Configure";

/** The variables map of a ConfigureRequest as entries (jspb's Map iterates with its own iterator). */
function variablesOf(request: ConfigureRequest): Array<[string, string]> {
    const map = request.getVariablesMap();
    if (map instanceof Map) return [...map.entries()];
    const entries: Array<[string, string]> = [];
    const iterator = map.entries();
    for (let item = iterator.next(); !item.done; item = iterator.next()) if (item.value) entries.push(item.value);
    return entries;
}

/** Wraps the provider service's Configure so the plugin receives its configuration first. */
function interceptConfigure(plugin: BucketPolicyPlugin): void {
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the instance @pulumi/pulumi's server registers with
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as { Server: GrpcServerClass };
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service, implementation) {
        if (service.configure?.path !== CONFIGURE_PATH) return addService.call(this, service, implementation);
        const original = implementation.configure as Handler;
        const wrapped = Object.create(implementation) as Record<string, unknown>;
        wrapped.configure = (call: { request: ConfigureRequest }, callback: Callback) => {
            try {
                plugin.configure(parseConfig(call.request.getArgs()?.toJavaScript(), variablesOf(call.request)));
            } catch (error) {
                // INVALID_ARGUMENT (3): the engine prints the message as the provider's configuration error.
                if (error instanceof ConfigError) return callback({ code: 3, details: error.message, message: error.message });
                return callback(error);
            }
            original.call(implementation, call, callback);
        };
        return addService.call(this, service, wrapped);
    };
}

/** Starts the plugin's gRPC server; the engine reads its port from the first line of stdout. */
export async function serve(plugin: BucketPolicyPlugin, args: string[]): Promise<void> {
    interceptConfigure(plugin);
    plugin.core.notices = engineNotices(args.find((arg) => !arg.startsWith("-")));
    await providerServer.main(plugin, args);
}
