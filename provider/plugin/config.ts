/**
 * The plugin's provider configuration: defaults for the inputs that say where a bucket is and how to reach it, and the
 * stack-wide access-change gate. Set as `s3-bucket-policy:<key>` stack config (the default provider) or as the
 * arguments of an explicit `Provider` resource. A resource's own input wins.
 */
import { shownText } from "../policy/json";
import { endpointProblem } from "../validate/settings";
import { isAccountId } from "../policy/arn";
import { unwrapSecrets } from "./secrets";

/** The package name: the plugin is `pulumi-resource-<PACKAGE>`, its tokens `<PACKAGE>:index:…`, its config `<PACKAGE>:…`. */
export const PACKAGE = "s3-bucket-policy";

/** The provider configuration, parsed. */
export interface PluginConfig {
    expectedBucketOwner?: string;
    region?: string;
    profile?: string;
    endpoint?: string;
    forcePathStyle?: boolean;
    denyNewAccess?: boolean;
}

/** Each key, its type, and what it is for (the schema's descriptions come from here). */
export const CONFIG_KEYS: ReadonlyArray<{ name: keyof PluginConfig; type: "string" | "boolean"; description: string }> = [
    {
        name: "expectedBucketOwner",
        type: "string",
        description:
            "Default 12-digit account id sent as `ExpectedBucketOwner` on every S3 call (a resource's `expectedBucketOwner` wins). It also applies to `pulumi import`, which gives a resource no inputs.",
    },
    {
        name: "region",
        type: "string",
        description: "Default AWS region of the buckets (a resource's `region` wins; else the SDK's chain: AWS_REGION, the profile).",
    },
    { name: "profile", type: "string", description: "Default shared-config profile to take credentials from (a resource's `profile` wins; else AWS_PROFILE)." },
    {
        name: "endpoint",
        type: "string",
        description:
            "Default S3-compatible endpoint URL (a resource's `endpoint` wins; default: `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL` in the environment, which is not recorded, then AWS). It is recorded in each resource's state: a change replaces the resources that took it.",
    },
    {
        name: "forcePathStyle",
        type: "boolean",
        description:
            "Default path-style addressing (a resource's `forcePathStyle` wins; default: true when an endpoint is set, by configuration or by the environment).",
    },
    {
        name: "denyNewAccess",
        type: "boolean",
        description:
            "Make `check` (and so `pulumi preview`) fail when a change of a policy grants, or may grant, new access, for every resource that does not set `denyNewAccess` itself.",
    },
];

/** A configuration the engine sent that the plugin refuses: it names the key and what is wrong. */
export class ConfigError extends Error {}

/**
 * Reads the configuration from what the engine sends to `Configure`: `args` (typed values, when the engine sends
 * them) or else `variables` (`s3-bucket-policy:config:<key>` → text). Unknown keys are refused, so a misspelt key
 * does not silently fall back to a default.
 */
export function parseConfig(args: Record<string, unknown> | undefined, variables: ReadonlyMap<string, string> | Iterable<[string, string]>): PluginConfig {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of variables) {
        const name = key.startsWith(`${PACKAGE}:config:`)
            ? key.slice(`${PACKAGE}:config:`.length)
            : key.startsWith(`${PACKAGE}:`)
              ? key.slice(PACKAGE.length + 1)
              : key;
        raw[name] = value;
    }
    // A value set with --secret arrives wrapped (the server accepts secrets); none of these settings is a secret.
    Object.assign(raw, unwrapSecrets(args).plain);
    const config: PluginConfig = {};
    for (const [name, value] of Object.entries(raw)) {
        if (value === undefined || value === null || value === "") continue;
        const key = CONFIG_KEYS.find((candidate) => candidate.name === name);
        // The engine adds its own entry (`version`) to the arguments of every provider.
        if (key === undefined) {
            if (name === "version" || name.startsWith("__")) continue;
            throw new ConfigError(`${PACKAGE}:${name} is not a setting of this provider (known: ${CONFIG_KEYS.map((k) => k.name).join(", ")})`);
        }
        if (key.type === "boolean") {
            if (value === true || value === "true") config[key.name as "forcePathStyle"] = true;
            else if (value === false || value === "false") config[key.name as "forcePathStyle"] = false;
            else throw new ConfigError(`${PACKAGE}:${name} must be true or false, got ${shownText(String(value))}`);
        } else if (key.name === "expectedBucketOwner" && typeof value === "number") {
            // Digits in config may arrive as a number; an account id is 12 digits, so padding restores it exactly.
            config.expectedBucketOwner = String(value).padStart(12, "0");
        } else {
            if (typeof value !== "string") throw new ConfigError(`${PACKAGE}:${name} must be a string, got ${shownText(JSON.stringify(value))}`);
            config[key.name as "region"] = value;
        }
    }
    if (config.expectedBucketOwner !== undefined && !isAccountId(config.expectedBucketOwner))
        throw new ConfigError(`${PACKAGE}:expectedBucketOwner must be a 12-digit AWS account id, got ${shownText(config.expectedBucketOwner)}`);
    const endpoint = config.endpoint === undefined ? undefined : endpointProblem(config.endpoint);
    if (endpoint !== undefined) throw new ConfigError(`${PACKAGE}:${endpoint}`);
    return config;
}

/** The resource inputs the configuration fills when a resource leaves them unset. */
export const DEFAULTED_INPUTS = ["expectedBucketOwner", "region", "profile", "endpoint", "forcePathStyle"] as const;

/** The inputs with the configuration's defaults for what they leave unset. */
export function withDefaults(inputs: Record<string, unknown>, config: PluginConfig): Record<string, unknown> {
    const filled = { ...inputs };
    for (const key of DEFAULTED_INPUTS) if (filled[key] === undefined && config[key] !== undefined) filled[key] = config[key];
    return filled;
}
