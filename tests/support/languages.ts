/**
 * The plugin's programs in other languages (tests/cli/languages/<language>): what each needs before the CLI can run
 * it, done as a user does it, and the environment the CLI then needs. Shared by the CLI tier and the demo.
 * - python: the project's venv (scripts/pulumi-cli/python-venv.sh: `pulumi` from PyPI) with the SDK that
 *   scripts/package-add.sh generates from the plugin's schema installed into it; the CLI runs with the venv activated
 *   (the v3.68 Python host ignores `runtime.options.virtualenv` from this CLI);
 * - go: the SDK generated into sdks/ (go.mod replaces the SDK's module with it); the Go host builds the program;
 * - yaml: nothing (the YAML host reads the schema from the plugin);
 * - nodejs: nothing (it declares the resource by its token; @pulumi/pulumi comes from the repository).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO_DIR } from "./pulumiCli";

export const LANGUAGES = ["python", "go", "yaml", "nodejs"] as const;
export type Language = (typeof LANGUAGES)[number];

export const LANGUAGE_PROGRAMS_DIR = path.join(REPO_DIR, "tests", "cli", "languages");

/** The folder of a language's program. */
export function programDir(language: Language): string {
    return path.join(LANGUAGE_PROGRAMS_DIR, language);
}

function run(command: string, args: string[], env: Record<string, string> = {}): string {
    const result = spawnSync(command, args, { cwd: REPO_DIR, encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    return result.stdout.trim();
}

/**
 * Makes a language's program runnable (SDK generated and installed) and returns what the CLI's environment needs on
 * top of the usual: for Python, the activated venv.
 */
export function prepareProgram(language: Language): Record<string, string> {
    if (language === "yaml" || language === "nodejs") return {};
    if (language === "go") {
        run("bash", ["scripts/package-add.sh", programDir("go"), "go"]);
        return {};
    }
    const venv = run("bash", ["scripts/pulumi-cli/python-venv.sh"]);
    run("bash", ["scripts/package-add.sh", programDir("python"), "python"], { VIRTUAL_ENV: venv });
    return { VIRTUAL_ENV: venv, PATH: `${path.join(venv, "bin")}${path.delimiter}` };
}

/** The environment for the CLI: `extra` on top of `base`, a PATH in `extra` put in front of the base's. */
export function withLanguageEnv(base: Record<string, string>, extra: Record<string, string>): Record<string, string> {
    return { ...base, ...extra, ...(extra.PATH ? { PATH: extra.PATH + (base.PATH ?? process.env.PATH ?? "") } : {}) };
}
