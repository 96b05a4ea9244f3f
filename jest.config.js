// Four tiers, one jest project each (file suffix decides the tier):
//   unit     tests/unit/**/*.test.ts            pure, in-process, no server
//   s3       tests/s3/**/*.s3.test.ts           real RadosGW and LocalStack's S3 on loopback
//   host     tests/host/**/*.host.test.ts       real @pulumi/pulumi dynamic-provider host over gRPC
//   program  tests/program/**/*.program.test.ts pulumi.runtime.setMocks
//   cli      tests/cli/**/*.cli.test.ts         the real pulumi CLI (Automation API) on RadosGW and LocalStack
// The global setup starts one disposable RadosGW and one LocalStack for the whole run when a tier that needs them is
// selected, and finds or builds the Pulumi CLI when the cli tier is selected.
// tsconfig's isolatedModules makes ts-jest transpile only: type-checking is `npm run typecheck`, 20x faster suite.
const transform = {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
};
const common = { testEnvironment: "node", transform, moduleFileExtensions: ["ts", "js", "json"] };

module.exports = {
    globalSetup: "<rootDir>/tests/support/globalSetup.ts",
    globalTeardown: "<rootDir>/tests/support/globalTeardown.ts",
    testTimeout: 60000,
    projects: [
        { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
        { ...common, displayName: "s3", testMatch: ["<rootDir>/tests/s3/**/*.s3.test.ts"] },
        { ...common, displayName: "host", testMatch: ["<rootDir>/tests/host/**/*.host.test.ts"] },
        { ...common, displayName: "program", testMatch: ["<rootDir>/tests/program/**/*.program.test.ts"] },
        { ...common, displayName: "cli", testMatch: ["<rootDir>/tests/cli/**/*.cli.test.ts"] },
    ],
};
