/**
 * Thrown by `parsePolicy` and by every function that accepts a policy when the document cannot be read: text that is
 * not JSON, a document that is not a JSON object, a `Statement` that is neither an object nor a list, a statement that
 * is not an object. The message says what is wrong and, through `path`, where.
 */
export class PolicyParseError extends Error {
    override readonly name = "PolicyParseError";
    /** Where in the document the problem is, e.g. `Statement[2]`; absent for the document as a whole. */
    readonly path?: string;

    /**
     * @param message what is wrong; `path`, when given, prefixes it (`Statement[2]: …`)
     * @param path where, e.g. `Statement[2]`
     */
    constructor(message: string, path?: string) {
        super(path === undefined ? message : `${path}: ${message}`);
        if (path !== undefined) this.path = path;
    }
}
