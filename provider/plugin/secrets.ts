/**
 * Secrets as a provider plugin receives them. `@pulumi/pulumi/provider`'s server tells the engine it accepts secrets,
 * so a secret input arrives wrapped (`{ [SECRET_SIG_KEY]: SECRET_SIG, value }`) rather than stripped, and an output the
 * plugin returns plain is stored plain. The adapter unwraps inputs for the core, which works on plain values, and wraps
 * again every output whose input was secret: the engine keeps what the plugin says, so forgetting one would write a
 * secret policy into state in plain text.
 */

/** The engine's marker of a special value (`specialSigKey` in @pulumi/pulumi's runtime/rpc). */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The marker's value for a secret (`specialSecretSig`). */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Properties = Record<string, unknown>;

/** Whether a value is a wrapped secret. */
export function isWrappedSecret(value: unknown): value is { value: unknown } {
    return value !== null && typeof value === "object" && (value as Properties)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

/** A secret wrapping of `value`. */
export function wrapSecret(value: unknown): Properties {
    return { [SPECIAL_SIG_KEY]: SECRET_SIG, value };
}

/** The value without any secret wrapping, at any depth, and whether there was one. */
function unwrapValue(value: unknown): { plain: unknown; secret: boolean } {
    if (isWrappedSecret(value)) return { plain: unwrapValue(value.value).plain, secret: true };
    if (Array.isArray(value)) {
        const items = value.map(unwrapValue);
        return { plain: items.map((item) => item.plain), secret: items.some((item) => item.secret) };
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Properties).map(([key, item]) => [key, unwrapValue(item)] as const);
        return { plain: Object.fromEntries(entries.map(([key, item]) => [key, item.plain])), secret: entries.some(([, item]) => item.secret) };
    }
    return { plain: value, secret: false };
}

/**
 * The properties as plain values, and the names of those that held a secret anywhere inside: the whole top-level
 * property is then treated as secret (a list with one secret element is kept secret whole).
 */
export function unwrapSecrets(properties: Properties | undefined): { plain: Properties; secretKeys: Set<string> } {
    const plain: Properties = {};
    const secretKeys = new Set<string>();
    for (const [key, value] of Object.entries(properties ?? {})) {
        const unwrapped = unwrapValue(value);
        plain[key] = unwrapped.plain;
        if (unwrapped.secret) secretKeys.add(key);
    }
    return { plain, secretKeys };
}

/** The properties with each key in `secretKeys` wrapped as a secret (undefined values stay out). */
export function wrapSecrets(properties: Properties, secretKeys: ReadonlySet<string>): Properties {
    return Object.fromEntries(
        Object.entries(properties)
            .filter(([, value]) => value !== undefined)
            .map(([key, value]) => [key, secretKeys.has(key) ? wrapSecret(value) : value]),
    );
}
