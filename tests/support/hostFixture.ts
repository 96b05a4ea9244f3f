/**
 * Small building blocks of the host tier: the serialized provider, a dynamic-provider host started the way the host
 * tests start it, the bucket-policy calls the recording proxy saw, and the engine's check-then-create step. Helpers
 * that need no Pulumi (throw-away buckets, the live policy, the statement granting bob access) are in `localS3.ts`,
 * so the s3 tier does not load Pulumi.
 *
 * Each helper does one thing; what a test file is about (its policies, its inputs, extra host environment, proxy
 * rules and AWS stand-ins) stays in that file.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { LazyBucketPolicyProvider } from "../../provider/lazyProvider";
import { DynamicProviderHost, HostCallError, Props } from "./providerHost";
import { LocalS3Env, LocalS3UserName } from "./localS3";
import { RecordedRequest, S3Proxy } from "./s3proxy";

/** The repository's root: the host's working directory, as the engine uses the program's directory (this repository is the program). */
export const REPO_DIR = path.resolve(__dirname, "../..");

/** The `__provider` input a program registers: the lazy provider handle, serialized as `BucketPolicy` serializes it. */
export async function serializeProvider(): Promise<string> {
    return (await pulumi.runtime.serializeFunction(() => new LazyBucketPolicyProvider(), { allowSecrets: true })).text;
}

/** The environment that gives a host one local user's credentials, and the server's region. */
export function hostEnvFor(env: LocalS3Env, user: LocalS3UserName): NodeJS.ProcessEnv {
    const { accessKeyId, secretAccessKey } = env.users[user];
    return { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: env.region };
}

/** Options of {@link startProviderHost}. */
export interface ProviderHostOptions {
    /** Laid over alice's credentials and region ({@link hostEnvFor}): extra variables, or replacements for those. */
    env?: NodeJS.ProcessEnv;
}

/**
 * Starts the real dynamic-provider host in {@link REPO_DIR} with alice's credentials in its environment, and configures
 * it with the server's region as the stack's `aws:region`. Stop it with `host.stop()`.
 */
export function startProviderHost(env: LocalS3Env, options: ProviderHostOptions = {}): Promise<DynamicProviderHost> {
    return DynamicProviderHost.start({
        cwd: REPO_DIR,
        env: { ...hostEnvFor(env, "alice"), ...options.env },
        config: { "aws:region": env.region },
    });
}

/** The Get/Put/DeleteBucketPolicy requests the proxy recorded so far, of one bucket or of all. */
export function policyCalls(proxy: S3Proxy, bucket?: string): RecordedRequest[] {
    return proxy.requests.filter((r) => (bucket === undefined || r.bucket === bucket) && /BucketPolicy$/.test(r.operation));
}

/** The engine's Check of a new resource (no old inputs), expecting no failures; resolves to the checked inputs. */
export async function checkNew(host: DynamicProviderHost, name: string, news: Props): Promise<Props> {
    const checked = await host.check(name, {}, news);
    expect(checked.failures).toEqual([]);
    return checked.inputs;
}

/** The engine's create step: {@link checkNew}, then Create with the checked inputs. */
export async function checkAndCreate(
    host: DynamicProviderHost,
    name: string,
    news: Props,
): Promise<{ checked: Props; created: { id: string; outputs: Props } }> {
    const checked = await checkNew(host, name, news);
    return { checked, created: await host.create(name, checked) };
}

/** Resolves to the {@link HostCallError} a host call fails with; fails the test when the call succeeds or fails otherwise. */
export function hostFailure(call: Promise<unknown>): Promise<HostCallError> {
    return call.then(
        () => {
            throw new Error("expected the host call to fail");
        },
        (e: unknown) => {
            expect(e).toBeInstanceOf(HostCallError);
            return e as HostCallError;
        },
    );
}
