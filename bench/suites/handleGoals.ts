/**
 * The goal and the row of bench/suites/handle.ts (the provider handle, `__provider`), in a module of their own beside
 * it (that suite's measurement moved with the hand-written handle; its goal and row can join it).
 */
import { Goals, fmt } from "../lib/report";
import type { HandleFigures } from "./handle";

/** `__provider` is stored in every resource's state and sent with every engine call. Enforced: a size is exact. */
export const MAX_PROVIDER_BYTES = 8 * 1024;

export function goals(figures: HandleFigures): Goals {
    return {
        providerAtMost8KB: {
            goal: `__provider ≤ ${MAX_PROVIDER_BYTES} bytes`,
            value: figures.bytes,
            met: figures.bytes <= MAX_PROVIDER_BYTES,
            enforced: true,
        },
    };
}

export function rows(h: HandleFigures): string[] {
    return [
        `__provider: ${h.bytes} B (goal ≤ ${MAX_PROVIDER_BYTES}); first BucketPolicy under setMocks ${fmt(h.coldRegisterMs.median)} ms ` +
            `(require @pulumi/pulumi ${fmt(h.requirePulumiMs.median)} ms); the host's load of the handle ${fmt(h.hostLoadMs.median)} ms`,
    ];
}
