/**
 * `BucketPolicy`: the Pulumi resource programs declare. It turns the policy (object or JSON text) into JSON text and
 * registers a dynamic resource (type `pulumi-nodejs:dynamic/s3:BucketPolicy`, served by Pulumi's dynamic-provider
 * host) whose `__provider` is the small hand-written handle of handle.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { DerivedOutputs, derivedOutputs } from "./derived";
import { PROVIDER_HANDLE } from "./handle";
import { ChecksumAlgorithm, DERIVED_OUTPUTS, INPUT_NAMES, SECRET_POLICY_MARKER } from "./inputs";
import { ownershipIdOf } from "./ownership";
import { PolicyParseError } from "./policy";
import { pauseStackTraces, withCallSite } from "./stackTraces";
import type { PolicyDocumentArgs } from "./types";

/**
 * The resource type: what `pulumi.dynamic.Resource` registers for module `s3`, type `BucketPolicy`. The engine sends
 * every `pulumi-nodejs:dynamic…` resource to the dynamic-provider host; state written by earlier versions has this type.
 */
export const BUCKET_POLICY_TYPE = "pulumi-nodejs:dynamic/s3:BucketPolicy";

/** The inputs of a {@link BucketPolicy}. */
export interface BucketPolicyArgs {
    /** The bucket's name. A change replaces the resource. */
    bucket: pulumi.Input<string>;
    /** The policy document: a typed object (it may hold Outputs) or its JSON text, e.g. `aws.iam.getPolicyDocumentOutput(...).json`. */
    policy: pulumi.Input<string | PolicyDocumentArgs>;
    /** 12-digit account id sent as `ExpectedBucketOwner` on every S3 call (get, put, delete). */
    expectedBucketOwner?: pulumi.Input<string>;
    /** Passed to `PutBucketPolicy`: allow a policy that denies the caller further changes to it. */
    confirmRemoveSelfBucketAccess?: pulumi.Input<boolean>;
    /**
     * Allow a policy that S3 would call public (see `isPublic`); without it, `check` refuses one at preview. It does not
     * bypass S3 Block Public Access: where `BlockPublicPolicy` is on, S3 still refuses the put.
     */
    allowPublicAccess?: pulumi.Input<boolean>;
    /** Passed to `PutBucketPolicy` as the request checksum algorithm. */
    checksumAlgorithm?: pulumi.Input<ChecksumAlgorithm>;
    /** Replace a policy the bucket already has when the resource is created (default: refuse). */
    adoptExisting?: pulumi.Input<boolean>;
    /** AWS region of the bucket (default: `aws:region` stack config, then the SDK's chain: AWS_REGION, profile). */
    region?: pulumi.Input<string>;
    /** S3-compatible endpoint URL (default: `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL` in the environment, then AWS). A change replaces the resource. */
    endpoint?: pulumi.Input<string>;
    /** Path-style addressing (default: true when an endpoint is set, by this input or by the environment). */
    forcePathStyle?: pulumi.Input<boolean>;
    /** Shared-config profile to take credentials from (default: `aws:profile` stack config, then AWS_PROFILE). */
    profile?: pulumi.Input<string>;
    /** How long to keep retrying throttling, eventual-consistency and transient errors (default 120). */
    retryTimeoutSeconds?: pulumi.Input<number>;
    /**
     * Make `check` (and so `pulumi preview`) fail when a change of the policy grants new access, or may (default: the
     * stack config `bucketPolicy:denyNewAccess`, else false). A new resource is compared with no policy. Only gates
     * `check`: a change of it alone is no update, and it is not kept in state.
     */
    denyNewAccess?: pulumi.Input<boolean>;
    /** Fingerprints of reviewed new access (as `check`'s failure lists them) that `denyNewAccess` lets through. Only gates `check`. */
    acceptNewAccess?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Policy objects become JSON text here, so the provider always receives text (and one unknown during preview). */
function policyText(policy: pulumi.Input<string | PolicyDocumentArgs>): pulumi.Output<string> {
    return pulumi.output(policy).apply((value) => (typeof value === "string" ? value : JSON.stringify(value)));
}

/**
 * Whether the policy is secret, for the provider: the engine strips secrets before it calls a dynamic provider, so
 * `check` could not tell otherwise, and it must not print the access-change analysis of a secret policy in plain text.
 * Registered only for a secret policy.
 */
function secretPolicyMarker(policy: pulumi.Output<string>): pulumi.Output<true | undefined> {
    return pulumi.output(pulumi.isSecret(policy).then((secret) => (secret ? true : undefined)));
}

/** The derived outputs of a policy text as the engine returns it; none for a text that is not a policy document. */
function derivedOrNone(policy: string | undefined): DerivedOutputs | undefined {
    if (typeof policy !== "string") return undefined;
    try {
        return derivedOutputs(policy);
    } catch (error) {
        if (error instanceof PolicyParseError) return undefined;
        throw error;
    }
}

/**
 * Gives `resource` its derived outputs from its `policy` output instead of registering them or storing them in state:
 * the SDK spends several promises, each with a stack trace, on every registered property, in every preview (bench:
 * four more registered properties made a preview of 1,000 resources in state 23% slower), and state would carry the
 * policy a second time. Made on first use, once per resource; secret when `policy` is.
 */
function deriveOutputsFromPolicy(resource: BucketPolicy): void {
    let derived: pulumi.Output<DerivedOutputs | undefined> | undefined;
    for (const key of DERIVED_OUTPUTS) {
        let output: pulumi.Output<unknown> | undefined;
        Object.defineProperty(resource, key, {
            get: () => (output ??= (derived ??= resource.policy.apply(derivedOrNone)).apply((values) => values?.[key])),
            enumerable: true,
        });
    }
}

/**
 * The Id this resource writes into a policy without one (provider/ownership.ts): made here, where the resource's name,
 * project and stack are known (the provider is never told them). Plain when the bucket and endpoint are: an Output
 * costs the SDK several promises a resource at preview.
 */
function ownershipIdInput(name: string, bucket: pulumi.Input<string>, endpoint: pulumi.Input<string> | undefined): pulumi.Input<string> {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    if (typeof bucket === "string" && (endpoint === undefined || typeof endpoint === "string")) return ownershipIdOf(project, stack, name, bucket, endpoint);
    return pulumi.all([bucket, endpoint]).apply(([known, at]) => ownershipIdOf(project, stack, name, known, at));
}

/** Why the `import` resource option cannot work for a dynamic resource, and what to do instead. */
function importRefusal(name: string): string {
    return (
        `BucketPolicy "${name}": the import resource option does not work for dynamic resources: Pulumi's engine reads the ` +
        `resource to import without its properties, and a dynamic provider's code travels in them (__provider), so the ` +
        `provider host cannot load it (pulumi/pulumi#3550). To take over the bucket's existing policy, remove the import ` +
        `option and declare an equivalent policy with adoptExisting: true: create then reads the live policy and, when it ` +
        `is equivalent, writes nothing. For a read-only view of a policy managed elsewhere, use BucketPolicy.get(name, bucket, ` +
        `{ expectedBucketOwner, region, endpoint }).`
    );
}

/**
 * An S3 bucket policy, compared by meaning rather than by text.
 *
 * Taking over an existing policy: `adoptExisting: true` with an equivalent policy (no write), not the `import` resource
 * option or `pulumi import`, which the engine cannot run for dynamic resources. See the README, "Adopting a policy".
 */
export class BucketPolicy extends pulumi.CustomResource {
    declare public readonly bucket: pulumi.Output<string>;
    /** The policy JSON text as put to S3. */
    declare public readonly policy: pulumi.Output<string>;
    /** The canonical form of `policy`: equal for any two policies that mean the same. Derived in the program, not kept in state. */
    declare public readonly canonicalPolicy: pulumi.Output<string>;
    /** Whether S3 would call `policy` public ("The meaning of public"), as `GetBucketPolicyStatus` reports it. Derived in the program. */
    declare public readonly isPublic: pulumi.Output<boolean>;
    /** `not public`, or which statements make `policy` public and why. Derived in the program. */
    declare public readonly publicAccess: pulumi.Output<string>;
    declare public readonly expectedBucketOwner: pulumi.Output<string | undefined>;
    declare public readonly confirmRemoveSelfBucketAccess: pulumi.Output<boolean | undefined>;
    declare public readonly allowPublicAccess: pulumi.Output<boolean | undefined>;
    declare public readonly checksumAlgorithm: pulumi.Output<ChecksumAlgorithm | undefined>;
    declare public readonly adoptExisting: pulumi.Output<boolean | undefined>;
    declare public readonly region: pulumi.Output<string | undefined>;
    declare public readonly endpoint: pulumi.Output<string | undefined>;
    declare public readonly forcePathStyle: pulumi.Output<boolean | undefined>;
    declare public readonly profile: pulumi.Output<string | undefined>;
    declare public readonly retryTimeoutSeconds: pulumi.Output<number | undefined>;

