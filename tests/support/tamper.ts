/**
 * Request tampering through the SDK's own middleware stack, for showing what a server does with a request the SDK
 * would never send: a header's value replaced after the SDK computed it and before the request is signed.
 */
import { S3Client } from "@aws-sdk/client-s3";

type Middleware = Parameters<S3Client["middlewareStack"]["addRelativeTo"]>[0];
/** The part of a build/finalize step's arguments used here (the request is an `HttpRequest` in both steps). */
type RequestArgs = { request: { headers: Record<string, string> } };
/** A middleware of the build or finalizeRequest step, typed by hand (`@smithy/types` is not a direct dependency). */
const middleware = (handle: (args: RequestArgs) => void): Middleware =>
    ((next: (args: RequestArgs) => Promise<unknown>) => async (args: RequestArgs) => {
        handle(args);
        return next(args);
    }) as unknown as Middleware;

/**
 * Replaces the value of `header` (e.g. `x-amz-checksum-crc32`) after the SDK's checksum middleware computed it and
 * before signing, so the wrong value is signed; also captures the signed Authorization header.
 * @throws Error (from the request) when the SDK sent no such header to replace.
 */
export function replaceHeaderBeforeSigning(client: S3Client, header: string, value: string): { signedHeaders: () => string[] } {
    const replace = middleware(({ request: { headers } }) => {
        if (!(header in headers)) throw new Error(`the SDK sent no ${header} to replace; it sent ${Object.keys(headers).join(", ")}`);
        headers[header] = value;
    });
    client.middlewareStack.addRelativeTo(replace, { name: "replaceHeader", relation: "after", toMiddleware: "flexibleChecksumsMiddleware" });
    let authorization = "";
    const capture = middleware(({ request: { headers } }) => {
        authorization = headers.authorization ?? "";
    });
    // Inside the signing middleware: sees the request as signed.
    client.middlewareStack.addRelativeTo(capture, { name: "captureSigned", relation: "after", toMiddleware: "httpSigningMiddleware" });
    return { signedHeaders: () => (/SignedHeaders=([^,\s]+)/.exec(authorization)?.[1] ?? "").split(";") };
}
