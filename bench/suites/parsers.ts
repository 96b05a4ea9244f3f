/**
 * What reading a policy's text costs with the project's parsePolicy (JSON.parse, then quickScan or scanJsonText, then
 * parseKeepingNumbers when a number would change) next to maintained JSON parsers that keep number text, for realistic
 * policies of 1 KB, 5 KB and 20 KB, compact, pretty-printed and with a number in a condition.
 *
 * The candidates are measured twice: as they come, and with what they lack for parsePolicy's guarantees (a key written
 * twice refused even with equal values, number text kept, nesting past 32 levels refused without a stack overflow, a
 * message with the position). Only the second is a fair replacement; the first is the floor each could reach. The
 * guarantees themselves are probed, not assumed (`guarantees` in the figures).
 *
 * - lossless-json: a recursive-descent parser that keeps every number as a LosslessNumber (its text). It throws on a
 *   key written twice only when the two values differ, and recurses once per level of nesting, so it needs a pass
 *   before it for the depth and, after it, a count of the strings to find an equal-valued key written twice.
 * - jsonc-parser (VS Code's): a scanner with a visitor that reports every key and literal with its offset, line and
 *   column; the document is built in the callbacks, which also refuse a repeated key and a level past 32 before the
 *   parser recurses into it.
 *
 * Not measured, and why: json-bigint reads `1.0` as 1 and `-0` as 0 (it keeps only integers past 2^53);
 * @humanwhocodes/momoa builds a full syntax tree and its parse alone costs about 7 times JSON.parse at 5 KB;
 * JSON.parse's reviver `context.source` needs Node 21+ and never sees a key written twice.
 */
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { ParseError, ParseErrorCode, parse as jsoncParse, printParseErrorCode, visit } from "jsonc-parser";
import { isLosslessNumber, parse as losslessParse } from "lossless-json";
import type * as PolicyJson from "../../provider/policy/json";
import { REPO_DIR } from "../lib/build";
import { distPolicy } from "../lib/dist";
import { policyOfSize } from "../lib/policies";
import { MeasureOptions, Sample, measureInterleaved, rounded } from "../lib/stats";
import { SIZES } from "./equivalence";

/** The parsers measured, in the order of the table. */
export const PARSERS = ["jsonParse", "parsePolicy", "losslessJson", "losslessJsonGuarded", "jsoncParserGuarded"] as const;
export type ParserName = (typeof PARSERS)[number];

/** What each name measures, for the table's legend. */
export const PARSER_LABELS: Record<ParserName, string> = {
    jsonParse: "JSON.parse alone (no guarantee: keeps the last of two keys, 1.0 reads as 1, no depth limit)",
    parsePolicy: "the project's parsePolicy (dist): JSON.parse + quickScan | scanJsonText (+ parseKeepingNumbers for an inexact number)",
    losslessJson: "lossless-json parse alone (every number a LosslessNumber; equal-valued repeated keys pass; recursion unbounded)",
    losslessJsonGuarded: "lossless-json + a depth/string-count pass before it + a string count after it: parsePolicy's guarantees",
    jsoncParserGuarded: "jsonc-parser visit, building the document in its callbacks with the duplicate and depth checks: parsePolicy's guarantees",
};

/** The texts of one size. */
export const VARIANTS = ["compact", "pretty", "number 1.2", "number 1.0"] as const;
export type Variant = (typeof VARIANTS)[number];

/** Figures for one text. */
export interface ParserCase {
    bytes: number;
    statements: number;
    /** Microseconds per call, measured in interleaved rounds. */
    us: Record<ParserName, Sample>;
    /** Median over rounds of the per-round ratio to JSON.parse of the same text. */
    vsJsonParse: Record<ParserName, number>;
    /** Median over rounds of the per-round ratio to parsePolicy of the same text. */
    vsParsePolicy: Record<ParserName, number>;
}

/** One probe's outcome per parser, e.g. `refused: policy has the key "Effect" twice…`, `accepted`, `kept 1.0`. */
export type Guarantees = Record<string, Record<string, string>>;

