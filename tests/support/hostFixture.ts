/**
 * Small building blocks of the host tier: the serialized provider, a dynamic-provider host started the way the host
 * tests start it, the bucket-policy calls the recording proxy saw, and the engine's check-then-create step. Helpers
 * that need no Pulumi (throw-away buckets, the live policy, the statement granting bob access) are in `localS3.ts`,
 * so the s3 tier does not load Pulumi.
 *
 * {@link useHostFixture} is the common set-up of a host suite (server, alice, buckets, proxy, provider, host) and
 * builds a resource's inputs ({@link HostFixture.inputs}; {@link resourceInputs} for suites with their own hosts). Each
 * other helper does one thing; what a test file is about (its policies, its own inputs, extra host environment, proxy
 * rules and AWS stand-ins) stays in that file.
 */
import * as path from "path";
import { PROVIDER_HANDLE } from "../../provider/handle";
import { DynamicProviderHost, HostCallError, Props } from "./providerHost";
import { S3Client } from "@aws-sdk/client-s3";
import { BucketTracker, LocalS3Env, LocalS3UserName, bucketTracker, loadLocalS3Env, s3ClientFor } from "./localS3";
import { LocalStackEnv, loadLocalStackEnv } from "./localStack";
import { FaultRule, RecordedRequest, S3Proxy, startS3Proxy } from "./s3proxy";

/** The repository's root: the host's working directory, as the engine uses the program's directory (this repository is the program). */
export const REPO_DIR = path.resolve(__dirname, "../..");

/** The `__provider` input a program registers: the provider handle `BucketPolicy` sends (provider/handle.ts). */
export async function serializeProvider(): Promise<string> {
    return PROVIDER_HANDLE;
}

/**
 * The inputs a program registers for one `BucketPolicy` on `bucket`: `bucket`, the provider handle as `__provider`
 * ({@link serializeProvider}), then `props` (policy, endpoint and the rest; a `__provider` there replaces the handle).
 * For suites that start their own hosts; a suite on {@link useHostFixture} has `fx.inputs`.
 */
export function resourceInputs(bucket: string, props: Props = {}): Props {
    return { bucket, __provider: PROVIDER_HANDLE, ...props };
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

/** Options of {@link useHostFixture}; each suite's specifics. */
export interface HostFixtureOptions {
    /** The S3 server behind the proxy (default RadosGW; LocalStack checks the expected owner for real). */
    server?: "radosgw" | "localstack";
    /** Extra variables for the host's environment ({@link ProviderHostOptions.env}). */
    hostEnv?: NodeJS.ProcessEnv;
    /** The proxy's fault rules, set again before each test (default none). */
    proxyRules?: FaultRule[];
    /** Whether to start the shared host (default true; a suite that starts its own hosts says false). */
    startHost?: boolean;
    /**
     * The suite's own inputs for `bucket`, laid over the fixture's (bucket, the proxy's endpoint, `__provider`) by
     * {@link HostFixture.inputs}: its policy, retry budget, expected owner… Called per use, so it may read the fixture.
     */
    inputs?: (bucket: string) => Props;
}

/** What {@link useHostFixture} provides; the fields are filled in `beforeAll`, so read them inside hooks and tests. */
export interface HostFixture<E extends LocalS3Env = LocalS3Env> {
    env: E;
    /** alice's client straight to the server (set-up, checks and clean-up never meet a proxy fault). */
    alice: S3Client;
    buckets: BucketTracker;
    /** The recording proxy in front of the server. */
    proxy: S3Proxy;
    /** The `__provider` input ({@link serializeProvider}). */
    serializedProvider: string;
    /** The dynamic-provider host (unless `startHost: false`). */
    host: DynamicProviderHost;
    /**
     * The inputs a program would register for `bucket` on the proxy: `bucket`, `endpoint` the proxy's, `__provider`
     * {@link serializedProvider}, then the suite's {@link HostFixtureOptions.inputs}, then `overrides`.
     */
    inputs(bucket: string, overrides?: Props): Props;
}

/**
 * The host tier's common set-up, as jest hooks: `beforeAll` loads the server's env, makes alice's client and a bucket
 * tracker, starts the recording proxy, serializes the provider and starts the host; `beforeEach` forgets the recorded
 * requests and restores the suite's proxy rules; `afterAll` stops the host and the proxy and destroys the buckets.
 * Call it at the top of a `describe`; hooks the suite registers after it run after these.
 */
export function useHostFixture(options: HostFixtureOptions & { server: "localstack" }): HostFixture<LocalStackEnv>;
export function useHostFixture(options?: HostFixtureOptions): HostFixture<LocalS3Env>;
export function useHostFixture(options: HostFixtureOptions = {}): HostFixture<LocalS3Env> {
    const fixture = {
        inputs: (bucket: string, overrides: Props = {}) =>
            resourceInputs(bucket, {
                endpoint: fixture.proxy.endpoint,
                __provider: fixture.serializedProvider,
                ...options.inputs?.(bucket),
                ...overrides,
            }),
    } as HostFixture<LocalS3Env>;
    beforeAll(async () => {
        fixture.env = options.server === "localstack" ? loadLocalStackEnv() : loadLocalS3Env();
        fixture.alice = s3ClientFor(fixture.env, "alice");
        fixture.buckets = bucketTracker(fixture.alice);
        fixture.proxy = await startS3Proxy({ target: fixture.env.endpoint, rules: options.proxyRules });
        fixture.serializedProvider = await serializeProvider();
        if (options.startHost !== false) fixture.host = await startProviderHost(fixture.env, { env: options.hostEnv });
    });
    afterAll(async () => {
        await fixture.host?.stop();
        await fixture.proxy?.close();
        await fixture.buckets?.destroyAll();
    });
    beforeEach(() => {
        fixture.proxy.reset();
        fixture.proxy.setRules(options.proxyRules ?? []);
    });
    return fixture;
}
