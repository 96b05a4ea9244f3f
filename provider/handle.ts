/**
 * The `__provider` every `BucketPolicy` stores in state: a few lines of JavaScript, written here by hand, that the
 * dynamic-provider host turns into the provider (it evaluates the text as a module with `require-from-string` and
 * calls its `handler()`, in the Pulumi program's directory). It carries no logic and nothing of the program's: it
 * loads the compiled implementation ({@link BucketPolicyProvider} in `dist/provider/provider.js`) of the installed
 * package, or of this repository when the program is the repository itself (`npm run build`).
 *
 * Why not `pulumi.dynamic.Resource`, which serializes a provider object with the closure serializer: the serializer
 * wraps every method in a scope-restoring function, so even a handle that only delegates came to ~5 KB, stored twice
 * in every resource's state (inputs and outputs) and sent with every engine call; this text is under 1 KB, and the
 * program never loads the serializer (docs/how-it-works.md, "What state keeps, and the handle in it").
 *
 * The entry path is part of the package's public contract: state written by one version is read by later ones, and
 * 0.1.0–0.4.0 handles load the same entry.
 */

/** The package name the host resolves from the program's directory. */
export const PACKAGE_NAME = "pulumi-s3-bucket-policy";

/** The implementation's stable path (package.json `exports`). */
export const PROVIDER_ENTRY = `${PACKAGE_NAME}/dist/provider/provider.js`;

/**
 * The handle's text. `require.resolve` fails only when the entry itself is missing ("not installed"); a missing
 * dependency of an installed package fails in `require` with Node's own message, which names it. The repository's own
 * `dist` is loaded only when the program directory's package.json names this package (without a build, Node's message
 * names that file). Kept short: it is stored twice in every resource's state.
 *
 * This generic text is what `BucketPolicy.get` sends and what state from 0.1.0–0.6.0 holds: each text the host sees
 * gets a provider of its own. A resource's handle ({@link handleFor}) adds its identity and loads the process's one
 * provider instead, so a thousand handles share one set of S3 clients and read models.
 */
export const PROVIDER_HANDLE = handleText("new (require(file).BucketPolicyProvider)()");

function handleText(provider: string): string {
    return `exports.handler = function () {
var path = require("path"), entry = ${JSON.stringify(PROVIDER_ENTRY)}, file, name;
try { file = require.resolve(entry); } catch (e) {
try { name = require(path.resolve("package.json")).name; } catch (x) {}
if (name !== ${JSON.stringify(PACKAGE_NAME)}) throw new Error("BucketPolicy: cannot load its provider: " + entry + " is not installed in " + process.cwd() + ". Run npm install ${PACKAGE_NAME} in the Pulumi program's directory.");
file = path.resolve("dist/provider/provider.js"); }
return ${provider};
};
`;
}

/** Who a resource is: what its ownership id is made from besides the bucket and endpoint (provider/ownership.ts). */
export interface ResourceIdentity {
    project: string;
    stack: string;
    name: string;
}

const SHARED_PROVIDER_HANDLE = handleText("require(file).sharedBucketPolicyProvider()");
const IDENTITY_LINE = "exports.resource = ";

/**
 * The handle of one resource: the shared provider's handle with the resource's identity as its last line. The
 * provider is never told a resource's name (the dynamic-provider host passes only the properties), and the handle
 * is the one property every resource already registers and stores: carrying the identity here costs about 50 bytes,
 * where a property of its own cost the program about 0.3 ms a resource (the SDK's four promises and stack traces per
 * registered property) and its value stored twice (docs/how-it-works.md, "What state keeps, and the handle in it").
 */
export function handleFor(identity: ResourceIdentity): string {
    return `${SHARED_PROVIDER_HANDLE}${IDENTITY_LINE}${JSON.stringify([identity.project, identity.stack, identity.name])};\n`;
}

/** The identity a handle made by {@link handleFor} carries; none for any other value (the generic handle, old state). */
export function identityIn(handle: unknown): ResourceIdentity | undefined {
    if (typeof handle !== "string" || !handle.startsWith(SHARED_PROVIDER_HANDLE)) return undefined;
    const line = handle.slice(SHARED_PROVIDER_HANDLE.length);
    if (!line.startsWith(IDENTITY_LINE) || !line.endsWith(";\n")) return undefined;
    let parts: unknown;
    try {
        parts = JSON.parse(line.slice(IDENTITY_LINE.length, -2));
    } catch {
        return undefined;
    }
    if (!Array.isArray(parts) || parts.length !== 3 || !parts.every((part) => typeof part === "string")) return undefined;
    const [project, stack, name] = parts as string[];
    return { project, stack, name };
}