export interface ParsersFigures {
    versions: { node: string; losslessJson: string; jsoncParser: string };
    /** Keyed `1KB compact`, `5KB number 1.0`, …. */
    cases: Record<string, ParserCase>;
    /** Per parser (the five measured and jsonc-parser's own `parse`), per probe text. */
    guarantees: Guarantees;
}

const BUCKET = "example-logs-bucket";
const MAX_DEPTH = 32;

/** The texts measured for one size: the realistic policy compact, pretty-printed, and with its TLS condition a number. */
export function variantTexts(maxBytes: number): { statements: number; texts: Record<Variant, string> } {
    const document = policyOfSize(BUCKET, maxBytes);
    const compact = JSON.stringify(document);
    const tls = /"s3:TlsVersion":"1\.2"/g;
    if (!tls.test(compact)) throw new Error(`parsers: the ${maxBytes}-byte policy has no TLS condition to write as a number`);
    return {
        statements: document.Statement.length,
        texts: {
            compact,
            pretty: JSON.stringify(document, null, 2),
            // 1.2 reads back as written: JSON.parse + scanJsonText. 1.0 does not: parsePolicy also runs parseKeepingNumbers.
            "number 1.2": compact.replace(tls, '"s3:TlsVersion":1.2'),
            "number 1.0": compact.replace(tls, '"s3:TlsVersion":1.0'),
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------------
// What the candidates need around them to give parsePolicy's guarantees. They return the same document parsePolicy
// does (a JsonNumber, from dist, only for a number JavaScript would change), which the suite checks before measuring.

type Policy = ReturnType<typeof distPolicy>;

interface Helpers {
    PolicyParseError: Policy["PolicyParseError"];
    jsonNumber: typeof PolicyJson.jsonNumber;
    isJsonNumber: typeof PolicyJson.isJsonNumber;
    isPlainObject: typeof PolicyJson.isPlainObject;
    /** scan.ts's scanJsonText: only on the error path, to name the key of an equal-valued repeat. */
    scanJsonText: (text: string, maxDepth?: number) => { duplicateKey?: string };
    /** scan.ts's rule: true when a number literal reads back as written. */
    isExactNumber: (literal: string) => boolean;
    /** scan.ts's: the closing quote's index of the string literal whose opening quote is at `start`. */
    stringEnd: (text: string, start: number) => number;
}

function distHelpers(policy: Policy): Helpers {
    const dir = path.join(REPO_DIR, "dist", "provider", "policy");
    /* eslint-disable @typescript-eslint/no-require-imports */
    const json = require(path.join(dir, "json.js")) as typeof PolicyJson;
    const scan = require(path.join(dir, "scan.js")) as Pick<Helpers, "scanJsonText" | "isExactNumber" | "stringEnd">;
    /* eslint-enable @typescript-eslint/no-require-imports */
    return {
        PolicyParseError: policy.PolicyParseError,
        jsonNumber: json.jsonNumber,
        isJsonNumber: json.isJsonNumber,
        isPlainObject: json.isPlainObject,
        scanJsonText: scan.scanJsonText,
        isExactNumber: scan.isExactNumber,
        stringEnd: scan.stringEnd,
    };
}

/** ` (line L, column C)` of a 0-based position. */
function lineColumn(text: string, position: number): string {
    const before = text.slice(0, position);
    return ` (line ${before.split("\n").length}, column ${position - before.lastIndexOf("\n")})`;
}

/** What parsePolicy does after the text is read: blank text, the document's shape. */
function withPolicyRules(helpers: Helpers, read: (text: string) => unknown): (policy: string) => unknown {
    const { PolicyParseError, isPlainObject } = helpers;
    const isBlank = (text: string) => /^[ \t\n\r]*$/.test(text);
    return (policy) => {
        const text = policy.charCodeAt(0) === 0xfeff ? policy.slice(1) : policy;
        if (isBlank(text)) return {};
        const document = read(text);
        if (!isPlainObject(document)) throw new PolicyParseError("a policy document must be a JSON object");
        const statements = document.Statement;
        if (statements === undefined) return document;
        if (Array.isArray(statements)) {
            for (let i = 0; i < statements.length; i++) {
                if (!isPlainObject(statements[i])) throw new PolicyParseError("a statement must be a JSON object", `Statement[${i}]`);
            }
        } else if (!isPlainObject(statements)) {
            throw new PolicyParseError("Statement must be a statement object or an array of statement objects", "Statement");
        }
        return document;
    };
}

function tooDeep(helpers: Helpers): Error {
    return new helpers.PolicyParseError(`policy nests more than ${MAX_DEPTH} levels deep`);
}

function repeatedKey(helpers: Helpers, key: string, where: string): Error {
    return new helpers.PolicyParseError(`policy has the key ${key} twice${where}; JSON keeps only the last one. Remove one.`);
}

/**
 * lossless-json with parsePolicy's guarantees. Before it, one pass over the text (no recursion) for the nesting depth,
 * which must be known before a recursive parser descends, and the number of string literals. After it, the strings of
 * the document are counted: every literal is one key or one string value, and lossless-json keeps one of two keys
 * written with equal values (it throws only when they differ), so a repeat leaves fewer strings than literals.
 */
export function losslessJsonPolicy(helpers: Helpers): (policy: string) => unknown {
    const { PolicyParseError, isJsonNumber, isExactNumber, jsonNumber, stringEnd } = helpers;
    const options = { parseNumber: (literal: string) => (isExactNumber(literal) ? Number(literal) : jsonNumber(literal)) };
    const countStrings = (value: unknown): number => {
        if (typeof value === "string") return 1;
        if (value === null || typeof value !== "object" || isJsonNumber(value)) return 0;
        let strings = 0;
        if (Array.isArray(value)) {
            for (let i = 0; i < value.length; i++) strings += countStrings(value[i]);
        } else {
            for (const key in value) strings += 1 + countStrings((value as Record<string, unknown>)[key]);
        }
        return strings;
    };
    return withPolicyRules(helpers, (text) => {
        let depth = 0;
        let literals = 0;
        for (let i = 0; i < text.length; i++) {
            const code = text.charCodeAt(i);
            if (code === 34) {
                literals++;
                i = stringEnd(text, i);
            } else if (code === 123 || code === 91) {
                if (++depth > MAX_DEPTH) throw tooDeep(helpers);
            } else if (code === 125 || code === 93) {
                depth--;
            }
        }
        let document: unknown;
        try {
            document = losslessParse(text, null, options);
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            const position = /position (\d+)/.exec(message);
            const duplicate = /^Duplicate key '(.*)' encountered/s.exec(message);
            if (duplicate && position) throw repeatedKey(helpers, JSON.stringify(duplicate[1]), lineColumn(text, Number(position[1])));
            throw new PolicyParseError(`policy is not valid JSON: ${message}${position ? lineColumn(text, Number(position[1])) : ""}`);
        }
        // Depth ≤ 32 is known here, so the count may recurse.
        if (countStrings(document) !== literals) throw repeatedKey(helpers, helpers.scanJsonText(text, MAX_DEPTH).duplicateKey ?? "?", "");
        return document;
    });
}

/**
 * jsonc-parser's visitor with parsePolicy's guarantees: the document is built in the callbacks, which refuse a key
 * already in its object and a level past 32 as the parser reaches them (before it recurses further), and stop at the
 * first error (the parser itself is tolerant: it reports and goes on). Comments and trailing commas are refused.
 */
export function jsoncParserPolicy(helpers: Helpers): (policy: string) => unknown {
    const { PolicyParseError, isExactNumber, jsonNumber } = helpers;
    const parseOptions = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };
    interface Frame {
        container: Record<string, unknown> | unknown[];
        /** An object's keys so far; `undefined` for an array. */
        keys?: string[] | Set<string>;
        key: string;
    }
    return withPolicyRules(helpers, (text) => {
        const frames: Frame[] = [];
        let root: unknown;
        const put = (value: unknown) => {
            const top = frames[frames.length - 1];
            if (top === undefined) root = value;
            else if (top.keys === undefined) (top.container as unknown[]).push(value);
            else if (top.key === "__proto__") Object.defineProperty(top.container, top.key, { value, writable: true, enumerable: true, configurable: true });
            else (top.container as Record<string, unknown>)[top.key] = value;
        };
        visit(
            text,
            {
                onObjectBegin: () => {
                    if (frames.length >= MAX_DEPTH) throw tooDeep(helpers);
                    const object = {};
                    put(object);
                    frames.push({ container: object, keys: [], key: "" });
                },
                onObjectProperty: (key, _offset, _length, line, column) => {
                    const top = frames[frames.length - 1];
                    const keys = top.keys as string[] | Set<string>;
                    if (Array.isArray(keys) ? keys.includes(key) : keys.has(key))
                        throw repeatedKey(helpers, JSON.stringify(key), ` (line ${line + 1}, column ${column + 1})`);
                    if (!Array.isArray(keys)) keys.add(key);
                    else if (keys.push(key) > 32) top.keys = new Set(keys);
                    top.key = key;
                },
                onObjectEnd: () => void frames.pop(),
                onArrayBegin: () => {
                    if (frames.length >= MAX_DEPTH) throw tooDeep(helpers);
                    const list: unknown[] = [];
                    put(list);
                    frames.push({ container: list, key: "" });
                },
                onArrayEnd: () => void frames.pop(),
                onLiteralValue: (value, offset, length) => {
                    if (typeof value !== "number") return put(value);
                    const literal = text.slice(offset, offset + length);
                    put(isExactNumber(literal) ? value : jsonNumber(literal));
                },
                onError: (error: ParseErrorCode, offset, _length, line, column) => {
                    throw new PolicyParseError(
                        `policy is not valid JSON: ${printParseErrorCode(error)} at position ${offset} (line ${line + 1}, column ${column + 1})`,
                    );
                },
            },
            parseOptions,
        );
        return root;
    });
}

// ---------------------------------------------------------------------------------------------------------------------
// The guarantees, probed.

const nested = (levels: number) => '{"a":'.repeat(levels) + "null" + "}".repeat(levels);

/** Texts that show each guarantee, and what parsePolicy must do with them. */
export const PROBES: Array<{ name: string; text: string; expect: "refused" | "accepted" | "kept" }> = [
    { name: "key twice, values differ", text: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny"}]}', expect: "refused" },
    { name: "key twice, equal values", text: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Allow"}]}', expect: "refused" },
    { name: "key twice, one escaped (\\u0045ffect)", text: '{"Statement":[{"Effect":"Allow","\\u0045ffect":"Allow"}]}', expect: "refused" },
    { name: "number 1.0", text: '{"Statement":[{"Condition":{"NumericLessThan":{"s3:TlsVersion":1.0}}}]}', expect: "kept" },
    { name: "number 9007199254740993", text: '{"Statement":[{"Condition":{"NumericLessThan":{"s3:TlsVersion":9007199254740993}}}]}', expect: "kept" },
    { name: "depth 32", text: nested(32), expect: "accepted" },
    { name: "depth 33", text: nested(33), expect: "refused" },
    { name: "depth 100000", text: nested(100000), expect: "refused" },
    { name: "trailing comma on line 3", text: '{\n  "Version": "2012-10-17",\n}', expect: "refused" },
];

/** What a parser did with a probe: `accepted`, `refused: <message>`, `stack overflow`, `kept 1.0`, `lost: 1`. */
function outcome(parse: (text: string) => unknown, text: string): string {
    let document: unknown;
    try {
        document = parse(text);
    } catch (error) {
        if (error instanceof RangeError) return `stack overflow (RangeError: ${error.message})`;
        const message = error instanceof Error ? error.message : String(error);
        return `refused: ${message.length > 110 ? message.slice(0, 110) + "…" : message}`;
    }
    const number = (document as { Statement?: Array<{ Condition?: { NumericLessThan?: Record<string, unknown> } }> }).Statement?.[0]?.Condition
        ?.NumericLessThan?.["s3:TlsVersion"];
    if (number === undefined) return "accepted";
    if (typeof number === "number") return `lost: ${String(number)}`;
    if (isLosslessNumber(number)) return `kept ${number.value}`;
    const kept = (number as { text?: unknown }).text;
    return typeof kept === "string" ? `kept ${kept}` : `? ${String(number)}`;
}

/** Whether an outcome meets a probe's expectation (and, for `refused` on line 3, says where). */
function meets(result: string, probe: (typeof PROBES)[number]): boolean {
    if (probe.expect === "kept") return /^kept /.test(result) && probe.text.includes(`:${result.slice(5)}}`);
    if (probe.expect === "accepted") return result === "accepted";
    if (!result.startsWith("refused: ")) return false;
    return !probe.name.startsWith("trailing comma") || /line 3, column \d+/.test(result);
}

// ---------------------------------------------------------------------------------------------------------------------

function packageVersion(name: string): string {
    // lossless-json's exports map hides its package.json from require.
    return (JSON.parse(fs.readFileSync(path.join(REPO_DIR, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

/** The parsers by name, over dist's parsePolicy. */
export function parsers(policy: Policy = distPolicy()): Record<ParserName, (text: string) => unknown> {
    const helpers = distHelpers(policy);
    return {
        jsonParse: (text) => JSON.parse(text),
        parsePolicy: (text) => policy.parsePolicy(text),
        losslessJson: (text) => losslessParse(text),
        losslessJsonGuarded: losslessJsonPolicy(helpers),
        jsoncParserGuarded: jsoncParserPolicy(helpers),
    };
}

/** Probes every parser's guarantees; throws when parsePolicy or a guarded candidate does not give them all. */
export function probeGuarantees(all: Record<ParserName, (text: string) => unknown>): Guarantees {
    const rows: Record<string, (text: string) => unknown> = {
        ...all,
        // jsonc-parser's own parse, for the record: tolerant (it reports errors in a list and returns what it could read).
        jsoncParserParse: (text) => {
            const errors: ParseError[] = [];
            const document = jsoncParse(text, errors, { disallowComments: true });
            if (errors.length) throw new Error(`${printParseErrorCode(errors[0].error)} at position ${errors[0].offset}`);
            return document;
        },
    };
    const guarantees: Guarantees = {};
    const broken: string[] = [];
    for (const [name, parse] of Object.entries(rows)) {
        guarantees[name] = {};
        for (const probe of PROBES) {
            const result = outcome(parse, probe.text);
            guarantees[name][probe.name] = result;
            const mustMeet = name === "parsePolicy" || name.endsWith("Guarded");
            if (mustMeet && !meets(result, probe)) broken.push(`${name} on "${probe.name}": ${result}`);
        }
    }
    if (broken.length) throw new Error(`parsers: a guarantee is missing:\n  ${broken.join("\n  ")}`);
    return guarantees;
}

/** Texts JSON.parse refuses; every candidate with guarantees must refuse them too (the checks are worth nothing otherwise). */
const INVALID = ['{"a":1,}', "[1,]", "01", "-", "1.", "[NaN]", '{"a":1}x', '["a\tb"]', "['a']", "/*c*/{}", "[1 2]", '{"a" 1}', '["\\x"]', '{"a":tru}'];

/** Measures every parser on each size and variant; `log` gets one line per text. */
export function runParsers(options: MeasureOptions, log: (line: string) => void): ParsersFigures {
    const all = parsers();
    const guarantees = probeGuarantees(all);
    for (const text of INVALID) {
        for (const name of ["losslessJsonGuarded", "jsoncParserGuarded"] as const) {
            if (outcome(all[name], text) === "accepted") throw new Error(`parsers: ${name} accepts ${JSON.stringify(text)}, which is not JSON`);
        }
    }
    const cases: Record<string, ParserCase> = {};
    for (const [size, maxBytes] of SIZES) {
        const { statements, texts } = variantTexts(maxBytes);
        for (const variant of VARIANTS) {
            const text = texts[variant];
            // The guarded candidates must read the very document parsePolicy reads, JsonNumbers included.
            const expected = all.parsePolicy(text);
            for (const name of ["losslessJsonGuarded", "jsoncParserGuarded"] as const) {
                if (!isDeepStrictEqual(all[name](text), expected)) throw new Error(`parsers: ${name} reads ${size} ${variant} differently from parsePolicy`);
            }
            const label = `${size} ${variant}`;
            const bytes = Buffer.byteLength(text);
            log(`parsers ${label}: ${bytes} bytes, ${statements} statements`);
            const fns = Object.fromEntries(PARSERS.map((name) => [name, () => all[name](text)])) as Record<ParserName, () => unknown>;
            const measured = measureInterleaved(fns, options);
            const ratios = (base: ParserName) =>
                Object.fromEntries(PARSERS.map((name) => [name, Number(measured.ratio(name, base).toFixed(2))])) as Record<ParserName, number>;
            cases[label] = {
                bytes,
                statements,
                us: Object.fromEntries(PARSERS.map((name) => [name, rounded(measured.samples[name])])) as Record<ParserName, Sample>,
                vsJsonParse: ratios("jsonParse"),
                vsParsePolicy: ratios("parsePolicy"),
            };
        }
    }
    return {
        versions: { node: process.version, losslessJson: packageVersion("lossless-json"), jsoncParser: packageVersion("jsonc-parser") },
        cases,
        guarantees,
    };
}

/** The suite's rows of the bench's table: {@link parsersTable}. It has no goal of its own (why scan.ts stays: docs/how-it-works.md). */
export function rows(figures: ParsersFigures): string[] {
    return [parsersTable(figures)];
}

/** The figures as a table: µs medians and ratios to JSON.parse, one row per text; then the probes. */
export function parsersTable(figures: ParsersFigures): string {
    const short: Record<ParserName, string> = {
        jsonParse: "JSON.parse",
        parsePolicy: "parsePolicy",
        losslessJson: "lossless-json",
        losslessJsonGuarded: "lossless+guards",
        jsoncParserGuarded: "jsonc+guards",
    };
    const lines = [
        `parsers (node ${figures.versions.node}, lossless-json ${figures.versions.losslessJson}, jsonc-parser ${figures.versions.jsoncParser}): µs median (× JSON.parse)`,
        ["text".padEnd(17), "bytes".padStart(6), ...PARSERS.map((name) => short[name].padStart(18))].join(" "),
    ];
    for (const [label, figure] of Object.entries(figures.cases)) {
        const cells = PARSERS.map((name) => `${figure.us[name].median} (${name === "jsonParse" ? "1" : figure.vsJsonParse[name].toFixed(2)}×)`.padStart(18));
        lines.push([label.padEnd(17), String(figure.bytes).padStart(6), ...cells].join(" "));
    }
    const candidates = PARSERS.filter((name) => name !== "jsonParse" && name !== "parsePolicy");
    lines.push("", "× parsePolicy (median of per-round ratios)", ["text".padEnd(17), ...candidates.map((name) => short[name].padStart(18))].join(" "));
    for (const [label, figure] of Object.entries(figures.cases)) {
        lines.push([label.padEnd(17), ...candidates.map((name) => `${figure.vsParsePolicy[name].toFixed(2)}×`.padStart(18))].join(" "));
    }
    lines.push("", "legend:", ...PARSERS.map((name) => `  ${short[name]}: ${PARSER_LABELS[name]}`), "", "guarantees (what each parser does with each probe):");
    for (const [name, results] of Object.entries(figures.guarantees)) {
        lines.push(`  ${name}:`);
        for (const [probe, result] of Object.entries(results)) lines.push(`    ${probe.padEnd(36)} ${result}`);
    }
    return lines.join("\n");
}
