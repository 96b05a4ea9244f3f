/**
 * Drives the real `@pulumi/pulumi/cmd/dynamic-provider` host (the plugin the Pulumi CLI starts for dynamic resources)
 * over gRPC, applying the engine's rules: Configure first, secrets stripped before every call (the host reports
 * acceptSecrets=false), outputs passed as `olds` to Diff and Update, and the unknown sentinel for preview values.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as readline from "readline";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
/** Loads a module the way @pulumi/pulumi resolves it, so message classes and the grpc instance match its stubs. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fromPulumi = (name: string) => require(require.resolve(name, { paths: [pulumiDir] }));
const grpc = fromPulumi("@grpc/grpc-js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provproto = require("@pulumi/pulumi/proto/provider_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const statusproto = require("@pulumi/pulumi/proto/status_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc");

/** The engine's "unknown" sentinel. */
export const UNKNOWN: string = rpc.unknownValue;
const SECRET_SIG_KEY: string = rpc.specialSigKey;
const SECRET_SIG: string = rpc.specialSecretSig;

export type Props = Record<string, unknown>;

/** The engine's diff verdicts. */
export type DiffVerdict = "none" | "some" | "unknown";

export interface DiffAnswer {
    changes: DiffVerdict;
    replaces: string[];
    deleteBeforeReplace: boolean;
}

export interface CheckAnswer {
    inputs: Props;
    failures: Array<{ property: string; reason: string }>;
}

/** A gRPC failure from the host, with the partial-create details when the provider reported them. */
export class HostCallError extends Error {
    code: number;
    initFailed?: { id: string; properties: Props; reasons: string[] };
    constructor(message: string, code: number) {
        super(message);
        this.name = "HostCallError";
        this.code = code;
    }
}

/** A secret wrapped the way the engine marshals it. */
export function secret(value: unknown): Props {
    return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** The engine never sends secrets to a provider that does not accept them: it sends the plain values. */
export function stripSecrets<T>(value: T): T {
    if (Array.isArray(value)) return value.map(stripSecrets) as unknown as T;
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SECRET_SIG_KEY] === SECRET_SIG) return stripSecrets(record.value) as T;
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, stripSecrets(v)])) as T;
    }
    return value;
}

function message<T>(Cls: new () => T, fields: Record<string, unknown>): T {
    const instance = new Cls() as Record<string, (v: unknown) => void>;
    for (const [setter, value] of Object.entries(fields)) instance[setter](value);
    return instance as unknown as T;
}

const S = (value: Props) => Struct.fromJavaScript(stripSecrets(value));

export interface HostOptions {
    /** Working directory of the host: module resolution of the serialized provider starts here (the engine uses the program dir). */
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    project?: string;
    stack?: string;
    /** Stack config as the engine sends it to Configure, namespaced keys ("aws:region"). */
    config?: Props;
}

/** One running host process and a client bound to it. */
export class DynamicProviderHost {
    readonly port: number;
    readonly child: ChildProcess;
    private readonly client: { close(): void } & Record<string, (req: unknown, cb: (e: unknown, r: unknown) => void) => void>;
    private readonly stderrRef: { text: string };
    private readonly project: string;
    private readonly stack: string;

    private constructor(child: ChildProcess, port: number, project: string, stack: string, stderrRef: { text: string }) {
        this.child = child;
        this.port = port;
        this.project = project;
        this.stack = stack;
        this.stderrRef = stderrRef;
        this.client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    }

