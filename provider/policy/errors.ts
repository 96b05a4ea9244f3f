/** The error a policy document that cannot be read as one raises: an `Error` named `PolicyParseError`. */
export interface PolicyParseError extends Error {
    readonly name: "PolicyParseError";
    /** Where in the document the problem is, e.g. `Statement[2]`; absent for the document as a whole. */
    readonly path?: string;
}

/** Constructs {@link PolicyParseError}s: `new PolicyParseError(message, path?)`; `instanceof` works as for a class. */
export interface PolicyParseErrorConstructor {
    new (message: string, path?: string): PolicyParseError;
    readonly prototype: PolicyParseError;
}

/*
 * Not `class … extends Error`: Pulumi's closure serializer (which copies this module into the provider's state) turns
 * `super(message)` into `Error.call(this, message)`, which initializes nothing, and drops the link to Error.prototype,
 * so a serialized provider would throw errors without a message that are not `instanceof Error` (measured with
 * @pulumi/pulumi 3.248). A constructor that returns a real Error with this prototype survives serialization.
 */
function PolicyParseErrorImpl(message: string, path?: string): PolicyParseError {
    const error = new Error(path === undefined ? message : `${path}: ${message}`) as Error & { path?: string };
    Object.setPrototypeOf(error, PolicyParseErrorImpl.prototype);
    if (path !== undefined) error.path = path;
    return error as PolicyParseError;
}
PolicyParseErrorImpl.prototype = Object.create(Error.prototype, {
    constructor: { value: PolicyParseErrorImpl, writable: true, configurable: true },
    name: { value: "PolicyParseError", writable: true, configurable: true },
});

/**
 * Thrown by {@link parsePolicy} and by every function that accepts a policy when the document cannot be read: text that
 * is not JSON, a document that is not a JSON object, a `Statement` that is neither an object nor a list, a statement
 * that is not an object. The message says what is wrong and, through `path`, where.
 *
 * @param message what is wrong; `path`, when given, prefixes it (`Statement[2]: …`)
 * @param path where, e.g. `Statement[2]`
 */
export const PolicyParseError = PolicyParseErrorImpl as unknown as PolicyParseErrorConstructor;
