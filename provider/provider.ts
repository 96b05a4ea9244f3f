/**
 * The dynamic provider: six short methods that delegate to the pure core (validate, policy) and to the S3 calls. It
 * is never serialized: the handle in state (handle.ts) `require`s this module inside the provider host.
 */
import type * as pulumi from "@pulumi/pulumi";
import { analyzeAccessChange } from "./access/analyze";
import type { AccessChangeAnalysis } from "./access/types";
import { CallContext, deleteBucketPolicy, findBucketPolicy, putBucketPolicy } from "./calls";
import { clobberRefusal } from "./errors";
import {
    BucketPolicyInputs,
    BucketPolicyOutputs,
    NOT_OUTPUTS,
    REPLACE_ON_CHANGE,
    SECRET_POLICY_MARKER,
    UNKNOWN,
    containsUnknown,
    withoutUndefined,
} from "./inputs";
import { PolicyParseError, policiesEquivalent } from "./policy";
import { publicAccessOf } from "./policy/publicAccess";
import { shownText } from "./policy/json";
import { modelOf } from "./policy/read";
import { isOwnWrite, isOwnershipId, needsOwnershipId, ownershipIdBytes, ownershipIdIn, withOwnershipId, withoutOwnershipId } from "./ownership";
import { Connection, S3Sender, createS3Client } from "./s3";
import { Failure, MAX_POLICY_BYTES, checkPolicy, policyFailure, publicPolicyWarning, validateSettings } from "./validate";
import {
    AccessChangeBaseline,
    AccessChangeGate,
    AccessChangeReport,
    UNKNOWN_POLICY_NOTE,
    changeFingerprint,
    failedAnalysis,
    reportAccessChange,
    withheld,
} from "./validate/accessChange";

/** Distinct connection settings whose clients are kept at once (a stack seldom has more than a few). */
const MAX_CLIENTS = 16;

/**
 * Where the provider's notices go (a warning, the access-change lines). The dynamic-provider host turns a line on its
 * stdout or stderr into a diagnostic, so the default writes there; the provider plugin's stdout is hidden by the engine,
 * so the plugin sends them to the engine's log instead (plugin/engineLog.ts). Each carries its own `info: ` or
 * `warning: ` (the engine shows host lines as plain info).
 */
export interface Notices {
    info(text: string): void | Promise<void>;
    warn(text: string): void | Promise<void>;
}

/** Notices on the host's stdout (info) and stderr (warnings). */
export const CONSOLE_NOTICES: Notices = { info: (text) => console.log(text), warn: (text) => console.warn(text) };

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

/** The ownership id `BucketPolicy` sent, when it is one (check names anything else as a failure). */
function ownershipIdOrNone(value: unknown): string | undefined {
    return isOwnershipId(value) ? value : undefined;
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

/**
 * The state: the inputs as applied and the policy S3 holds. Not the inputs that only gate `check`, nor the secret
 * marker, nor what is derived from the policy (the program derives it; state from 0.4.0 and before carried it).
 */
function outputsFor(inputs: BucketPolicyInputs, policy: string): BucketPolicyOutputs {
    const kept = Object.entries(inputs).filter(([key, value]) => value !== undefined && !NOT_OUTPUTS.includes(key));
    return { ...(Object.fromEntries(kept) as BucketPolicyInputs), policy };
}

/** Whether S3 would call the policy public: the error of a put refused by Block Public Access says so. */
function isPublicPolicy(policy: string): boolean {
    try {
        return publicAccessOf(modelOf(policy)).isPublic;
    } catch (error) {
        if (error instanceof PolicyParseError) return false;
        throw error;
    }
}

/** The stack config `bucketPolicy:denyNewAccess`: `true`/`false`, or the value that is neither (a `check` failure). */
function denyNewAccessSetting(value: unknown): boolean | { invalid: string } | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    return { invalid: String(value) };
}

