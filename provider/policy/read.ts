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

interface Kept {
    text: string;
    model: PolicyModel;
}

/**
 * The kept models by {@link fingerprint} (texts with one fingerprint share a list, told apart by `===`), and in the
 * order they were kept, oldest first.
 */
let keptByPrint = new Map<number, Kept[]>();
let keptInOrder = new Set<Kept>();
let keptTextBytes = 0;

/** How many characters {@link fingerprint} samples. */
const SAMPLES = 64;

/**
 * @internal The text's length and characters sampled across it. Not a string key: V8 hashes a whole string key of up to 16 K
 * characters, about 1.5 ns each, which for the texts arriving fresh on every call costs more than a tenth of `check`.
 */
export function fingerprint(text: string): number {
    const step = Math.max(1, Math.floor(text.length / SAMPLES));
    let print = text.length;
    for (let i = text.length - 1; i >= 0; i -= step) print = (Math.imul(print, 31) + text.charCodeAt(i)) | 0;
    return print;
}

function find(text: string, print: number): Kept | undefined {
    const kept = keptByPrint.get(print);
    if (kept === undefined) return undefined;
    for (let i = 0; i < kept.length; i++) if (kept[i].text === text) return kept[i];
    return undefined;
}

function forget(entry: Kept): void {
    keptInOrder.delete(entry);
    keptTextBytes -= entry.text.length;
    const print = fingerprint(entry.text);
    const kept = keptByPrint.get(print) as Kept[];
    if (kept.length === 1) keptByPrint.delete(print);
    else kept.splice(kept.indexOf(entry), 1);
}

/** @internal Forgets every model read so far: what a benchmark does to measure a reading, not a lookup. */
export function forgetModels(): void {
    keptByPrint = new Map();
    keptInOrder = new Set();
    keptTextBytes = 0;
}

/**
 * @internal Remembers `model` as the model of `text` as well, for a text known to mean and read exactly the same (the
 * formatted text `check` returns, which the engine sends back to `diff` and `update`).
 */
export function rememberModel(text: string, model: PolicyModel, print = fingerprint(text)): void {
    if (text.length > CACHED_TEXT_BYTES || find(text, print) !== undefined) return;
    while (keptInOrder.size >= CACHED_MODELS || keptTextBytes + text.length > CACHED_TEXT_BYTES) {
        forget(keptInOrder.values().next().value as Kept);
    }
    const entry: Kept = { text, model };
    keptInOrder.add(entry);
    keptTextBytes += text.length;
    const kept = keptByPrint.get(print);
    if (kept === undefined) keptByPrint.set(print, [entry]);
    else kept.push(entry);
}

/**
 * @internal The model of a policy given as text or as a document (see `parsePolicy`, which throws on what it cannot
 * read). A text is read once per process: its model is kept (the oldest of {@link CACHED_MODELS} make room). A
 * document is read each time: a program's object may change between calls.
 */
export function modelOf(policy: string | object): PolicyModel {
    if (typeof policy !== "string") return readModel(parsePolicy(policy) as Record<string, unknown>, quoteFor(policy));
    const print = fingerprint(policy);
    const kept = find(policy, print);
    if (kept !== undefined) return kept.model;
    const model = readModel(parsePolicy(policy) as Record<string, unknown>, quoteFor(policy), true);
    rememberModel(policy, model, print);
    return model;
}
