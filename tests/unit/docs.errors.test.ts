/**
 * docs/errors.md against the code: each row of its table of messages that quotes an S3 failure's explanation is what
 * `describeS3Error` really says for some failure (tests/support/s3ErrorCases.ts), with the placeholders `B` (the
 * bucket), `A` (the expected owner), `<Operation>` and `…` (any text) filled in; and every explanation the code has
 * (provider/errors.ts `S3_ERROR_EXPLANATIONS`) has a row. The rows about the provider's other messages (refusals,
 * warnings, load failures) are listed by their start below, so a row that quotes neither fails.
 */
import * as fs from "fs";
import * as path from "path";
import { ErrorContext, S3Operation, S3_ERROR_EXPLANATIONS, describeS3Error } from "../../provider/errors";
import { S3_ERROR_CASES } from "../support/s3ErrorCases";

const DOC = fs.readFileSync(path.resolve(__dirname, "../../docs/errors.md"), "utf8");

/** The quoted messages of each row of the table "message (quoted from the code …) | when | what to do". */
function messageRows(): string[][] {
    const lines = DOC.split("\n");
    const header = lines.findIndex((line) => line.startsWith("| message (quoted from the code"));
    expect(header).toBeGreaterThanOrEqual(0);
    const rows: string[][] = [];
    for (const line of lines.slice(header + 2)) {
        if (!line.startsWith("|")) break;
        const first = line.split(" | ")[0].slice(2);
        rows.push([...first.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    }
    return rows;
}

/** Rows quoting messages other than describeS3Error's (each quote starts with one of these). */
const OTHER_MESSAGES = [
    'Bucket "B" already has a bucket policy',
    'BucketPolicy "N": the import resource option',
    "code must be a string",
    "resource '<bucket>' does not exist",
    "warning: bucket B:",
    "the put reported an error",
    "the put failed and S3 holds",
    "BucketPolicy: cannot load its provider",
    "Cannot find module 'DIR/dist/provider/provider.js'",
    "config: ",
    "this change of the policy of bucket B",
    "this new policy for bucket B",
    "info: bucket B:",
    "the stack config bucketPolicy:denyNewAccess",
    "acceptNewAccess must be",
    "s3-bucket-policy:",
    "unknown resource type T:",
    "pulumi-resource-s3-bucket-policy:",
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The quote as a pattern: `…` is any text; with a context, `B`, `A` and `<Operation>` are that call's. */
function quotePattern(quote: string, context?: ErrorContext): RegExp {
    let pattern = escape(quote).replace(/…/g, ".*?");
    if (context) {
        pattern = pattern
            .replace(/"B"/g, escape(`"${context.bucket}"`))
            .replace(/ A /g, ` ${escape(context.expectedBucketOwner ?? "A")} `)
            .replace(/<Operation>/g, context.operation);
    }
    return new RegExp(pattern);
}

describe("docs/errors.md", () => {
    const rows = messageRows();
    const s3Rows = rows.filter((quotes) => !quotes.some((quote) => OTHER_MESSAGES.some((start) => quote.startsWith(start))));
    const messages = S3_ERROR_CASES.map((c) => ({ context: c.context, message: describeS3Error(c.error, c.context).message }));

    it("has a table of messages, most of them describeS3Error's", () => {
        expect(rows.length).toBeGreaterThan(20);
        expect(s3Rows.length).toBeGreaterThanOrEqual(S3_ERROR_EXPLANATIONS.length);
    });

    it.each(s3Rows.map((quotes) => ({ quote: quotes[0] })))("quotes what describeS3Error says: $quote", ({ quote }) => {
        const produced = messages.some(({ context, message }) => quotePattern(quote, context).test(message));
        expect(produced).toBe(true);
    });

    it.each(S3_ERROR_EXPLANATIONS.map((explanation) => ({ name: explanation.name, explanation })))(
        "has a row for the explanation: $name",
        ({ explanation }) => {
            const placeholders = { bucket: "B", operation: "<Operation>" as S3Operation, expectedBucketOwner: "A" };
            const text = explanation.text(placeholders);
            expect(s3Rows.filter((quotes) => quotes.some((quote) => quotePattern(quote).test(text)))).not.toEqual([]);
        },
    );
});
