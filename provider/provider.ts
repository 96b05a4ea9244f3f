/**
 * The dynamic provider: six short methods that delegate to the pure core (validate, policy) and to the S3 calls. It
 * is never serialized: the handle in state (lazyProvider.ts) `require`s this module inside the provider host.
 */
import type * as pulumi from "@pulumi/pulumi";
import { CallContext, deleteBucketPolicy, findBucketPolicy, putBucketPolicy } from "./calls";
import { clobberRefusal } from "./errors";
import { BucketPolicyInputs, BucketPolicyOutputs, DERIVED_OUTPUTS, REPLACE_ON_CHANGE, containsUnknown, withoutUndefined } from "./inputs";
import { derivedOutputs } from "./derived";
import { PolicyParseError, policiesEquivalent } from "./policy";
import { modelOf } from "./policy/read";
import { Connection, S3Sender, createS3Client } from "./s3";
import { checkPolicy, publicPolicyWarning, validateSettings } from "./validate";

/** The `pulumi.dynamic.Config` surface the provider reads. */
interface StackConfig {
    get(key: string): string | undefined;
}

/**
 * Equivalence that treats an unreadable document (a live policy S3 holds but this package cannot read) as different,
 * never as equal. Any other exception is a bug and surfaces: it must never become a write.
 */
function sameMeaning(a: string | undefined, b: string | undefined): boolean {
    if (a === undefined || b === undefined) return false;
    try {
        return policiesEquivalent(a, b);
    } catch (error) {
        if (error instanceof PolicyParseError) return false;
        throw error;
    }
}

/** The statements of a live policy, by Sid, for messages; a document this package cannot read is said to be one. */
function describeStatements(policy: string): string {
    let statements;
    try {
        statements = modelOf(policy).statements ?? [];
    } catch (error) {
        if (error instanceof PolicyParseError) return "a document that is not valid policy JSON";
        throw error;
    }
    const named = statements.filter((statement) => statement.sid !== undefined).map((statement) => JSON.stringify(statement.sid));
    const unnamed = statements.length - named.length;
    const parts = [...(named.length ? [`Sids ${named.join(", ")}`] : []), ...(unnamed ? [`${unnamed} statement(s) without Sid`] : [])];
    return `${statements.length} statement(s): ${parts.join("; ") || "none"}`;
}

/** The state: the inputs as applied, the policy S3 holds, and what is derived from it. */
function outputsFor(inputs: BucketPolicyInputs, policy: string): BucketPolicyOutputs {
    const { __provider: _ignored, ...rest } = inputs as BucketPolicyInputs & { __provider?: string };
    return withoutUndefined({ ...rest, policy, ...derivedOutputs(policy) });
}

/** Implements {@link pulumi.dynamic.ResourceProvider} for an S3 bucket policy. */
export class BucketPolicyProvider implements pulumi.dynamic.ResourceProvider {
    /** Stack-level defaults (`aws:region`, `aws:profile`), read by `configure`; per-resource inputs win. */
    stackDefaults?: Connection;
    /** Makes the S3 client of each call from its connection settings: the SDK's, or a test's fake. */
    readonly makeClient: (connection: Connection) => S3Sender;

    constructor(makeClient: (connection: Connection) => S3Sender = createS3Client) {
        this.makeClient = makeClient;
    }

    async configure(request: { config: StackConfig }): Promise<void> {
        this.stackDefaults = withoutUndefined({ region: request.config.get("aws:region"), profile: request.config.get("aws:profile") });
    }

