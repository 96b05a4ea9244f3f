/**
 * Writes provider/plugin/schema.json, the plugin's Pulumi package schema, from the TypeScript types: the inputs and
 * their descriptions are `BucketPolicyArgs`'s (provider/resource.ts), the outputs are the inputs kept in state plus
 * the derived ones as `BucketPolicy` documents them, the configuration is config.ts's. One source for the docs an
 * editor shows in every language. tests/unit/plugin.schema.test.ts fails when the checked-in file differs from what
 * this makes, and when the schema disagrees with what the provider validates.
 *
 * Usage: npx ts-node scripts/schema.ts [--check]     (--check: exit 1 when the file is out of date)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { CHECKSUM_ALGORITHMS, CHECK_ONLY_INPUTS, DERIVED_OUTPUTS, INPUT_NAMES, REPLACE_ON_CHANGE } from "../provider/inputs";
import { RESOURCE_TOKEN } from "../provider/plugin/adapter";
import { CONFIG_KEYS, PACKAGE } from "../provider/plugin/config";

const ROOT = path.resolve(__dirname, "..");
export const SCHEMA_PATH = path.join(ROOT, "provider", "plugin", "schema.json");

type TypeSpec = { type: "string" | "boolean" | "number" } | { type: "array"; items: { type: "string" } };
interface PropertySpec {
    type?: string;
    items?: { type: string };
    description: string;
    replaceOnChanges?: boolean;
}

/** What differs for programs in other languages, where `BucketPolicyArgs` speaks of TypeScript. */
const SCHEMA_DESCRIPTIONS: Record<string, string> = {
    policy:
        "The policy document as JSON text (Python: `json.dumps(...)`, Go: `json.Marshal`, YAML: `fn::toJSON`), e.g. the `json` of " +
        "`aws.iam.getPolicyDocument`. Compared by meaning: a reordered or reformatted equal policy is no change.",
    checksumAlgorithm: `Passed to \`PutBucketPolicy\` as the request checksum algorithm: one of ${CHECKSUM_ALGORITHMS.join(", ")}.`,
};

/** The schema type of a `BucketPolicyArgs` member, from its TypeScript type text. */
function typeOf(name: string, text: string): TypeSpec {
    const compact = text.replace(/\s+/g, "");
    if (name === "policy" || compact === "pulumi.Input<string>" || compact === "pulumi.Input<ChecksumAlgorithm>") return { type: "string" };
    if (compact === "pulumi.Input<boolean>") return { type: "boolean" };
    if (compact === "pulumi.Input<number>") return { type: "number" };
    if (compact === "pulumi.Input<pulumi.Input<string>[]>") return { type: "array", items: { type: "string" } };
    throw new Error(`scripts/schema.ts: no schema type for ${name}: ${text} (add one here)`);
}

/** The JSDoc text of a declaration, as one paragraph. */
function docOf(node: ts.Node, source: ts.SourceFile): string {
    const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
    return (
        docs
            .map((doc) => (typeof doc.comment === "string" ? doc.comment : (ts.getTextOfJSDocComment(doc.comment) ?? "")))
            .join(" ")
            .replace(/\{@link ([^}]+)\}/g, "`$1`")
            .replace(/\s+/g, " ")
            .trim() ||
        (() => {
            throw new Error(`scripts/schema.ts: ${node.getText(source).slice(0, 40)} has no doc comment`);
        })()
    );
}

/** The members of an interface or class in provider/resource.ts: name, type text, doc. */
function membersOf(source: ts.SourceFile, declaration: string): Map<string, { type: string; doc: string }> {
    const members = new Map<string, { type: string; doc: string }>();
    source.forEachChild((node) => {
        if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === declaration) {
            for (const member of node.members) {
                if (!(ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) || !member.type || !ts.isIdentifier(member.name)) continue;
                const hasDoc = ((member as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []).length > 0;
                members.set(member.name.text, { type: member.type.getText(source), doc: hasDoc ? docOf(member, source) : "" });
            }
        }
    });
    if (members.size === 0) throw new Error(`scripts/schema.ts: ${declaration} not found in provider/resource.ts`);
    return members;
}

