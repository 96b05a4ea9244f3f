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
 */
export const PROVIDER_HANDLE = `exports.handler = function () {
var path = require("path"), entry = ${JSON.stringify(PROVIDER_ENTRY)}, file, name;
try { file = require.resolve(entry); } catch (e) {
try { name = require(path.resolve("package.json")).name; } catch (x) {}
if (name !== ${JSON.stringify(PACKAGE_NAME)}) throw new Error("BucketPolicy: cannot load its provider: " + entry + " is not installed in " + process.cwd() + ". Run npm install ${PACKAGE_NAME} in the Pulumi program's directory.");
file = path.resolve("dist/provider/provider.js"); }
return new (require(file).BucketPolicyProvider)();
};
`;