/** Implements {@link pulumi.dynamic.ResourceProvider} for an S3 bucket policy. */
export class BucketPolicyProvider implements pulumi.dynamic.ResourceProvider {
    /** Stack-level defaults (`aws:region`, `aws:profile`), read by `configure`; per-resource inputs win. */
    stackDefaults?: Connection;
    /** The stack config `bucketPolicy:denyNewAccess`, read by `configure`; the resource's `denyNewAccess` input wins. */
    denyNewAccessDefault?: boolean | { invalid: string };
    /** Makes the S3 client for a set of connection settings: the SDK's, or a test's fake. */
    readonly makeClient: (connection: Connection) => S3Sender;
    /**
     * One client per set of connection settings, for the life of the provider host (one deployment): a client per call
     * cost the host about 1.7 ms of CPU each (config and credential resolution, a new connection), 3–4 s of an `up` of
     * 1,000 policies. The SDK refreshes expiring credentials itself; nothing here is ever serialized.
     */
    private readonly clients = new Map<string, S3Sender>();
    /** Where warnings and access-change lines go. */
    notices: Notices = CONSOLE_NOTICES;

    constructor(makeClient: (connection: Connection) => S3Sender = createS3Client) {
        this.makeClient = makeClient;
    }

    /** The client for these connection settings, made on first use. */
    clientFor(connection: Connection): S3Sender {
        const key = JSON.stringify([connection.region, connection.endpoint, connection.forcePathStyle, connection.profile]);
        let client = this.clients.get(key);
        if (client === undefined) {
            if (this.clients.size >= MAX_CLIENTS) this.clients.clear();
            client = this.makeClient(connection);
            this.clients.set(key, client);
        }
        return client;
    }

    async configure(request: { config: StackConfig }): Promise<void> {
        this.stackDefaults = withoutUndefined({ region: request.config.get("aws:region"), profile: request.config.get("aws:profile") });
        this.denyNewAccessDefault = denyNewAccessSetting(request.config.get("bucketPolicy:denyNewAccess"));
    }