    /** Validates every input before any S3 call and returns the policy as the compact text that will be put (formatPolicy). */
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
        const failures = validateSettings(news);
        const policy = checkPolicy(news.policy, news);
        failures.push(...policy.failures);
        if (policy.lockout)
            console.warn(`warning: bucket ${String(news.bucket)}: ${policy.lockout}; confirmRemoveSelfBucketAccess is set, so it will be applied.`);
        if (policy.publicAccess) console.warn(publicPolicyWarning(String(news.bucket), policy.publicAccess));
        return { inputs: failures.length ? news : { ...news, policy: policy.policy }, failures };
    }

    /** Pure: never calls S3. Equivalent policies are no change; a new bucket or endpoint replaces. */
    async diff(_id: string, olds: BucketPolicyOutputs, news: BucketPolicyInputs): Promise<pulumi.dynamic.DiffResult> {
        const replaces = REPLACE_ON_CHANGE.filter((key) => containsUnknown(news[key]) || (olds[key] ?? "") !== (news[key] ?? ""));
        const changed = (Object.keys({ ...olds, ...news }) as Array<keyof BucketPolicyOutputs>).filter((key) => {
            if ((DERIVED_OUTPUTS as readonly string[]).includes(key) || (key as string) === "__provider") return false;
            if (key === "policy") return containsUnknown(news.policy) || !sameMeaning(olds.policy, news.policy);
            return containsUnknown(news[key as keyof BucketPolicyInputs]) || olds[key] !== news[key as keyof BucketPolicyInputs];
        });
        return { changes: changed.length > 0 || replaces.length > 0, replaces, deleteBeforeReplace: false };
    }

    /** Reads the current policy (owner-checked), refuses to clobber one unless `adoptExisting`, then puts once. */
    async create(inputs: BucketPolicyInputs): Promise<pulumi.dynamic.CreateResult> {
        const context = this.callContext(inputs);
        const live = await findBucketPolicy(context);
        if (live !== undefined) {
            if (!inputs.adoptExisting) {
                throw clobberRefusal(inputs.bucket, describeStatements(live));
            }
            if (sameMeaning(live, inputs.policy)) return { id: inputs.bucket, outs: outputsFor(inputs, live) };
        }
        const outs = outputsFor(inputs, inputs.policy);
        await this.putOrReconcile(context, inputs, outs, undefined);
        return { id: inputs.bucket, outs };
    }

    /** Refresh and import: a missing policy or bucket is gone; an equivalent live policy keeps the state's text; anything else is drift. */
    async read(id: string, props?: Partial<BucketPolicyOutputs>): Promise<pulumi.dynamic.ReadResult> {
        const state = { ...(props ?? {}), bucket: props?.bucket || id } as BucketPolicyInputs;
        const live = await findBucketPolicy(this.callContext(state));
        if (live === undefined) return {};
        const policy = sameMeaning(state.policy, live) ? state.policy : live;
        const outs = outputsFor(state, policy);
        if (props?.policy === undefined) {
            const { canonicalPolicy: _canonical, isPublic: _isPublic, publicAccess: _publicAccess, ...inputs } = outs;
            return { id, props: outs, inputs };
        }
        return { id, props: outs };
    }

    /** Puts the new policy when its meaning changed (one write); other changes need no write. */
    async update(_id: string, olds: BucketPolicyOutputs, news: BucketPolicyInputs): Promise<pulumi.dynamic.UpdateResult> {
        const context = this.callContext(news);
        if (sameMeaning(olds.policy, news.policy)) {
            // Nothing to write; when the expected owner changed, prove the bucket belongs to it (a read carries the check).
            if (news.expectedBucketOwner && news.expectedBucketOwner !== olds.expectedBucketOwner) await findBucketPolicy(context);
            return { outs: outputsFor(news, olds.policy) };
        }
        const outs = outputsFor(news, news.policy);
        await this.putOrReconcile(context, news, outs, olds);
        return { outs };
    }

    /**
     * Puts the policy. When the put fails, S3 may still have applied it (a reset after the request was sent), so the
     * live policy is read back: if it is the new one, the error carries `id` and `properties` (the host reports a
     * partial success and the engine records what S3 holds); if it is neither old nor new, the properties record it
     * as drift. Either way the state never claims a policy S3 does not have.
     */
    async putOrReconcile(context: CallContext, inputs: BucketPolicyInputs, outs: BucketPolicyOutputs, olds: BucketPolicyOutputs | undefined): Promise<void> {
        try {
            await putBucketPolicy({ ...context, publicPolicy: outs.isPublic === true }, inputs);
        } catch (error) {
            let live: string | undefined;
            try {
                live = await findBucketPolicy({ ...context, retryTimeoutMs: Math.min(context.retryTimeoutMs ?? 10_000, 10_000) });
            } catch {
                throw error;
            }
            const partial = error as Error & { id?: string; properties?: BucketPolicyOutputs; reasons?: string[] };
            // The host adds __provider to successful results only, and the engine stores these properties as the
            // resource's state: without it, every later refresh or delete of the resource fails to load the provider.
            const provider = (inputs as { __provider?: string }).__provider;
            const stored = (properties: BucketPolicyOutputs) => (provider === undefined ? properties : { ...properties, __provider: provider });
            if (sameMeaning(live, inputs.policy)) {
                Object.assign(partial, {
                    id: inputs.bucket,
                    properties: stored(outs),
                    reasons: [`the put reported an error but S3 holds the new policy: ${partial.message}`],
                });
            } else if (olds && live !== undefined && !sameMeaning(live, olds.policy)) {
                Object.assign(partial, {
                    id: inputs.bucket,
                    properties: stored(outputsFor(olds, live)),
                    reasons: [`the put failed and S3 holds a third policy: ${partial.message}`],
                });
            }
            throw partial;
        }
    }

    /** Deletes the live policy only while it is still the one this resource put; a missing policy or bucket is success. */
    async delete(_id: string, props: BucketPolicyOutputs): Promise<void> {
        const context = this.callContext(props);
        const live = await findBucketPolicy(context);
        if (live === undefined) return;
        if (!sameMeaning(live, props.policy)) {
            console.warn(
                `warning: bucket ${props.bucket}: the live bucket policy (${describeStatements(live)}) is not the one this resource put; ` +
                    `it was left in place. Delete it yourself if it is no longer wanted.`,
            );
            return;
        }
        await deleteBucketPolicy(context);
    }

    /** Builds the per-call S3 context from the resource's own inputs, then the stack defaults, then the SDK's chain. */
    callContext(inputs: BucketPolicyInputs): CallContext {
        const defaults = this.stackDefaults ?? {};
        const connection: Connection = {
            region: inputs.region || defaults.region,
            endpoint: inputs.endpoint,
            forcePathStyle: inputs.forcePathStyle,
            profile: inputs.profile || defaults.profile,
        };
        return withoutUndefined({
            client: this.makeClient(connection),
            bucket: inputs.bucket,
            expectedBucketOwner: inputs.expectedBucketOwner,
            retryTimeoutMs: inputs.retryTimeoutSeconds !== undefined ? inputs.retryTimeoutSeconds * 1000 : undefined,
        });
    }
}
