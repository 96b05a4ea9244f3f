/**
 * How a `BucketPolicy` recognises its own writes: into a policy that has no `Id`, it writes one of its own (the
 * ownership id), stable for the resource (its project, stack and name) and for where the policy lives (bucket,
 * endpoint). A later `create` that finds that Id in the live policy knows it is its own earlier write (a deployment
 * interrupted after the put, before the engine recorded it) and converges instead of refusing; `delete` removes only a
 * policy that carries its Id, so an equivalent policy another resource put is left alone. The Id is the resource's,
 * not the user's: it is never in the `policy` the state or a diff shows. docs/how-it-works.md, "Recognising its own
 * writes".
 */
import { createHash } from "node:crypto";
import { PolicyParseError, formatPolicy, parsePolicy } from "./policy";
import { elementNamed } from "./policy/model";
import { modelOf } from "./policy/read";

/**
 * The ownership id of a resource: `BucketPolicy-` and a UUID (AWS recommends a UUID, or one within the Id, for a
 * policy's Id) made from the resource's identity and the bucket's place, so that the same resource on the same bucket
 * always writes the same Id, and a replacement (another bucket or endpoint) or another resource writes another.
 */
export function ownershipIdOf(project: string, stack: string, name: string, bucket: string, endpoint: string | undefined): string {
    const digest = createHash("sha256")
        .update([project, stack, name, bucket, endpoint ?? ""].join("\n"))
        .digest();
    // A UUID of version 5's layout (name-based, SHA-derived): the version and variant bits set as RFC 9562 has them.
    digest[6] = (digest[6] & 0x0f) | 0x50;
    digest[8] = (digest[8] & 0x3f) | 0x80;
    const hex = digest.subarray(0, 16).toString("hex");
    return `BucketPolicy-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** True for a text `ownershipIdOf` makes (how `check` tells a sent ownership id from anything else). */
export function isOwnershipId(value: unknown): value is string {
    return typeof value === "string" && /^BucketPolicy-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(value);
}

function documentOf(policy: string): Record<string, unknown> | undefined {
    try {
        return parsePolicy(policy) as Record<string, unknown>;
    } catch (error) {
        if (error instanceof PolicyParseError) return undefined;
        throw error;
    }
}

/** Whether a policy has an `Id` of its own (any value, even empty): then the resource writes none into it. */
function hasId(document: Record<string, unknown>): boolean {
    return document.Id !== undefined;
}

/**
 * The text to put: `policy` (the text `check` made) with the ownership id as its `Id` when it has no `Id`; as it is
 * otherwise, or when there is no ownership id (state written before 0.4.0, `BucketPolicy.get`).
 */
export function withOwnershipId(policy: string, ownershipId: string | undefined): string {
    if (ownershipId === undefined) return policy;
    const document = documentOf(policy);
    if (!document || hasId(document)) return policy;
    return formatPolicy({ ...document, Id: ownershipId });
}

/**
 * How many bytes the ownership id adds to `policy` (a text `check` made) when it is put: `"Id":"…",`; 0 when the
 * policy has its own `Id`. From the model `check` already read (kept by `modelOf`), not by writing the text again:
 * check runs for every resource in every preview.
 */
export function ownershipIdBytes(policy: string, ownershipId: string | undefined): number {
    if (ownershipId === undefined) return 0;
    let model;
    try {
        model = modelOf(policy);
    } catch (error) {
        if (error instanceof PolicyParseError) return 0;
        throw error;
    }
    if (elementNamed(model.elements, "Id") !== undefined) return 0;
    return Buffer.byteLength(`"Id":${JSON.stringify(ownershipId)},`, "utf8");
}

/**
 * Whether the resource writes its ownership id into `policy` (it has one, and the policy has no `Id` of its own): then
 * only a live policy carrying that Id is the resource's. Otherwise (state from before 0.4.0, a user's own `Id`) the
 * resource can only tell its policy by meaning.
 */
export function needsOwnershipId(policy: string, ownershipId: string | undefined): boolean {
    if (ownershipId === undefined) return false;
    const document = documentOf(policy);
    return document !== undefined && !hasId(document);
}

/** Whether the live policy carries this resource's ownership id: it is this resource's own write. */
export function isOwnWrite(live: string, ownershipId: string | undefined): boolean {
    if (ownershipId === undefined) return false;
    return documentOf(live)?.Id === ownershipId;
}

/** Whether the live policy carries some resource's ownership id (for messages: another resource's write). */
export function ownershipIdIn(live: string): string | undefined {
    const id = documentOf(live)?.Id;
    return isOwnershipId(id) ? id : undefined;
}

/** The live policy as this resource reads it: without its own ownership id (which the user never wrote). */
export function withoutOwnershipId(live: string, ownershipId: string | undefined): string {
    if (!isOwnWrite(live, ownershipId)) return live;
    const document = documentOf(live) as Record<string, unknown>;
    return formatPolicy({ ...document, Id: undefined });
}
