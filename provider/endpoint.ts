/**
 * The S3 endpoint the environment names, when the `endpoint` input is unset: the AWS SDKs' and CLI's own variables
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html), `AWS_ENDPOINT_URL_S3` before
 * `AWS_ENDPOINT_URL`, none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true. The SDK would use them by itself; the
 * provider reads them too so that such an endpoint is treated as the `endpoint` input is (path-style requests, no
 * region redirects) and a malformed one is named by `check` before any call.
 */

/** The variables, most specific first. */
export const ENDPOINT_ENV_VARS = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"] as const;
export const IGNORE_ENDPOINTS_ENV = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

/** An endpoint from the environment, and the variable that named it (for messages). */
export interface EnvironmentEndpoint {
    variable: (typeof ENDPOINT_ENV_VARS)[number];
    url: string;
}

export function environmentEndpoint(env: NodeJS.ProcessEnv = process.env): EnvironmentEndpoint | undefined {
    if (env[IGNORE_ENDPOINTS_ENV]?.trim().toLowerCase() === "true") return undefined;
    for (const variable of ENDPOINT_ENV_VARS) {
        const url = env[variable]?.trim();
        if (url) return { variable, url };
    }
    return undefined;
}
