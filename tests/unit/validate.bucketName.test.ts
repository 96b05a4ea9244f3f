/**
 * `bucketNameProblem` on names of dots. "." and ".." are path segments a URL resolves away: path-style, the SDK would
 * send `GET /?policy=` to the service root, not to a bucket, so `check` refuses them. Other names with dots are left
 * to S3 as before (tests/unit/validate.test.ts has the rest of the rule; tests/support/badInputs.ts runs the two
 * refusals through `check`).
 */
import { bucketNameProblem } from "../../provider/validate";

describe("bucketNameProblem on names of dots", () => {
    it.each([".", ".."])("refuses %j, saying the request would go to the service root", (name) => {
        expect(bucketNameProblem(name)).toBe(
            `is ${JSON.stringify(name)}, which a URL path resolves away: the request would go to the S3 service root, not to a bucket`,
        );
    });

    it.each(["...", ".a", "a.", "a..b"])("leaves %j to S3 (a URL keeps that path segment)", (name) => {
        expect(bucketNameProblem(name)).toBeUndefined();
    });
});
