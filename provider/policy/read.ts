/**
 * A text read once per process: `modelOf` keeps the model of every text it reads (bounded), and `check` remembers its
 * model for the formatted text it returns, so a preview's `check`, `diff` and the `update` after it share one reading.
 */
import { quoteFor } from "./json";
import { PolicyModel, readModel } from "./model";
import { parsePolicy } from "./parse";

/**
 * How many models {@link modelOf} keeps, and of how much text: a model holds about ten times its text's size (a 20 KB
 * policy's, 0.2 MB), so the bound is on text bytes as well as on texts. Enough for the texts a preview has in flight
 * (each resource's old, new and formatted policy); a text read again after it was dropped is only read twice.
 */
const CACHED_MODELS = 256;
const CACHED_TEXT_BYTES = 1024 * 1024;
let modelsByText = new Map<string, PolicyModel>();
let cachedTextBytes = 0;

/**
 * @internal Forgets every model read so far: what a benchmark does to measure a reading, not a lookup. A new map, not
 * `clear()`: V8 keeps a cleared map's entries reachable until its next full collection, which a benchmark then pays.
 */
export function forgetModels(): void {
    modelsByText = new Map();
    cachedTextBytes = 0;
}

/**
 * @internal Remembers `model` as the model of `text` as well, for a text known to mean and read exactly the same (the
 * formatted text `check` returns, which the engine sends back to `diff` and `update`).
 */
export function rememberModel(text: string, model: PolicyModel): void {
    if (text.length > CACHED_TEXT_BYTES || modelsByText.has(text)) return;
    while (modelsByText.size >= CACHED_MODELS || cachedTextBytes + text.length > CACHED_TEXT_BYTES) {
        const oldest = modelsByText.keys().next().value as string;
        modelsByText.delete(oldest);
        cachedTextBytes -= oldest.length;
    }
    modelsByText.set(text, model);
    cachedTextBytes += text.length;
}

/**
 * @internal The model of a policy given as text or as a document (see `parsePolicy`, which throws on what it cannot
 * read). A text is read once per process: its model is kept (the oldest of {@link CACHED_MODELS} make room). A
 * document is read each time: a program's object may change between calls.
 */
export function modelOf(policy: string | object): PolicyModel {
    if (typeof policy !== "string") return readModel(parsePolicy(policy) as Record<string, unknown>, quoteFor(policy));
    const cached = modelsByText.get(policy);
    if (cached !== undefined) return cached;
    const model = readModel(parsePolicy(policy) as Record<string, unknown>, quoteFor(policy), true);
    rememberModel(policy, model);
    return model;
}
