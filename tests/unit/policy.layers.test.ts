/**
 * The policy core's layering: provider/policy knows JSON and IAM, nothing of S3 calls or of Pulumi, so every rule can
 * be run and tested on its own (and by the next consumer: a language plugin, an access analysis).
 */
import * as fs from "fs";
import * as path from "path";

const POLICY_DIR = path.join(__dirname, "../../provider/policy");

describe("provider/policy sources", () => {
    const files = fs.readdirSync(POLICY_DIR).filter((file) => file.endsWith(".ts"));

    it.each(files)("%s imports only sibling modules and Node built-ins (no AWS SDK, no Pulumi, no package)", (file) => {
        const source = fs.readFileSync(path.join(POLICY_DIR, file), "utf8");
        const imports = [...source.matchAll(/(?:from|require\()\s*["']([^"']+)["']/g)].map((match) => match[1]);
        expect(imports.filter((name) => !name.startsWith("./") && !name.startsWith("node:"))).toEqual([]);
    });
});
