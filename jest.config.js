// Five tiers, one jest project each (file suffix decides the tier):
//   unit     tests/unit/**/*.test.ts            pure, in-process, no server
//   s3       tests/s3/**/*.s3.test.ts           real RadosGW and LocalStack's S3 on loopback
//   host     tests/host/**/*.host.test.ts       real @pulumi/pulumi dynamic-provider host over gRPC
//   program  tests/program/**/*.program.test.ts pulumi.runtime.setMocks
//   cli      tests/cli/**/*.cli.test.ts         the real pulumi CLI (Automation API) on RadosGW and LocalStack
// The s3, host and cli projects have a global setup that starts one disposable RadosGW and one LocalStack for the whole
// run (shared: the second setup reuses them through LOCAL_S3_ENV_FILE / LOCALSTACK_ENV_FILE); cli's also finds or builds
// the Pulumi CLI. Jest runs a project's globalSetup only when one of its tests is selected, so `npx jest tests/unit`
// starts nothing. The teardown runs after every project's tests and stops only what the setup started.
// tsconfig's isolatedModules makes ts-jest transpile only: type-checking is `npm run typecheck`, 20x faster suite.
const transform = {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
};
const common = { testEnvironment: "node", transform, moduleFileExtensions: ["ts", "js", "json"] };
const servers = {
    globalSetup: "<rootDir>/tests/support/globalSetup.ts",
    globalTeardown: "<rootDir>/tests/support/globalTeardown.ts",
};

module.exports = {
    testTimeout: 60000,
    projects: [
        { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
        { ...common, ...servers, displayName: "s3", testMatch: ["<rootDir>/tests/s3/**/*.s3.test.ts"] },
        { ...common, ...servers, displayName: "host", testMatch: ["<rootDir>/tests/host/**/*.host.test.ts"] },
        { ...common, displayName: "program", testMatch: ["<rootDir>/tests/program/**/*.program.test.ts"] },
        {
            ...common,
            ...servers,
            globalSetup: "<rootDir>/tests/support/globalSetup.cli.ts",
            displayName: "cli",
            testMatch: ["<rootDir>/tests/cli/**/*.cli.test.ts"],
        },
    ],
};
