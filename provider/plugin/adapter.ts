/**
 * The `BucketPolicy` custom resource as a Pulumi provider plugin serves it to programs in any language: the same
 * {@link BucketPolicyProvider} the dynamic resource runs, behind the plugin protocol's surface. What the plugin adds is
 * what a dynamic resource's program does for it in TypeScript:
 * - secrets: the plugin receives them wrapped; it unwraps them for the core and marks secret every output whose input
 *   was (secrets.ts), and tells the core that a policy is secret so `check` withholds its access-change analysis;
 * - the ownership id: made from the URN `check` is given (the same Id the dynamic resource makes from its name, project
 *   and stack), so a resource recognises its own earlier writes;
 * - the derived outputs (`canonicalPolicy`, `isPublic`, `publicAccess`): returned as outputs, since a program in
 *   another language has no `BucketPolicy` class to derive them;
 * - provider configuration: defaults for the connection inputs and the access-change gate (config.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { derivedOutputs } from "../derived";
import { DERIVED_OUTPUTS, REPLACE_ON_CHANGE, SECRET_POLICY_MARKER, UNKNOWN, containsUnknown } from "../inputs";
import { ownershipIdOf } from "../ownership";
import { PolicyParseError } from "../policy";
import { BucketPolicyProvider } from "../provider";
import { PluginConfig, withDefaults } from "./config";
import { unwrapSecrets, wrapSecrets } from "./secrets";

type Properties = Record<string, unknown>;

/** The resource token programs declare (`s3-bucket-policy:index:BucketPolicy`). */
export const RESOURCE_TOKEN = "s3-bucket-policy:index:BucketPolicy";

/**
 * Project, stack, qualified type (its parents' types first, `$`-joined) and name of a resource, from its URN
 * (`urn:pulumi:<stack>::<project>::<qualified type>::<name>`).
 */
export function urnParts(urn: string): { stack: string; project: string; qualifiedType: string; name: string } {
    const [head, project, qualifiedType, ...name] = urn.split("::");
    if (!head?.startsWith("urn:pulumi:") || project === undefined || qualifiedType === undefined || name.length === 0)
        throw new Error(`not a resource URN: ${urn}`);
    return { stack: head.slice("urn:pulumi:".length), project, qualifiedType, name: name.join("::") };
}

/** The derived outputs of a policy text; none for a text that is not a policy document (check refuses those). */
function derivedOrNone(policy: unknown): Properties {
    if (typeof policy !== "string") return {};
    try {
        return { ...derivedOutputs(policy) };
    } catch (error) {
        if (error instanceof PolicyParseError) return {};
        throw error;
    }
}

/**
 * An account id that arrived as a number, as its 12 digits. YAML programs turn a config value of digits into a number
 * before it reaches the plugin (pulumi-language-yaml v1.25.0, even for `type: string`), and an account id is exactly
 * 12 digits, so padding restores it exactly, leading zeros included. Anything else is left for check to name.
 */
function accountIdText(value: unknown): unknown {
    return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value < 1e12 ? String(value).padStart(12, "0") : value;
}

/** Implements `@pulumi/pulumi/provider`'s `Provider` for the `BucketPolicy` resource. */
export class BucketPolicyPlugin implements provider.Provider {
    config: PluginConfig = {};

    constructor(
        readonly version: string,
        readonly getSchema: () => Promise<string>,
        readonly core: BucketPolicyProvider = new BucketPolicyProvider(),
    ) {}

    /** Takes the provider configuration (config.ts parses and checks it). */
    configure(config: PluginConfig): void {
        this.config = config;
        this.core.denyNewAccessDefault = config.denyNewAccess;
    }

