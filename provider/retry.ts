/**
 * Bounded retries with capped full jitter (delay = random * min(cap, base * 2^attempt)).
 * Time, sleep and randomness are passed in so tests control them without stubbing globals.
 */

export const DEFAULT_RETRY_TIMEOUT_MS = 120_000;
export const BASE_RETRY_DELAY_MS = 250;
export const MAX_RETRY_DELAY_MS = 8_000;

/** What one retried call needs. */
export interface RetryOptions {
    /** Give up once this much time has passed since the first attempt. */
    timeoutMs: number;
    /** Returns a reason string when the error is worth another attempt, undefined when it is not. */
    retryReason: (error: unknown) => string | undefined;
    /** Builds the error to throw when giving up. */
    onGiveUp: (lastError: unknown, summary: RetrySummary) => Error;
    sleep?: (ms: number) => Promise<void>;
    random?: () => number;
    now?: () => number;
    baseDelayMs?: number;
    maxDelayMs?: number;
}

/** How a retried call went, for the error that reports giving up. */
export interface RetrySummary {
    attempts: number;
    elapsedMs: number;
    reasons: string[];
}

/** Capped full-jitter backoff for attempt number `attempt` (0-based). */
export function backoffDelayMs(attempt: number, random: number, baseDelayMs = BASE_RETRY_DELAY_MS, maxDelayMs = MAX_RETRY_DELAY_MS): number {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt, 30));
    return Math.floor(random * ceiling);
}

/**
 * Runs `call` until it succeeds, fails with an error `retryReason` rejects (thrown as is), or the time budget is spent
 * (then `onGiveUp` decides what to throw).
 */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const random = options.random ?? Math.random;
    const now = options.now ?? Date.now;
    const started = now();
    const reasons: string[] = [];
    for (let attempt = 0; ; attempt++) {
        try {
            return await call();
        } catch (error) {
            const reason = options.retryReason(error);
            if (reason === undefined) throw error;
            reasons.push(reason);
            const elapsedMs = now() - started;
            const delay = backoffDelayMs(attempt, random(), options.baseDelayMs, options.maxDelayMs);
            if (elapsedMs + delay >= options.timeoutMs) {
                throw options.onGiveUp(error, { attempts: attempt + 1, elapsedMs, reasons });
            }
            await sleep(delay);
        }
    }
}

/** "3 × SlowDown (throttling), 1 × NoSuchBucket (bucket not visible yet)". */
export function summarizeReasons(reasons: string[]): string {
    const counts = new Map<string, number>();
    for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    return [...counts].map(([reason, count]) => `${count} × ${reason}`).join(", ");
}