function property(name: string, type: TypeSpec, description: string): PropertySpec {
    return { ...type, description, ...((REPLACE_ON_CHANGE as readonly string[]).includes(name) ? { replaceOnChanges: true } : {}) };
}

/** The package schema, as an object. */
export function buildSchema(): Record<string, unknown> {
    const file = path.join(ROOT, "provider", "resource.ts");
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const args = membersOf(source, "BucketPolicyArgs");
    const outputs = membersOf(source, "BucketPolicy");
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version as string;

    const missing = INPUT_NAMES.filter((name) => !args.has(name));
    if (missing.length || args.size !== INPUT_NAMES.length)
        throw new Error(`scripts/schema.ts: BucketPolicyArgs and INPUT_NAMES disagree (${missing.join(", ")})`);
    const inputProperties: Record<string, PropertySpec> = {};
    for (const name of INPUT_NAMES) {
        const arg = args.get(name)!;
        inputProperties[name] = property(name, typeOf(name, arg.type), SCHEMA_DESCRIPTIONS[name] ?? arg.doc);
    }
    const properties: Record<string, PropertySpec> = {};
    for (const name of INPUT_NAMES) {
        if ((CHECK_ONLY_INPUTS as readonly string[]).includes(name)) continue;
        properties[name] = inputProperties[name];
    }
    properties.canonicalPolicy = { type: "string", description: outputs.get("canonicalPolicy")!.doc };
    properties.isPublic = { type: "boolean", description: outputs.get("isPublic")!.doc };
    properties.publicAccess = { type: "string", description: outputs.get("publicAccess")!.doc };
    for (const name of DERIVED_OUTPUTS) if (!properties[name].description) throw new Error(`scripts/schema.ts: ${name} has no doc comment`);
    properties.policy = { type: "string", description: outputs.get("policy")!.doc };

    const configProperties = Object.fromEntries(CONFIG_KEYS.map((key) => [key.name, { type: key.type, description: key.description }]));
    return {
        name: PACKAGE,
        displayName: "S3 bucket policy",
        version,
        description: "An Amazon S3 bucket policy compared by meaning, with the expected-bucket-owner check on every call",
        keywords: ["pulumi", "aws", "s3", "bucket-policy", "category/cloud"],
        license: "Apache-2.0",
        meta: { moduleFormat: "(.*)" },
        config: { variables: configProperties },
        provider: { description: "The s3-bucket-policy provider: defaults for every BucketPolicy it serves.", inputProperties: configProperties },
        resources: {
            [RESOURCE_TOKEN]: {
                description:
                    "An S3 bucket policy, compared by meaning rather than by text: reordered, reformatted or otherwise equivalent " +
                    "policies never show a diff. Every call sends `expectedBucketOwner` when it is set. A policy the bucket already has " +
                    "is never replaced unless `adoptExisting` is set; a policy S3 would call public is refused at preview unless " +
                    "`allowPublicAccess` is set.",
                properties,
                required: ["bucket", "policy", ...DERIVED_OUTPUTS],
                inputProperties,
                requiredInputs: ["bucket", "policy"],
            },
        },
        language: {
            python: { packageName: "pulumi_s3_bucket_policy", respectSchemaVersion: true },
            go: {
                importBasePath: "github.com/pulumi-s3-bucket-policy/sdk/go/s3bucketpolicy",
                generateResourceContainerTypes: false,
                respectSchemaVersion: true,
            },
            nodejs: { packageName: "@pulumi-s3-bucket-policy/sdk", respectSchemaVersion: true },
        },
    };
}

/** The file's text: two-space JSON and a final newline (prettier's format for JSON). */
export function schemaText(): string {
    return JSON.stringify(buildSchema(), null, 2) + "\n";
}

if (require.main === module) {
    const text = schemaText();
    if (process.argv.includes("--check")) {
        const current = fs.existsSync(SCHEMA_PATH) ? fs.readFileSync(SCHEMA_PATH, "utf8") : "";
        if (current !== text) {
            console.error(`${path.relative(ROOT, SCHEMA_PATH)} is out of date: run npx ts-node scripts/schema.ts`);
            process.exit(1);
        }
    } else {
        fs.writeFileSync(SCHEMA_PATH, text);
        console.error(`wrote ${path.relative(ROOT, SCHEMA_PATH)}`);
    }
}
