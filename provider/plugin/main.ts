/**
 * The entry of the provider plugin `pulumi-resource-s3-bucket-policy` (provider/plugin/pulumi-resource-s3-bucket-policy
 * runs it with Node).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BucketPolicyPlugin } from "./adapter";
import { serve } from "./serve";

/** The package's root: where package.json names this package (from dist/provider/plugin, or provider/plugin in tests). */
export function packageRoot(from: string = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, "utf8")).name === "pulumi-s3-bucket-policy") return dir;
        if (path.dirname(dir) === dir) throw new Error(`pulumi-s3-bucket-policy: no package.json of this package above ${from}`);
    }
}

/** The checked-in schema (scripts/schema.ts writes it; tests/unit/plugin.schema.test.ts keeps it equal to the code). */
export const SCHEMA_FILE = path.join("provider", "plugin", "schema.json");

/** The plugin as the executable serves it: the package's version, its schema file. */
export function makePlugin(root: string = packageRoot()): BucketPolicyPlugin {
    const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version as string;
    return new BucketPolicyPlugin(version, async () => fs.promises.readFile(path.join(root, SCHEMA_FILE), "utf8"));
}

if (require.main === module) {
    serve(makePlugin(), process.argv.slice(2)).catch((error: unknown) => {
        console.error(`pulumi-resource-s3-bucket-policy: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
    });
}
