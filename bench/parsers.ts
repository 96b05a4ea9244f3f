/**
 * The parsers suite alone (bench/suites/parsers.ts): parsePolicy against JSON.parse and the number-keeping parsers,
 * with default options, as a table on stdout (progress on stderr).
 *
 *   npm run build && node -r ts-node/register/transpile-only bench/parsers.ts [--smoke] [--json]
 *
 * --smoke  tiny iteration counts (checks that it runs, figures meaningless)
 * --json   the figures as JSON instead of the table
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_DIR, staleReason } from "./lib/build";
import { parsersTable, runParsers } from "./suites/parsers";

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--smoke" && arg !== "--json");
if (unknown.length) {
    process.stderr.write(`usage: node -r ts-node/register/transpile-only bench/parsers.ts [--smoke] [--json]  (unknown: ${unknown.join(" ")})\n`);
    process.exit(2);
}
const log = (line: string) => process.stderr.write(`[parsers ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
if (!fs.existsSync(path.join(REPO_DIR, "dist", "provider", "policy", "parse.js"))) {
    process.stderr.write("bench/parsers.ts measures the compiled parsePolicy: run `npm run build` first\n");
    process.exit(2);
}
const stale = staleReason();
if (stale) log(`note: dist may be stale (${stale}); it is measured as it is`);
const options = args.includes("--smoke") ? { rounds: 3, roundMs: 5, warmupCalls: 20 } : { rounds: 9, roundMs: 60, warmupCalls: 200 };
const figures = runParsers(options, log);
process.stdout.write((args.includes("--json") ? JSON.stringify(figures, null, 2) : parsersTable(figures)) + "\n");
