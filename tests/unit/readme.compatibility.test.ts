/**
 * The compatibility table (docs/servers.md) is rendered from tests/support/compatibility.ts, whose every row the s3 tier
 * observes on both local servers: this keeps the docs copy from drifting. To refresh it: `npx ts-node tests/support/compatibility.ts`.
 */
import * as fs from "fs";
import * as path from "path";
import { COMPATIBILITY, renderCompatibilityTable } from "../support/compatibility";

describe("the compatibility table in docs/servers.md", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../docs/servers.md"), "utf8");

    it("is the table rendered from tests/support/compatibility.ts", () => {
        expect(readme).toContain(renderCompatibilityTable());
    });

    it("has one row per observed behaviour, each with an answer for AWS, both servers and the provider", () => {
        expect(new Set(COMPATIBILITY.map((row) => row.id)).size).toBe(COMPATIBILITY.length);
        for (const row of COMPATIBILITY) {
            for (const field of ["behaviour", "aws", "radosgw", "localstack", "copes"] as const) expect(row[field].trim()).not.toBe("");
        }
    });
});
