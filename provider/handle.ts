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
 * program never loads the serializer (docs/how-it-works.md, "The handle in state").
 *
 * The entry path is part of the package's public contract: state written by one version is read by later ones, and
 * 0.1.0–0.4.0 handles load the same entry.
 */

/** The package name the host resolves from the program's directory. */
export const PACKAGE_NAME = "pulumi-s3-bucket-policy";

/** The implementation's stable path (package.json `exports`). */
export const PROVIDER_ENTRY = `${PACKAGE_NAME}/dist/provider/provider.js`;

/**
 * The handle's text. Only a missing entry itself means "not installed"; a missing dependency of it is reported as it
 * is. The repository's own `dist` is loaded only when the program directory's package.json names this package.
 */
export const PROVIDER_HANDLE = `exports.handler = function () {
var entry = ${JSON.stringify(PROVIDER_ENTRY)}, path = require("path"), dir = process.cwd(), name;
try { return new (require(entry).BucketPolicyProvider)(); } catch (e) { if (e.code !== "MODULE_NOT_FOUND" || String(e.message).indexOf("'" + entry + "'") < 0) throw e; }
try { name = require(path.join(dir, "package.json")).name; } catch (e) {}
if (name !== ${JSON.stringify(PACKAGE_NAME)}) throw new Error("BucketPolicy: cannot load its provider: " + entry + " is not installed in " + dir + ". Run npm install ${PACKAGE_NAME} in the Pulumi program's directory.");
var built = path.join(dir, "dist", "provider", "provider.js");
try { return new (require(built).BucketPolicyProvider)(); } catch (e) { e.message = "BucketPolicy: cannot load its provider from " + built + " (run npm run build in this repository): " + e.message; throw e; }
};
`;
