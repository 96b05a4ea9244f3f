/**
 * Jest global setup of the cli project: finds or builds the Pulumi CLI (minutes on a fresh machine) and publishes its
 * root to the workers through `PULUMI_CLI_ROOT`, then starts (or reuses) the local S3 servers as ./globalSetup does.
 * A separate module because jest runs each distinct global-setup module once per run.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { log, startServers } from "./globalSetup";

/** Finds the Pulumi CLI, or builds it (kept apart from ./pulumiCli so this setup does not load the Automation API). */
const ENSURE_CLI_SCRIPT = path.resolve(__dirname, "../../scripts/pulumi-cli/ensure.sh");

function ensurePulumiCli(): void {
    if (process.env.PULUMI_CLI_ROOT) return;
    const started = Date.now();
    const result = spawnSync("bash", [ENSURE_CLI_SCRIPT], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (result.status !== 0) throw new Error(`the CLI tier needs the Pulumi CLI, and scripts/pulumi-cli/ensure.sh failed (exit ${result.status})`);
    process.env.PULUMI_CLI_ROOT = result.stdout.trim();
    log(`Pulumi CLI at ${process.env.PULUMI_CLI_ROOT} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

export default async function globalSetupCli(_globalConfig?: unknown, _projectConfig?: unknown): Promise<void> {
    ensurePulumiCli();
    await startServers();
}
