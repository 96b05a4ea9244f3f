/**
 * A small stand-in for the Pulumi engine, for machines without the Pulumi CLI: it runs a program under setMocks to
 * learn what it declares, then drives the real dynamic-provider host through preview, up, refresh and destroy with a
 * JSON state file, following the engine's rules (check then diff against stored outputs; create-before-delete
 * replacement; deletes of resources the program no longer declares; read with an empty id means gone).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import deepEqual from "deep-equal";
import { describePolicyDiff, diffPolicies } from "../../provider/policy";
import { DynamicProviderHost, HostOptions, Props } from "./host";

export interface ResourceState {
    name: string;
    type: string;
    id: string;
    inputs: Props;
    outputs: Props;
}

export interface StackState {
    resources: ResourceState[];
}

export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "refresh-same" | "refresh-drift" | "refresh-gone" | "failed";

export interface Step {
    op: StepOp;
    name: string;
    /** Human-readable detail lines: which statements changed, failures, errors. */
    detail: string[];
}

export interface EngineOptions {
    programDir: string;
    stateFile: string;
    project: string;
    stack: string;
    /** Stack config, namespaced keys ("s3-bucket-policy:bucket", "aws:region"). */
    config: Record<string, string>;
    /** Environment of the program and of the provider host (credentials live here, never in state). */
    env?: NodeJS.ProcessEnv;
}

const RUNNER = path.join(__dirname, "run-program.ts");

function policyChangeLines(oldPolicy: unknown, newPolicy: unknown): string[] {
    if (typeof oldPolicy !== "string" || typeof newPolicy !== "string") return ["policy: (computed)"];
    try {
        return describePolicyDiff(diffPolicies(oldPolicy, newPolicy), { details: true });
    } catch (error) {
        return [`policy: ${(error as Error).message}`];
    }
}

function changedKeys(oldInputs: Props, newInputs: Props): string[] {
    const keys = new Set([...Object.keys(oldInputs), ...Object.keys(newInputs)]);
    return [...keys].filter((k) => k !== "__provider" && k !== "policy" && k !== "canonicalPolicy" && !deepEqual(oldInputs[k], newInputs[k], { strict: true }));
}

export class MiniEngine {
    constructor(private readonly options: EngineOptions) {}

    loadState(): StackState {
        if (!fs.existsSync(this.options.stateFile)) return { resources: [] };
        return JSON.parse(fs.readFileSync(this.options.stateFile, "utf8")) as StackState;
    }

    private saveState(state: StackState): void {
        fs.writeFileSync(this.options.stateFile, JSON.stringify(state, null, 2));
    }

