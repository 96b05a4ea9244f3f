/**
 * The plugin's schema (provider/plugin/schema.json) against the code: the checked-in file is what scripts/schema.ts
 * makes from BucketPolicyArgs, and every type, requirement and replacement it declares is what the provider enforces.
 */
import * as fs from "node:fs";
import { SCHEMA_PATH, buildSchema, schemaText } from "../../scripts/schema";
import { CHECK_ONLY_INPUTS, DERIVED_OUTPUTS, INPUT_NAMES, REPLACE_ON_CHANGE } from "../../provider/inputs";
import { RESOURCE_TOKEN } from "../../provider/plugin/adapter";
import { CONFIG_KEYS, PACKAGE } from "../../provider/plugin/config";
import { validateSettings } from "../../provider/validate/settings";
import { BucketPolicyProvider } from "../../provider/provider";

interface Property {
    type: string;
    items?: { type: string };
    description: string;
    replaceOnChanges?: boolean;
}
interface ResourceSchema {
    properties: Record<string, Property>;
    inputProperties: Record<string, Property>;
    requiredInputs: string[];
    required: string[];
}

const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8"));
const resource = schema.resources[RESOURCE_TOKEN] as ResourceSchema;
const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b-1/*" }],
});

/** A value of the wrong type for a schema type. */
function wrongValueFor(type: string): unknown {
    return type === "string" ? 12 : type === "boolean" ? "yes" : type === "number" ? "ten" : "not-a-list";
}

describe("the plugin schema", () => {
    it("is the checked-in file scripts/schema.ts writes (run npm run schema after changing BucketPolicyArgs)", () => {
        expect(fs.readFileSync(SCHEMA_PATH, "utf8")).toBe(schemaText());
    });

    it("names the package, its version and the resource token the plugin serves", () => {
        expect(schema.name).toBe(PACKAGE);
        expect(schema.version).toBe(JSON.parse(fs.readFileSync("package.json", "utf8")).version);
        expect(Object.keys(schema.resources)).toEqual([RESOURCE_TOKEN]);
    });

    it("declares exactly the inputs the provider accepts, each with a description", () => {
        expect(Object.keys(resource.inputProperties)).toEqual([...INPUT_NAMES]);
        for (const [name, spec] of Object.entries(resource.inputProperties)) expect([name, spec.description.length > 20]).toEqual([name, true]);
    });

    it("declares as required the inputs check refuses to go without", async () => {
        expect(resource.requiredInputs).toEqual(["bucket", "policy"]);
        for (const name of resource.requiredInputs) {
            const inputs: Record<string, unknown> = { bucket: "b-1", policy };
            delete inputs[name];
            const result = await new BucketPolicyProvider().check({}, inputs);
            // A failure on policy is reported without a property (the CLI would print the whole document): its reason names it.
            expect(result.failures?.some((failure) => failure.property === name || failure.reason.startsWith(`${name} `))).toBe(true);
        }
    });

    it("declares each optional input with the type check enforces: a value of another type is a failure naming it", () => {
        for (const [name, spec] of Object.entries(resource.inputProperties)) {
            if (name === "bucket" || name === "policy") continue;
            const failures = validateSettings({ bucket: "b-1", policy, [name]: wrongValueFor(spec.type) });
            expect([name, failures.some((failure) => failure.property === name)]).toEqual([name, true]);
        }
    });

    it("marks as replacing exactly the inputs whose change replaces the resource", () => {
        const replacing = Object.entries(resource.inputProperties)
            .filter(([, spec]) => spec.replaceOnChanges)
            .map(([name]) => name);
        expect(replacing).toEqual([...REPLACE_ON_CHANGE]);
    });

    it("declares as outputs the inputs kept in state and the derived outputs the plugin returns", () => {
        const kept = INPUT_NAMES.filter((name) => !(CHECK_ONLY_INPUTS as readonly string[]).includes(name));
        expect(Object.keys(resource.properties).sort()).toEqual([...kept, ...DERIVED_OUTPUTS].sort());
        expect(resource.required).toEqual(expect.arrayContaining([...DERIVED_OUTPUTS]));
    });

    it("declares the provider configuration config.ts parses, in config and on the provider", () => {
        const names = CONFIG_KEYS.map((key) => key.name);
        expect(Object.keys(schema.config.variables)).toEqual(names);
        expect(Object.keys(schema.provider.inputProperties)).toEqual(names);
    });

    it("is made from the TypeScript descriptions: a changed doc comment would change the file", () => {
        const built = buildSchema() as { resources: Record<string, ResourceSchema> };
        expect(built.resources[RESOURCE_TOKEN].inputProperties.expectedBucketOwner.description).toMatch(/ExpectedBucketOwner/);
        expect(built.resources[RESOURCE_TOKEN].inputProperties.policy.description).toMatch(/json\.dumps/);
    });
});
