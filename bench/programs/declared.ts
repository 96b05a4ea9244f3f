/**
 * What the benchmark programs declare: the driver (bench/suites/cli.ts) writes a JSON list of these to the file named
 * by the stack's `resourcesFile` config key, and both programs read the same list, so they get the same names, buckets
 * and policy texts.
 */

/** One resource of a benchmark program. */
export interface DeclaredResource {
    /** The resource name in the stack. */
    name: string;
    bucket: string;
    /** The policy's JSON text (about 1 KB). */
    policy: string;
}