    /** Runs the program (as the language host would) and returns its resource registrations. */
    declared(preview: boolean): Array<{ type: string; name: string; inputs: Props }> {
        const pulumiConfig = JSON.stringify(this.options.config);
        const out = execFileSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", RUNNER, this.options.programDir, this.options.project, this.options.stack, String(preview)],
            {
                cwd: this.options.programDir,
                env: { ...process.env, ...this.options.env, PULUMI_CONFIG: pulumiConfig },
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        return JSON.parse(out.trim().split("\n").pop() as string).registrations;
    }

    private async withHost<T>(work: (host: DynamicProviderHost) => Promise<T>): Promise<T> {
        const hostOptions: HostOptions = {
            cwd: this.options.programDir,
            env: { ...this.options.env, PULUMI_CONFIG: JSON.stringify(this.options.config) },
            project: this.options.project,
            stack: this.options.stack,
            config: this.options.config,
        };
        const host = await DynamicProviderHost.start(hostOptions);
        try {
            return await work(host);
        } finally {
            await host.stop();
        }
    }

    /** Preview (`apply=false`) or up (`apply=true`). */
    async run(apply: boolean): Promise<Step[]> {
        const declared = this.declared(!apply);
        const state = this.loadState();
        const steps: Step[] = [];
        await this.withHost(async (host) => {
            const next: ResourceState[] = [];
            for (const resource of declared) {
                const old = state.resources.find((r) => r.name === resource.name && r.type === resource.type);
                const checked = await host.check(resource.name, old?.inputs ?? {}, resource.inputs);
                if (checked.failures.length > 0) {
                    steps.push({ op: "failed", name: resource.name, detail: checked.failures.map((f) => `${f.property}: ${f.reason}`) });
                    if (old) next.push(old);
                    continue;
                }
                if (!old) {
                    steps.push({ op: "create", name: resource.name, detail: [`bucket: ${String(checked.inputs.bucket)}`] });
                    if (apply) next.push(await this.create(host, resource.name, resource.type, checked.inputs, steps));
                    continue;
                }
                const diff = await host.diff(resource.name, old.id, old.outputs, checked.inputs, old.inputs);
                if (diff.changes === "none") {
                    steps.push({ op: "same", name: resource.name, detail: [] });
                    next.push(old);
                    continue;
                }
                const detail = [
                    ...policyChangeLines(old.outputs.policy, checked.inputs.policy),
                    ...changedKeys(old.inputs, checked.inputs).map((k) => `~ ${k}`),
                ];
                if (diff.replaces.length > 0) {
                    steps.push({ op: "replace", name: resource.name, detail: [`replace because of: ${diff.replaces.join(", ")}`, ...detail] });
                    if (apply) {
                        const created = await this.create(host, resource.name, resource.type, checked.inputs, steps);
                        await host.delete(old.name, old.id, old.outputs);
                        next.push(created);
                    } else next.push(old);
                    continue;
                }
                steps.push({ op: "update", name: resource.name, detail });
                if (apply) {
                    try {
                        const outputs = await host.update(resource.name, old.id, old.outputs, checked.inputs);
                        next.push({ ...old, inputs: checked.inputs, outputs });
                    } catch (error) {
                        steps.push({ op: "failed", name: resource.name, detail: [(error as Error).message] });
                        next.push(old);
                    }
                } else next.push(old);
            }
            for (const old of state.resources) {
                if (declared.some((r) => r.name === old.name && r.type === old.type)) continue;
                steps.push({ op: "delete", name: old.name, detail: [] });
                if (apply) await host.delete(old.name, old.id, old.outputs);
                else next.push(old);
            }
            if (apply) this.saveState({ resources: next });
        });
        return steps;
    }

    private async create(host: DynamicProviderHost, name: string, type: string, inputs: Props, steps: Step[]): Promise<ResourceState> {
        try {
            const created = await host.create(name, inputs);
            return { name, type, id: created.id, inputs, outputs: created.outputs };
        } catch (error) {
            steps.push({ op: "failed", name, detail: [(error as Error).message] });
            throw error;
        }
    }

    /** Refresh: reads every resource in state; drift updates the stored outputs, a missing policy drops the resource. */
    async refresh(): Promise<Step[]> {
        const state = this.loadState();
        const steps: Step[] = [];
        await this.withHost(async (host) => {
            const next: ResourceState[] = [];
            for (const resource of state.resources) {
                const read = await host.read(resource.name, resource.id, resource.outputs, resource.inputs);
                if (!read.id) {
                    steps.push({ op: "refresh-gone", name: resource.name, detail: ["the policy no longer exists; removed from state"] });
                    continue;
                }
                if (read.outputs.policy === resource.outputs.policy) {
                    steps.push({ op: "refresh-same", name: resource.name, detail: [] });
                } else {
                    steps.push({ op: "refresh-drift", name: resource.name, detail: policyChangeLines(resource.outputs.policy, read.outputs.policy) });
                }
                next.push({ ...resource, outputs: read.outputs });
            }
            this.saveState({ resources: next });
        });
        return steps;
    }

    /** Destroy: deletes every resource in state. */
    async destroy(): Promise<Step[]> {
        const state = this.loadState();
        const steps: Step[] = [];
        await this.withHost(async (host) => {
            for (const resource of [...state.resources].reverse()) {
                await host.delete(resource.name, resource.id, resource.outputs);
                steps.push({ op: "delete", name: resource.name, detail: [] });
            }
            this.saveState({ resources: [] });
        });
        return steps;
    }
}

/** Prints steps the way `pulumi preview` / `pulumi up` summarise them. */
export function formatSteps(steps: Step[]): string {
    const symbols: Record<StepOp, string> = {
        create: "+",
        update: "~",
        replace: "+-",
        same: " ",
        delete: "-",
        "refresh-same": " ",
        "refresh-drift": "~",
        "refresh-gone": "-",
        failed: "!",
    };
    const lines: string[] = [];
    for (const step of steps) {
        lines.push(`  ${symbols[step.op].padEnd(2)} s3:BucketPolicy ${step.name} ${step.op}`);
        for (const line of step.detail) lines.push(`        ${line}`);
    }
    const counts = new Map<string, number>();
    for (const step of steps) counts.set(step.op, (counts.get(step.op) ?? 0) + 1);
    lines.push(`  Resources: ${[...counts].map(([op, n]) => `${n} ${op}`).join(", ")}`);
    return lines.join("\n");
}
