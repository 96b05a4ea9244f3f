/**
 * The compiled modules the benchmarks call in-process: the same code the provider host runs.
 */
import * as path from "path";
import type * as policy from "../../provider/policy";
import type { BucketPolicyProvider } from "../../provider/provider";
import { REPO_DIR } from "./build";

const DIST = path.join(REPO_DIR, "dist", "provider");

/** `dist/provider/policy`: canonicalizePolicy, policiesEquivalent, formatPolicy, diffPolicies. */
export function distPolicy(): typeof policy {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(DIST, "policy", "index.js"));
}

/**
 * `forgetModels` of `dist/provider/policy/read`: the policy core keeps the model of every text it reads, so a
 * benchmark that reads the same text again would time a lookup. Called before each measured reading.
 */
export function distForgetModels(): () => void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(DIST, "policy", "read.js")).forgetModels;
}

/** A new instance of the compiled provider implementation. */
export function distProvider(): BucketPolicyProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { BucketPolicyProvider: Provider } = require(path.join(DIST, "provider.js")) as { BucketPolicyProvider: new () => BucketPolicyProvider };
    return new Provider();
}

/** The shipped provider handle: the `__provider` text every BucketPolicy registers (provider/handle.ts). */
export function distProviderHandle(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(DIST, "handle.js")).PROVIDER_HANDLE;
}

/** The path of the compiled `BucketPolicy` resource module. */
export const DIST_RESOURCE = path.join(DIST, "resource.js");

/** `dist/provider/access/analyze`: analyzeAccessChange, as the provider host runs it. */
export function distAccess(): typeof import("../../provider/access/analyze") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(DIST, "access", "analyze.js"));
}