    /**
     * Validates every input before any S3 call and returns the policy as the compact text that will be put (formatPolicy).
     * When the policy's meaning changed (or the resource is new), it also says whether the change grants new access,
     * and `denyNewAccess` refuses one that does or may.
     */
    async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
        const failures = validateSettings(news);
        const policy = checkPolicy(news.policy, news);
        failures.push(...policy.failures);
        const written =
            policy.failures.length > 0 || policy.policy === undefined || containsUnknown(policy.policy)
                ? 0
                : Buffer.byteLength(policy.policy, "utf8") + ownershipIdBytes(policy.policy, ownershipIdOrNone(news.ownershipId));
        if (written > MAX_POLICY_BYTES)
            failures.push(
                policyFailure(
                    `policy is ${written} bytes once compacted with the Id this resource adds to a policy without one; S3 accepts at most ${MAX_POLICY_BYTES} bytes (give the policy an Id of your own, or shorten it)`,
                ),
            );
        const setting = this.denyNewAccessDefault;
        if (typeof setting === "object" && news.denyNewAccess === undefined) {
            failures.push({
                property: "denyNewAccess",
                reason: `the stack config bucketPolicy:denyNewAccess must be "true" or "false", got ${shownText(setting.invalid)}`,
            });
        }
        if (policy.lockout)
            await this.notices.warn(`warning: bucket ${String(news.bucket)}: ${policy.lockout}; confirmRemoveSelfBucketAccess is set, so it will be applied.`);
        if (policy.publicAccess) await this.notices.warn(publicPolicyWarning(String(news.bucket), policy.publicAccess));
        if (failures.length === 0 && policy.policy !== undefined) await this.reportAccessChange(olds, news, policy.policy, failures);
        return { inputs: failures.length ? news : { ...news, policy: policy.policy }, failures };
    }

    /**
     * The access-change analysis of one checked policy: printed, or a failure on `policy` when `denyNewAccess` refuses it.
     *
     * The channel: the provider host's stdout. The engine turns each line a plugin writes to stdout into a diagnostic of
     * severity `info` (stderr: `info#err`) attributed to the stack, and the real CLI (v3.274.1) shows it in the progress
     * rows, in the Diagnostics section, with `--diff` and in `--json` (`"severity": "info"`); `pulumi preview` calls
     * `check` once per resource, so a line appears once per preview (and once in each of `pulumi up`'s two phases,
     * preview and update, which both call `check`). Neither stream is counted as a warning, so the text carries its
     * own `info: ` as the public-access note carries `warning: ` (that one on stderr). In the provider host `pulumi.log`
     * has no engine and falls back to `console.log` itself (3.248). tests/cli/accessChange.cli.test.ts checks the line.
     */
    async reportAccessChange(olds: Record<string, unknown>, news: Record<string, unknown>, policy: string, failures: Failure[]): Promise<void> {
        const report = this.accessChange(olds, news, policy);
        if (report?.failure !== undefined) failures.push(policyFailure(report.failure));
        else if (report && report.lines.length > 0) await this.notices.info(report.lines.join("\n"));
    }

    /**
     * What the change of policy from `olds` to `news` grants, when its meaning changed; undefined when it did not (an
     * unchanged resource pays one cached equivalence and no analysis). A new resource, or one replaced onto another
     * bucket or endpoint, is compared with no policy: the live one would cost a call that a preview never makes.
     */
    accessChange(olds: Record<string, unknown>, news: Record<string, unknown>, policy: string): AccessChangeReport | undefined {
        const gate = this.accessGate(news);
        const knownBucket = typeof news.bucket === "string" && news.bucket !== UNKNOWN ? news.bucket : undefined;
        const bucket = knownBucket ?? "(not known at preview)";
        const replaced = REPLACE_ON_CHANGE.some((key) => containsUnknown(news[key]) || (olds[key] ?? "") !== (news[key] ?? ""));
        const before = typeof olds.policy === "string" && !replaced ? olds.policy : undefined;
        const baseline: AccessChangeBaseline = before === undefined ? "create" : "update";
        // Not known at preview: the engine calls check again with the value during the update, before any put, and the
        // gate applies then. Failing here would block every policy made from outputs of resources the same up creates.
        if (containsUnknown(policy)) return gate.denyNewAccess ? { lines: [`info: bucket ${bucket}: ${UNKNOWN_POLICY_NOTE}`] } : undefined;
        if (before !== undefined && (before === policy || sameMeaning(before, policy))) return undefined;
        let analysis: AccessChangeAnalysis;
        try {
            analysis = analyzeAccessChange(before, policy, { bucket: knownBucket });
        } catch (error) {
            // Advisory, and fail-safe: a fault of the analysis (or an old policy it cannot read) is "possible", which
            // denyNewAccess refuses; it never stops a deployment that did not ask for the gate.
            analysis = failedAnalysis(error);
        }
        const change = analysis.newAccess === "possible" ? changeFingerprint(before, policy) : undefined;
        // A secret policy (BucketPolicy marks one) must not reach the CLI's output in plain text.
        const secret = news[SECRET_POLICY_MARKER] === true || news[SECRET_POLICY_MARKER] === UNKNOWN;
        return reportAccessChange(bucket, secret ? withheld(analysis) : analysis, baseline, gate, change);
    }

    /** `denyNewAccess` (the input, else the stack config; a value not known at preview counts as set) and `acceptNewAccess`. */
    accessGate(news: Record<string, unknown>): AccessChangeGate {
        const input = news.denyNewAccess;
        const denyNewAccess = input === UNKNOWN || (typeof input === "boolean" ? input : this.denyNewAccessDefault === true);
        const accept = Array.isArray(news.acceptNewAccess) ? news.acceptNewAccess : [];
        return { denyNewAccess, acceptNewAccess: accept.filter((item): item is string => typeof item === "string" && item !== UNKNOWN) };
    }

    /** Pure: never calls S3. Equivalent policies are no change; a new bucket or endpoint replaces. */
    async diff(_id: string, olds: BucketPolicyOutputs, news: BucketPolicyInputs): Promise<pulumi.dynamic.DiffResult> {
        const replaces = REPLACE_ON_CHANGE.filter((key) => containsUnknown(news[key]) || (olds[key] ?? "") !== (news[key] ?? ""));
        const changed = (Object.keys({ ...olds, ...news }) as Array<keyof BucketPolicyOutputs>).filter((key) => {
            // Check-only inputs gate check alone (nothing to put, no state to keep); the secret marker, the derived
            // outputs of state from 0.4.0 and before, and the handle are no part of what S3 holds.
            if (NOT_OUTPUTS.includes(key)) return false;
            // The ownership id follows the resource's name and place (bucket and endpoint replace it anyway); a stack or
            // project renamed alone needs no write: the next put writes the new one.
            if (key === "ownershipId") return false;
            if (key === "policy") return containsUnknown(news.policy) || !sameMeaning(olds.policy, news.policy);
            return containsUnknown(news[key as keyof BucketPolicyInputs]) || olds[key] !== news[key as keyof BucketPolicyInputs];
        });
        return { changes: changed.length > 0 || replaces.length > 0, replaces, deleteBeforeReplace: false };
    }

    /**
     * Reads the current policy (owner-checked), refuses to clobber one unless it is this resource's own earlier write
     * (it carries the resource's ownership id: a deployment interrupted after the put) or `adoptExisting`, then puts
     * once; a live policy that already means the same is kept without a write.
     */
    async create(inputs: BucketPolicyInputs): Promise<pulumi.dynamic.CreateResult> {
        const context = this.callContext(inputs);
        const found = await findBucketPolicy(context);
        if (found !== undefined) {
            const own = isOwnWrite(found, inputs.ownershipId);
            if (!own && !inputs.adoptExisting) {
                throw clobberRefusal(inputs.bucket, describeStatements(found), ownershipIdIn(found) !== undefined);
            }
            const live = withoutOwnershipId(found, inputs.ownershipId);
            if (sameMeaning(live, inputs.policy)) {
                if (own) return { id: inputs.bucket, outs: outputsFor(inputs, inputs.policy) };
                // An adopted policy is kept without a write, and without this resource's Id: the state records none,
                // and delete tells it by meaning, as before ownership ids. Unless it carries another resource's Id
                // (the old half of a replacement, a renamed resource): then it is put again with this one's, or that
                // resource's delete would remove the policy this one now holds.
                if (ownershipIdIn(found) === undefined) return { id: inputs.bucket, outs: outputsFor({ ...inputs, ownershipId: undefined }, live) };
            }
        }
        const outs = outputsFor(inputs, inputs.policy);
        await this.putOrReconcile(context, inputs, outs, undefined);
        return { id: inputs.bucket, outs };
    }

    /** Refresh and import: a missing policy or bucket is gone; an equivalent live policy keeps the state's text; anything else is drift. */
    async read(id: string, props?: Partial<BucketPolicyOutputs>): Promise<pulumi.dynamic.ReadResult> {
        const state = { ...(props ?? {}), bucket: props?.bucket || id } as BucketPolicyInputs;
        const found = await findBucketPolicy(this.callContext(state));
        if (found === undefined) return {};
        const live = withoutOwnershipId(found, state.ownershipId);
        const policy = sameMeaning(state.policy, live) ? state.policy : live;
        const outs = outputsFor(state, policy);
        return props?.policy === undefined ? { id, props: outs, inputs: outs } : { id, props: outs };
    }

    /** Puts the new policy when its meaning changed (one write); other changes need no write. */
    async update(_id: string, olds: BucketPolicyOutputs, news: BucketPolicyInputs): Promise<pulumi.dynamic.UpdateResult> {
        const context = this.callContext(news);
        if (sameMeaning(olds.policy, news.policy)) {
            // Nothing to write; when the expected owner changed, prove the bucket belongs to it (a read carries the check).
            if (news.expectedBucketOwner && news.expectedBucketOwner !== olds.expectedBucketOwner) await findBucketPolicy(context);
            // Nothing was put, so S3 still holds the Id (or none) the last put wrote: the state keeps saying which.
            return { outs: outputsFor({ ...news, ownershipId: olds.ownershipId }, olds.policy) };
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
            await putBucketPolicy(
                { ...context, publicPolicy: isPublicPolicy(inputs.policy) },
                { ...inputs, policy: withOwnershipId(inputs.policy, inputs.ownershipId) },
            );
        } catch (error) {
            let live: string | undefined;
            try {
                const found = await findBucketPolicy({ ...context, retryTimeoutMs: Math.min(context.retryTimeoutMs ?? 10_000, 10_000) });
                live = found === undefined ? undefined : withoutOwnershipId(found, inputs.ownershipId);
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

    /**
     * Deletes the live policy only while it is this resource's: it carries the resource's ownership id, or (a policy
     * with an Id of the user's own, or state written before ownership ids) it still means what this resource put. An
     * equivalent policy with another resource's Id is left alone. A missing policy or bucket is success.
     */
    async delete(_id: string, props: BucketPolicyOutputs): Promise<void> {
        const context = this.callContext(props);
        const live = await findBucketPolicy(context);
        if (live === undefined) return;
        const mine = needsOwnershipId(props.policy, props.ownershipId) ? isOwnWrite(live, props.ownershipId) : sameMeaning(live, props.policy);
        if (!mine) {
            await this.notices.warn(
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
            client: this.clientFor(connection),
            bucket: inputs.bucket,
            expectedBucketOwner: inputs.expectedBucketOwner,
            retryTimeoutMs: inputs.retryTimeoutSeconds !== undefined ? inputs.retryTimeoutSeconds * 1000 : undefined,
        });
    }
}
