/**
 * package.json's claims match the two CI legs (README, Supported runtimes): the committed lockfile is the floor leg, so
 * it must install exactly the lowest @pulumi/pulumi that peerDependencies allow; the current leg's Node line
 * (scripts/leg.sh CURRENT_NODE_MAJOR) is an LTS line above the floor; the floor's Node is one the AWS SDK supports
 * without its NodeVersionSupportWarning.
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const manifest = JSON.parse(read("package.json")) as {
    engines: { node: string };
    peerDependencies: Record<string, string>;
    devDependencies: Record<string, string>;
};
const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { version?: string }> };

/** scripts/leg.sh current installs the newest versions over the lockfile, so only the floor leg holds the committed one. */
const onCurrentLeg = process.env.BUCKET_POLICY_LEG === "current";

describe("the runtime claims and the legs", () => {
    const floorOf = (range: string) => /^>=\s*(\d+(?:\.\d+\.\d+)?)\b/.exec(range)?.[1];

    (onCurrentLeg ? it.skip : it)("the lockfile installs the @pulumi/pulumi floor that peerDependencies claim (floor leg only)", () => {
        const floor = floorOf(manifest.peerDependencies["@pulumi/pulumi"]);
        expect(floor).toMatch(/^3\.\d+\.\d+$/);
        expect(lock.packages["node_modules/@pulumi/pulumi"].version).toBe(floor);
    });

    it("engines claims Node 22 as the floor, the Node the floor leg runs", () => {
        expect(floorOf(manifest.engines.node)).toBe("22");
    });

    it("the AWS SDK that @aws-sdk/client-s3 loads does not warn on the floor's Node (it does below it)", async () => {
        // @aws-sdk/core's NodeVersionSupportWarning: once per process, on a Node older than the SDK's announced floor.
        // When a newer SDK raises that floor above `engines`, this fails on the current leg: time to raise the floor.
        const floor = Number(floorOf(manifest.engines.node));
        const clientDir = path.dirname(require.resolve("@aws-sdk/client-s3/package.json"));
        const core = (await import(require.resolve("@aws-sdk/core/client", { paths: [clientDir] }))) as {
            emitWarningIfUnsupportedVersion(version: string): void;
            state: { warningEmitted: boolean };
        };
        const warnings: string[] = [];
        const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation((warning: string | Error) => void warnings.push(String(warning)));
        const disabled = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
        delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
        const warnsOn = (version: string) => {
            warnings.length = 0;
            core.state.warningEmitted = false;
            core.emitWarningIfUnsupportedVersion(version);
            return warnings.some((warning) => warning.includes("NodeVersionSupportWarning"));
        };
        try {
            expect(warnsOn(`v${floor}.0.0`)).toBe(false);
            expect(warnsOn(`v${floor - 2}.0.0`)).toBe(true);
        } finally {
            emitWarning.mockRestore();
            if (disabled !== undefined) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = disabled;
        }
    });

    it("the current leg's Node line is an even (LTS) line above the floor", () => {
        const major = Number(/CURRENT_NODE_MAJOR="\$\{CURRENT_NODE_MAJOR:-(\d+)\}"/.exec(read("scripts/leg.sh"))?.[1]);
        expect(major % 2).toBe(0);
        expect(major).toBeGreaterThan(Number(floorOf(manifest.engines.node)));
    });

    it("README's matrix names both legs' versions", () => {
        const readme = read("README.md");
        const row = (leg: string) => readme.split("\n").find((line) => line.startsWith(`| ${leg} |`)) ?? "";
        expect(row("floor")).toContain(
            `| ${floorOf(manifest.engines.node)} (the oldest in \`engines\`) | ${floorOf(manifest.peerDependencies["@pulumi/pulumi"])?.replace(/\.0$/, "")} `,
        );
        expect(row("current")).toContain("| 26, the newest LTS line");
    });
});
