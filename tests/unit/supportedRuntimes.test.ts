/**
 * package.json's claims match the two CI legs (README, Supported runtimes): the committed lockfile is the floor leg, so
 * it must install exactly the lowest @pulumi/pulumi that peerDependencies allow; the current leg's Node line
 * (scripts/leg.sh CURRENT_NODE_MAJOR) is an LTS line above the floor.
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

    it("engines claims Node 20 as the floor, the Node the floor leg runs", () => {
        expect(floorOf(manifest.engines.node)).toBe("20");
    });

    it("the current leg's Node line is an even (LTS) line above the floor", () => {
        const major = Number(/CURRENT_NODE_MAJOR="\$\{CURRENT_NODE_MAJOR:-(\d+)\}"/.exec(read("scripts/leg.sh"))?.[1]);
        expect(major % 2).toBe(0);
        expect(major).toBeGreaterThan(Number(floorOf(manifest.engines.node)));
    });

    it("README's matrix names both legs' versions", () => {
        const readme = read("README.md");
        const row = (leg: string) => readme.split("\n").find((line) => line.startsWith(`| ${leg} |`)) ?? "";
        expect(row("floor")).toContain(`| 20 (the oldest in \`engines\`) | ${floorOf(manifest.peerDependencies["@pulumi/pulumi"])?.replace(/\.0$/, "")} `);
        expect(row("current")).toContain("| 26, the newest LTS line");
    });
});
