/**
 * The compiled implementation in dist/ is what the provider host loads (provider/lazyProvider.ts), so the benchmarks
 * measure it, and rebuild it first when any source is newer than the oldest compiled file.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const REPO_DIR = path.resolve(__dirname, "../..");

function filesUnder(dir: string, suffix: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return filesUnder(full, suffix);
        return entry.name.endsWith(suffix) && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

/** Why dist/ must be rebuilt, or undefined when it is up to date. */
export function staleReason(repoDir = REPO_DIR): string | undefined {
    const sources = [...filesUnder(path.join(repoDir, "provider"), ".ts"), path.join(repoDir, "tsconfig.build.json"), path.join(repoDir, "tsconfig.json")];
    const compiled = filesUnder(path.join(repoDir, "dist", "provider"), ".js");
    if (!fs.existsSync(path.join(repoDir, "dist", "provider", "provider.js"))) return "dist/provider/provider.js is missing";
    const oldestCompiled = Math.min(...compiled.map((file) => fs.statSync(file).mtimeMs));
    const newer = sources.filter((file) => fs.existsSync(file) && fs.statSync(file).mtimeMs > oldestCompiled);
    return newer.length ? `${newer.length} source file(s) newer than dist (e.g. ${path.relative(repoDir, newer[0])})` : undefined;
}

/** Runs `npm run build` when dist/ is stale; returns what was done, for the report. */
export function buildIfStale(log: (line: string) => void, repoDir = REPO_DIR): string {
    const reason = staleReason(repoDir);
    if (!reason) return "dist up to date";
    log(`building dist: ${reason}`);
    execFileSync("npm", ["run", "--silent", "build"], { cwd: repoDir, stdio: ["ignore", "inherit", "inherit"] });
    return `rebuilt (${reason})`;
}