    async check(urn: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.CheckResult> {
        this.assertType(urn);
        const previous = unwrapSecrets(olds);
        const next = unwrapSecrets(news);
        const inputs = withDefaults(next.plain, this.config);
        if (inputs.expectedBucketOwner !== undefined) inputs.expectedBucketOwner = accountIdText(inputs.expectedBucketOwner);
        inputs.ownershipId = this.ownershipId(urn, inputs);
        if (next.secretKeys.has("policy")) inputs[SECRET_POLICY_MARKER] = true;
        const result = await this.core.check(previous.plain, inputs);
        // The marker only tells the core; the engine knows the policy is secret from the wrapping.
        const checked = { ...(result.inputs as Properties), [SECRET_POLICY_MARKER]: undefined };
        return { inputs: wrapSecrets(checked, next.secretKeys), failures: result.failures };
    }

    async diff(id: string, urn: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.DiffResult> {
        this.assertType(urn);
        return this.core.diff(id, unwrapSecrets(olds).plain as never, unwrapSecrets(news).plain as never);
    }

    async create(urn: string, inputs: Properties): Promise<provider.CreateResult> {
        this.assertType(urn);
        const { plain, secretKeys } = unwrapSecrets(inputs);
        const result = await this.withOutputsOnError(secretKeys, () => this.core.create(plain as never));
        return { id: result.id, outs: this.outputs(result.outs, secretKeys) };
    }

    async read(id: string, urn: string, props?: Properties): Promise<provider.ReadResult> {
        this.assertType(urn);
        const { plain, secretKeys } = unwrapSecrets(props);
        // An import reads with no state: the provider configuration says where the bucket is.
        const state = Object.keys(plain).length === 0 ? withDefaults({}, this.config) : plain;
        const result = await this.core.read(id, state as never);
        // The engine takes an empty id for "gone" (the server cannot send an empty result).
        if (result.id === undefined) return { id: "", props: {} };
        const inputs = result.inputs === undefined ? undefined : wrapSecrets(result.inputs as Properties, secretKeys);
        return { id: result.id, props: this.outputs(result.props, secretKeys), ...(inputs ? { inputs } : {}) };
    }

    async update(id: string, urn: string, olds: Properties, news: Properties): Promise<provider.UpdateResult> {
        this.assertType(urn);
        const { plain, secretKeys } = unwrapSecrets(news);
        const result = await this.withOutputsOnError(secretKeys, () => this.core.update(id, unwrapSecrets(olds).plain as never, plain as never));
        return { outs: this.outputs(result.outs, secretKeys) };
    }

    async delete(id: string, urn: string, props: Properties): Promise<void> {
        this.assertType(urn);
        await this.core.delete(id, unwrapSecrets(props).plain as never);
    }

    /**
     * The Id this resource writes into a policy without one, made from its URN: the name qualified by the resource's
     * type and its parents' types. So it is never the Id of a dynamic `BucketPolicy` of the same name (which is made
     * from the bare name): a stack that moves a policy from one to the other creates the new resource before it
     * deletes the old one, and with one Id the old one's delete would take the live policy for its own and delete
     * it. Nor that of a same-name resource under another parent. Not known while the bucket or endpoint is not (a
     * preview of a bucket the same update creates): check runs again with them before a put.
     */
    ownershipId(urn: string, inputs: Properties): string {
        if (REPLACE_ON_CHANGE.some((key) => containsUnknown(inputs[key]))) return UNKNOWN;
        const { project, stack, qualifiedType, name } = urnParts(urn);
        const endpoint = typeof inputs.endpoint === "string" ? inputs.endpoint : undefined;
        return ownershipIdOf(project, stack, `${qualifiedType}::${name}`, String(inputs.bucket), endpoint);
    }

    /** The state: the core's outputs and the derived ones, secret where the inputs were (all of them for a secret policy). */
    outputs(outs: unknown, secretKeys: ReadonlySet<string>): Properties {
        const state = outs as Properties;
        const secret = new Set(secretKeys);
        if (secret.has("policy")) for (const key of DERIVED_OUTPUTS) secret.add(key);
        return wrapSecrets({ ...state, ...derivedOrNone(state.policy) }, secret);
    }

    /**
     * Runs a write; when it fails with properties for the engine to record (a partial success, provider.ts
     * putOrReconcile), those get the same treatment as a result's, so a secret policy stays secret in state.
     */
    async withOutputsOnError<T>(secretKeys: ReadonlySet<string>, write: () => Promise<T>): Promise<T> {
        try {
            return await write();
        } catch (error) {
            const partial = error as { properties?: unknown };
            if (partial !== null && typeof partial === "object" && partial.properties !== undefined)
                partial.properties = this.outputs(partial.properties, secretKeys);
            throw error;
        }
    }

    /** The plugin serves one resource type; any other token is the engine's or a program's mistake, named as such. */
    assertType(urn: string): void {
        const type = urn.split("::")[2]?.split("$").pop();
        if (type !== RESOURCE_TOKEN) throw new Error(`unknown resource type ${type ?? urn}: this provider serves ${RESOURCE_TOKEN}`);
    }
}
