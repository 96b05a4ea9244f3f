// ESLint flat config: the recommended rules of ESLint and typescript-eslint (syntax-only, no type information: the
// type checker runs separately as `npm run typecheck`). `npm run lint` = `eslint . && prettier --check .`.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const { defineConfig, globalIgnores } = require("eslint/config");

/** The Node.js globals the repository's CommonJS files use (TypeScript files get theirs from @types/node). */
const nodeGlobals = {
    require: "readonly",
    module: "writable",
    exports: "writable",
    __dirname: "readonly",
    __filename: "readonly",
    process: "readonly",
    console: "readonly",
    Buffer: "readonly",
    setTimeout: "readonly",
    clearTimeout: "readonly",
};

module.exports = defineConfig(
    globalIgnores(["dist/", "node_modules/", "coverage/", "bench/results/", ".local-s3/", ".pulumi/", ".cache/"]),
    js.configs.recommended,
    tseslint.configs.recommended,
    {
        files: ["**/*.js", "**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: nodeGlobals },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.ts"],
        rules: {
            // `_`-prefixed names mark parameters kept for a signature (provider methods, mocks).
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
        },
    },
);