    /** Starts the host (`node cmd/dynamic-provider <engine-address>`), reads its port, and calls Configure. */
    static async start(options: HostOptions = {}): Promise<DynamicProviderHost> {
        const project = options.project ?? "s3-bucket-policy";
        const stack = options.stack ?? "dev";
        const script = path.join(pulumiDir, "cmd", "dynamic-provider", "index.js");
        const child = spawn(process.execPath, [script, "127.0.0.1:1"], {
            cwd: options.cwd ?? process.cwd(),
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, PULUMI_NODEJS_PROJECT: project, PULUMI_NODEJS_STACK: stack, ...options.env },
        });
        const stderrRef = { text: "" };
        child.stderr?.on("data", (chunk: Buffer) => (stderrRef.text += chunk.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            readline.createInterface({ input: child.stdout! }).once("line", (line) => resolve(Number(line.trim())));
            child.once("exit", (code) => reject(new Error(`dynamic-provider host exited with ${code}: ${stderrRef.text}`)));
        });
        const host = new DynamicProviderHost(child, port, project, stack, stderrRef);
        await host.configure(options.config ?? {});
        return host;
    }

    /** What the host wrote to stderr (provider warnings, error stacks). */
    get stderr(): string {
        return this.stderrRef.text;
    }

    urn(name: string, type = "pulumi-nodejs:dynamic/s3:BucketPolicy"): string {
        return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
    }

    private call<T>(method: string, request: unknown): Promise<T> {
        return new Promise<T>((resolve, reject) =>
            this.client[method](request, (error: unknown, response: unknown) => {
                if (!error) return resolve(response as T);
                const e = error as { code: number; details?: string; message: string; metadata?: { get(k: string): Buffer[] } };
                const failure = new HostCallError(e.details ?? e.message, e.code);
                const details = e.metadata?.get("grpc-status-details-bin") ?? [];
                if (details.length > 0) {
                    const status = statusproto.Status.deserializeBinary(details[0]);
                    const any = status.getDetailsList()[0];
                    if (any) {
                        const init = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue());
                        failure.initFailed = { id: init.getId(), properties: init.getProperties()?.toJavaScript() ?? {}, reasons: init.getReasonsList() };
                    }
                }
                reject(failure);
            }),
        );
    }

    async configure(config: Props): Promise<void> {
        await this.call("configure", message(provproto.ConfigureRequest, { setArgs: S(config), setAcceptsecrets: true, setAcceptresources: true }));
    }

    async check(name: string, olds: Props, news: Props): Promise<CheckAnswer> {
        const response = await this.call<{ getInputs(): { toJavaScript(): Props }; getFailuresList(): Array<{ getProperty(): string; getReason(): string }> }>(
            "check",
            message(provproto.CheckRequest, { setUrn: this.urn(name), setOlds: S(olds), setNews: S(news) }),
        );
        return {
            inputs: response.getInputs().toJavaScript(),
            failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    /** Diff as the engine calls it: `olds` are the resource's OUTPUTS from state. */
    async diff(name: string, id: string, oldOutputs: Props, news: Props, oldInputs: Props = {}): Promise<DiffAnswer> {
        const response = await this.call<{ getChanges(): number; getReplacesList(): string[]; getDeletebeforereplace(): boolean }>(
            "diff",
            message(provproto.DiffRequest, { setId: id, setUrn: this.urn(name), setOlds: S(oldOutputs), setNews: S(news), setOldInputs: S(oldInputs) }),
        );
        const verdicts: Record<number, DiffVerdict> = { 0: "unknown", 1: "none", 2: "some" };
        return { changes: verdicts[response.getChanges()], replaces: response.getReplacesList(), deleteBeforeReplace: response.getDeletebeforereplace() };
    }

    async create(name: string, inputs: Props): Promise<{ id: string; outputs: Props }> {
        const response = await this.call<{ getId(): string; getProperties(): { toJavaScript(): Props } }>(
            "create",
            message(provproto.CreateRequest, { setUrn: this.urn(name), setProperties: S(inputs) }),
        );
        return { id: response.getId(), outputs: response.getProperties().toJavaScript() };
    }

    /** Read (refresh/import): an empty id means the resource is gone. */
    async read(name: string, id: string, state: Props, inputs: Props = {}): Promise<{ id: string; outputs: Props; inputs?: Props }> {
        const response = await this.call<{
            getId(): string;
            getProperties(): { toJavaScript(): Props } | undefined;
            getInputs(): { toJavaScript(): Props } | undefined;
        }>("read", message(provproto.ReadRequest, { setId: id, setUrn: this.urn(name), setProperties: S(state), setInputs: S(inputs) }));
        return { id: response.getId(), outputs: response.getProperties()?.toJavaScript() ?? {}, inputs: response.getInputs()?.toJavaScript() };
    }

    async update(name: string, id: string, oldOutputs: Props, news: Props): Promise<Props> {
        const response = await this.call<{ getProperties(): { toJavaScript(): Props } }>(
            "update",
            message(provproto.UpdateRequest, { setId: id, setUrn: this.urn(name), setOlds: S(oldOutputs), setNews: S(news) }),
        );
        return response.getProperties().toJavaScript();
    }

    async delete(name: string, id: string, outputs: Props): Promise<void> {
        await this.call("delete", message(provproto.DeleteRequest, { setId: id, setUrn: this.urn(name), setProperties: S(outputs) }));
    }

    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode !== null) return;
        const exited = new Promise((resolve) => this.child.once("exit", resolve));
        this.child.kill("SIGTERM");
        await exited;
    }
}
