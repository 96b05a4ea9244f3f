/**
 * Timing helpers: each figure is the median of several rounds, with the fastest and slowest round as its spread, so a
 * noisy shared machine shows up as a wide spread rather than as a wrong number.
 */

/** A figure measured over several rounds. */
export interface Sample {
    median: number;
    min: number;
    max: number;
    /** How many rounds (or runs) the figure is taken over. */
    runs: number;
}

/** Options of {@link measureMicros}. */
export interface MeasureOptions {
    /** Rounds to take the median over. */
    rounds: number;
    /** How long one round should last; the iteration count is calibrated to reach it. */
    roundMs: number;
    /** Untimed calls before the rounds (JIT warm-up), stopped early after `roundMs`. */
    warmupCalls: number;
}

/** The median, fastest and slowest of `values`. */
export function summarize(values: number[]): Sample {
    if (values.length === 0) throw new Error("summarize: no values");
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/** Rounds a sample's figures for the report (3 significant digits is plenty for a noisy machine). */
export function rounded(sample: Sample, digits = 3): Sample {
    const r = (x: number) => Number(x.toPrecision(digits));
    return { median: r(sample.median), min: r(sample.min), max: r(sample.max), runs: sample.runs };
}

/** Keeps the optimiser from dropping a call whose result is never used. */
let sink: unknown;
export function consume(value: unknown): void {
    sink = value;
}
export function lastConsumed(): unknown {
    return sink;
}

/**
 * The cost of one synchronous call of `fn`, in microseconds: warm-up, then an iteration count calibrated so that a round
 * lasts about `roundMs`, then `rounds` timed rounds.
 */
export function measureMicros(fn: () => unknown, options: MeasureOptions): Sample {
    return measureInterleaved({ call: fn }, options).samples.call;
}

/** Like {@link measureMicros} for an async call (awaited one at a time). */
export async function measureMicrosAsync(fn: () => Promise<unknown>, options: MeasureOptions): Promise<Sample> {
    const warmupStart = process.hrtime.bigint();
    for (let i = 0; i < options.warmupCalls && elapsedMs(warmupStart) < options.roundMs; i++) consume(await fn());
    let iterations = 1;
    for (;;) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < iterations; i++) consume(await fn());
        const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
        if (elapsedMs >= options.roundMs / 4 || iterations >= 1 << 20) {
            iterations = Math.max(1, Math.round((iterations * options.roundMs) / Math.max(elapsedMs, 1e-3)));
            break;
        }
        iterations *= 4;
    }
    const perCall: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < iterations; i++) consume(await fn());
        perCall.push(Number(process.hrtime.bigint() - start) / 1e3 / iterations);
    }
    return summarize(perCall);
}

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export function elapsedMs(start: bigint): number {
    return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `work` over `items` with at most `limit` in flight, in order of `items`; resolves when all are done. */
export async function inPool<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
    let next = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) {
            const index = next++;
            await work(items[index], index);
        }
    });
    await Promise.all(workers);
}

/** Iterations of `fn` that last about `roundMs` (after a warm-up). */
function calibrate(fn: () => unknown, options: MeasureOptions): number {
    const warmupStart = process.hrtime.bigint();
    for (let i = 0; i < options.warmupCalls && elapsedMs(warmupStart) < options.roundMs; i++) consume(fn());
    for (let iterations = 1; ; iterations *= 4) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < iterations; i++) consume(fn());
        const ms = elapsedMs(start);
        if (ms >= options.roundMs / 4 || iterations >= 1 << 20) return Math.max(1, Math.round((iterations * options.roundMs) / Math.max(ms, 1e-3)));
    }
}

/**
 * Measures several calls in interleaved rounds (round r times each of them in turn), so that a burst of load from
 * elsewhere hits all of them alike; ratios are then taken round by round, which keeps them steady on a busy machine.
 * @returns per call, microseconds per call over the rounds; and `ratio(a, b)`: the median over rounds of a / b.
 */
export function measureInterleaved<K extends string>(
    fns: Record<K, () => unknown>,
    options: MeasureOptions,
): { samples: Record<K, Sample>; ratio(a: K, b: K): number } {
    const names = Object.keys(fns) as K[];
    const iterations = Object.fromEntries(names.map((name) => [name, calibrate(fns[name], options)])) as Record<K, number>;
    const perRound = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
    for (let round = 0; round < options.rounds; round++) {
        for (const name of names) {
            const fn = fns[name];
            const start = process.hrtime.bigint();
            for (let i = 0; i < iterations[name]; i++) consume(fn());
            perRound[name].push(Number(process.hrtime.bigint() - start) / 1e3 / iterations[name]);
        }
    }
    return {
        samples: Object.fromEntries(names.map((name) => [name, summarize(perRound[name])])) as Record<K, Sample>,
        ratio: (a, b) => summarize(perRound[a].map((x, round) => x / perRound[b][round])).median,
    };
}
