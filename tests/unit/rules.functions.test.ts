/**
 * RULES.md names, for each rule, the one function that applies it: every function a table names must exist in
 * provider/, defined once (a rule coded twice, or a function renamed without the doc, fails here).
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "../..");
const RULES = fs.readFileSync(path.join(ROOT, "provider/policy/RULES.md"), "utf8");

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? sources(full) : entry.name.endsWith(".ts") ? [full] : [];
    });
}

/** The backquoted identifiers of each table row's function column (the column headed "Function"). */
function namedFunctions(): string[] {
    const names = new Set<string>();
    let column = -1;
    for (const line of RULES.split("\n")) {
        if (!line.startsWith("|")) {
            column = -1;
            continue;
        }
        const cells = line.split(" | ").map((cell) => cell.replace(/^\|\s*|\s*\|$/g, ""));
        if (column < 0) {
            column = cells.indexOf("Function");
            continue;
        }
        for (const [, name] of (cells[column] ?? "").matchAll(/`([A-Za-z]\w*)`/g)) names.add(name);
    }
    return [...names];
}

describe("RULES.md's functions", () => {
    const code = sources(path.join(ROOT, "provider"))
        .map((file) => fs.readFileSync(file, "utf8"))
        .join("\n");
    const names = namedFunctions();

    it("lists the functions of every table", () => {
        expect(names).toEqual(
            expect.arrayContaining(["listOf", "operatorParts", "parseArn", "statementLabel", "broadIpReason", "lockoutRisk", "checkPrincipal"]),
        );
    });

    it.each(names)("%s is defined once in provider/", (name) => {
        const definitions = code.match(new RegExp(`(?:function|const|class)\\s+${name}\\b`, "g")) ?? [];
        expect(definitions).toHaveLength(1);
    });
});