    /**
     * Reads the live policy of a bucket into a read-only resource: Pulumi never writes or deletes it (the engine's
     * `ReadResource`). The engine sends the properties registered here, `__provider` included, to the provider's `read`,
     * which fills `policy` from S3 (the outputs derived from it follow). A bucket without a policy fails the deployment
     * ("resource '<bucket>' does not exist").
     * @param name the resource name in this stack.
     * @param id the bucket's name.
     * @param state how to reach the bucket, e.g. `{ expectedBucketOwner, region, endpoint }`; the owner check applies.
     */
    static get(name: string, id: pulumi.Input<string>, state?: Partial<BucketPolicyArgs>, opts?: pulumi.CustomResourceOptions): BucketPolicy {
        return new BucketPolicy(name, { ...(state as BucketPolicyArgs), bucket: state?.bucket ?? id }, { ...opts, id });
    }

    /**
     * @throws Error when `opts.import` is set: the engine's import calls the provider's `read` without the resource's
     * properties, so the host cannot load a dynamic provider (pulumi/pulumi#3550, #16175). The message names what works.
     */
    constructor(name: string, args: BucketPolicyArgs, opts?: pulumi.CustomResourceOptions) {
        if (opts?.import !== undefined) throw new Error(importRefusal(name));
        // Only the inputs that are set are registered: the SDK spends several promises, each with a stack trace, on every
        // registered property (about 0.8 ms a resource each), which made nine unset inputs most of the cost of a large
        // preview (bench: "pulumi preview" of 1,000). Unknown keys a JavaScript caller passes still reach check, which
        // names them.
        const props: Record<string, unknown> = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
        props.bucket = args.bucket;
        if (typeof args.policy === "string") {
            // Plain text cannot be secret: no Output chain to convert it or to ask whether it is secret (the common
            // case of a policy read from a file, and the cheaper one by about 2 ms a resource at scale).
            props.policy = args.policy;
        } else {
            // Undefined for BucketPolicy.get: registered all the same, so that the policy read from S3 surfaces.
            const policy = args.policy === undefined ? undefined : policyText(args.policy);
            props.policy = policy;
            if (policy !== undefined) props[SECRET_POLICY_MARKER] = secretPolicyMarker(policy);
        }
        // Not for BucketPolicy.get, which never writes.
        if (opts?.id === undefined) props.ownershipId = ownershipIdInput(name, args.bucket, args.endpoint);
        props.__provider = PROVIDER_HANDLE;
        // The SDK's stack traces for each registered property are taken for nobody (stackTraces.ts): paused meanwhile.
        const traces = pauseStackTraces();
        try {
            super(BUCKET_POLICY_TYPE, name, props, opts);
        } catch (error) {
            traces.resume();
            throw withCallSite(error, BucketPolicy);
        } finally {
            traces.resume();
        }
        deriveOutputsFromPolicy(this);
        // An unset input's output is undefined; it is made on first use instead of being registered.
        for (const key of INPUT_NAMES) {
            if (!(key in props)) Object.defineProperty(this, key, { get: () => pulumi.output(undefined), enumerable: true });
        }
    }
}
