/**
 * Property tests over random valid policies: rewriting a policy in any way AWS treats the same never changes its
 * canonical form, and changing one action, resource, principal or condition value always does.
 */
import fc from "fast-check";
import { canonicalizePolicy, diffPolicies, formatPolicy, parsePolicy, policiesEquivalent } from "../../provider/policy";
import { formatModel } from "../../provider/policy/format";
import { quote } from "../../provider/policy/json";
import { PolicyModel, readModel } from "../../provider/policy/model";
import { modelOf } from "../../provider/policy/read";
import { canonicalText } from "../../provider/policy/texts";
import { publicAccessOf } from "../../provider/policy/publicAccess";
import { lockoutRisk, policyProblems } from "../../provider/validate";
import { seededRandom } from "../support/seededRandom";

type Json = Record<string, unknown>;
/** 150 runs keep the file at a few seconds; set POLICY_PROPERTY_RUNS for a deeper search. */
const RUNS = { numRuns: Number(process.env.POLICY_PROPERTY_RUNS ?? 150) };

// ---- generators: small alphabets so that repeats and near-misses are common -----------------------------------------

const word = fc.stringMatching(/^[A-Za-z]{1,8}$/);
const action = fc.oneof(
    fc.constant("*"),
    fc
        .tuple(fc.constantFrom("s3", "sqs", "iam"), fc.oneof(word, fc.constantFrom("GetObject", "PutObject", "Get*", "*")))
        .map(([service, name]) => `${service}:${name}`),
);
const resource = fc.tuple(fc.constantFrom("alpha", "beta"), fc.stringMatching(/^[A-Za-z0-9/*]{0,8}$/)).map(([bucket, key]) => `arn:aws:s3:::${bucket}/${key}`);
const account = fc.constantFrom("111122223333", "444455556666");
const awsId = fc.oneof(
    account,
    fc.tuple(account, word).map(([id, name]) => `arn:aws:iam::${id}:role/${name}`),
    fc.constant("*"),
);
const service = fc.constantFrom("cloudfront.amazonaws.com", "logging.s3.amazonaws.com", "lambda.amazonaws.com");
const listOf = <T>(item: fc.Arbitrary<T>) => fc.array(item, { minLength: 1, maxLength: 4 });
const principal = fc.oneof(
    fc.constant("*" as unknown),
    fc.record({ AWS: listOf(awsId) }),
    fc.record({ AWS: listOf(awsId), Service: listOf(service) }),
    fc.record({ Service: listOf(service) }),
);
const operator = fc.constantFrom("StringEquals", "StringLike", "StringEqualsIgnoreCase", "ForAnyValue:StringEquals", "Bool", "NumericLessThan", "IpAddress");
const conditionKey = fc.constantFrom("aws:SourceVpc", "aws:SecureTransport", "s3:prefix", "aws:PrincipalTag/Team", "s3:max-keys");
const conditionValue = fc.oneof(word, fc.constantFrom("true", "false", "10", ""), fc.boolean(), fc.integer({ min: 0, max: 99 }));
const condition = fc.dictionary(operator, fc.dictionary(conditionKey, listOf(conditionValue), { minKeys: 1, maxKeys: 2 }), { minKeys: 1, maxKeys: 2 });
const statement: fc.Arbitrary<Json> = fc
    .record({
        sid: fc.option(fc.constantFrom("Read", "Write", "Deny", ""), { nil: undefined }),
        effect: fc.constantFrom("Allow", "Deny"),
        notPrincipal: fc.boolean(),
        principal,
        notAction: fc.boolean(),
        actions: listOf(action),
        notResource: fc.boolean(),
        resources: listOf(resource),
        condition: fc.option(condition, { nil: undefined }),
    })
    .map((s) => {
        const out: Json = { Effect: s.effect };
        if (s.sid !== undefined) out.Sid = s.sid;
        out[s.notPrincipal ? "NotPrincipal" : "Principal"] = s.principal;
        out[s.notAction ? "NotAction" : "Action"] = s.actions;
        out[s.notResource ? "NotResource" : "Resource"] = s.resources;
        if (s.condition !== undefined) out.Condition = s.condition;
        return out;
    });
const policy: fc.Arbitrary<Json> = fc
    .record({ version: fc.constantFrom("2012-10-17", "2008-10-17", undefined), statements: fc.array(statement, { minLength: 1, maxLength: 5 }) })
    .map(({ version, statements }) => (version === undefined ? { Statement: statements } : { Version: version, Statement: statements }));

// ---- meaning-preserving rewrites, driven by a seeded PRNG -------------------------------------------------------------

type Random = () => number;
const prng: (seed: number) => Random = seededRandom;
const chance = (random: Random, p = 0.5) => random() < p;
function shuffle<T>(items: T[], random: Random): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
}
/** Same keys and values, keys in a random order. */
function reorderKeys(object: Json, random: Random, value: (key: string, v: unknown) => unknown = (_k, v) => v): Json {
    const out: Json = {};
    for (const key of shuffle(Object.keys(object), random)) out[key] = value(key, object[key]);
    return out;
}
/** A list rewritten: shuffled, an item maybe repeated, a list of one maybe unwrapped, a single value maybe wrapped. */
function relist(value: unknown, random: Random, item: (v: unknown) => unknown = (v) => v, keepOrder = false): unknown {
    if (!Array.isArray(value)) return chance(random) ? [item(value)] : item(value);
    let items = (keepOrder ? value : shuffle(value, random)).map(item);
    if (chance(random, 0.3)) items = [...items, item(value[Math.floor(random() * value.length)])];
    return items.length === 1 && chance(random) ? items[0] : items;
}
const randomCase = (text: string, random: Random) => [...text].map((c) => (chance(random) ? c.toUpperCase() : c.toLowerCase())).join("");
/** A condition key re-cased where AWS ignores case: the name up to the first `/`, never a tag key after it. */
const recaseConditionKey = (key: string, random: Random) => {
    const slash = key.indexOf("/");
    return slash < 0 ? randomCase(key, random) : randomCase(key.slice(0, slash), random) + key.slice(slash);
};
const rewriteAwsId = (id: unknown, random: Random) => {
    if (typeof id !== "string" || !chance(random)) return id;
    return /^\d{12}$/.test(id) ? `arn:aws:iam::${id}:root` : id.replace(/^arn:aws:iam::(\d{12}):root$/, "$1");
};
const rewriteConditionValue = (value: unknown, random: Random, ignoreCase: boolean) => {
    if (typeof value !== "string") return chance(random) ? String(value) : value;
    if ((value === "true" || value === "false") && chance(random)) return value === "true";
    if (/^(0|[1-9]\d*)$/.test(value) && chance(random)) return Number(value);
    return ignoreCase ? randomCase(value, random) : value;
};

function rewriteStatement(statement: Json, random: Random, structuralOnly: boolean, keepOrder: boolean): Json {
    return reorderKeys(statement, random, (key, value) => {
        switch (key) {
            case "Action":
            case "NotAction":
                return relist(value, random, (a) => (structuralOnly ? a : randomCase(a as string, random)), keepOrder);
            case "Resource":
            case "NotResource":
                return relist(value, random, undefined, keepOrder);
            case "Principal":
            case "NotPrincipal":
                if (value === "*") return structuralOnly || chance(random) ? "*" : { AWS: relist("*", random) };
                return reorderKeys(value as Json, random, (type, ids) =>
                    relist(ids, random, (id) => (type === "AWS" && !structuralOnly ? rewriteAwsId(id, random) : id), keepOrder),
                );
            case "Condition":
                return reorderKeys(value as Json, random, (op, block) => {
                    const ignoreCase = op.includes("IgnoreCase");
                    const out: Json = {};
                    for (const conditionKey of shuffle(Object.keys(block as Json), random)) {
                        const values = (block as Json)[conditionKey];
                        out[structuralOnly ? conditionKey : recaseConditionKey(conditionKey, random)] = relist(
                            values,
                            random,
                            (v) => (structuralOnly ? v : rewriteConditionValue(v, random, ignoreCase)),
                            keepOrder,
                        );
                    }
                    return out;
                });
            case "Effect":
                return structuralOnly ? value : randomCase(value as string, random);
            default:
                return value;
        }
    });
}

/**
 * A policy AWS treats the same as `document`, written differently; `structuralOnly` keeps every value's spelling, and
 * `keepOrder` the order of statements and list items.
 */
function rewrite(document: Json, seed: number, structuralOnly = false, keepOrder = false): string {
    const random = prng(seed);
    const ordered = keepOrder ? (document.Statement as Json[]) : shuffle(document.Statement as Json[], random);
    let statements = ordered.map((s) => rewriteStatement(s, random, structuralOnly, keepOrder));
    if (chance(random, 0.3)) statements = [...statements, statements[0]];
    const rewritten = reorderKeys({ ...document, Statement: statements.length === 1 && chance(random) ? statements[0] : statements }, random);
    return JSON.stringify(rewritten, null, chance(random) ? undefined : [0, 2, "\t", " \n "][Math.floor(random() * 4)]);
}

// ---- meaning-changing edits ---------------------------------------------------------------------------------------------

/** Replaces one item of one statement's element by a value no generator produces (digits in a name). */
function mutate(document: Json, pick: number, elements: string[], replacement: (old: unknown) => unknown): Json | undefined {
    const copy = JSON.parse(JSON.stringify(document)) as Json;
    const statements = copy.Statement as Json[];
    const candidates = statements.filter((s) => elements.some((e) => s[e] !== undefined));
    if (candidates.length === 0) return undefined;
    const target = candidates[pick % candidates.length];
    const element = elements.find((e) => target[e] !== undefined) as string;
    const value = target[element];
    if (Array.isArray(value)) value[pick % value.length] = replacement(value[pick % value.length]);
    else target[element] = replacement(value);
    return copy;
}

function mutatePrincipal(document: Json, pick: number): Json | undefined {
    return mutate(document, pick, ["Principal", "NotPrincipal"], (principal) => {
        if (principal === "*") return { AWS: "arn:aws:iam::999999999999:role/mutated0" };
        const copy = { ...(principal as Json) };
        const types = Object.keys(copy);
        const type = types[pick % types.length];
        const ids = [...(copy[type] as unknown[])];
        ids[pick % ids.length] = type === "AWS" ? "arn:aws:iam::999999999999:role/mutated0" : "mutated0.amazonaws.com";
        copy[type] = ids;
        return copy;
    });
}

function mutateConditionValue(document: Json, pick: number): Json | undefined {
    return mutate(document, pick, ["Condition"], (condition) => {
        const copy = JSON.parse(JSON.stringify(condition)) as Record<string, Record<string, unknown[]>>;
        const ops = Object.keys(copy);
        const block = copy[ops[pick % ops.length]];
        const keys = Object.keys(block);
        const values = block[keys[pick % keys.length]];
        values[pick % values.length] = "mutated0";
        return copy;
    });
}

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const pick = fc.nat(1000);

describe("policy canonical form (properties)", () => {
    it("never changes when statements and lists are shuffled, re-nested, repeated and reformatted, actions and condition keys re-cased, account ids swapped for root ARNs, and condition scalars quoted", () => {
        fc.assert(
            fc.property(policy, seed, (document, s) => {
                expect(canonicalizePolicy(rewrite(document, s))).toBe(canonicalizePolicy(document));
            }),
            RUNS,
        );
    });

    it("is idempotent and is itself an equivalent policy", () => {
        fc.assert(
            fc.property(policy, (document) => {
                const canonical = canonicalizePolicy(document);
                expect(canonicalizePolicy(canonical)).toBe(canonical);
                expect(policiesEquivalent(canonical, document)).toBe(true);
            }),
            RUNS,
        );
    });

    it("changes when one action changes", () => {
        fc.assert(
            fc.property(policy, pick, (document, p) => {
                const changed = mutate(document, p, ["Action", "NotAction"], () => "s3:Mutated0") as Json;
                expect(policiesEquivalent(changed, document)).toBe(false);
            }),
            RUNS,
        );
    });

    it("changes when one resource changes", () => {
        fc.assert(
            fc.property(policy, pick, (document, p) => {
                const changed = mutate(document, p, ["Resource", "NotResource"], () => "arn:aws:s3:::alpha/mutated0") as Json;
                expect(policiesEquivalent(changed, document)).toBe(false);
            }),
            RUNS,
        );
    });

    it("changes when one principal changes", () => {
        fc.assert(
            fc.property(policy, pick, (document, p) => {
                expect(policiesEquivalent(mutatePrincipal(document, p) as Json, document)).toBe(false);
            }),
            RUNS,
        );
    });

    it("changes when one condition value changes", () => {
        fc.assert(
            fc.property(policy, pick, (document, p) => {
                const changed = mutateConditionValue(document, p);
                fc.pre(changed !== undefined);
                expect(policiesEquivalent(changed as Json, document)).toBe(false);
            }),
            RUNS,
        );
    });
});

describe("policiesEquivalent (properties)", () => {
    // It skips canonical texts where it can (elements written alike, statements paired by Sid): the answer must stay
    // the one comparing the canonical texts gives, for texts and objects, with and without a Sid on every statement.
    const uniqueSids = (document: Json): Json => ({ ...document, Statement: (document.Statement as Json[]).map((s, i) => ({ ...s, Sid: `S${i}` })) });
    const edits: Array<(document: Json, p: number) => Json | undefined> = [
        (document) => document,
        (document, p) => mutate(document, p, ["Action", "NotAction"], () => "s3:Mutated0"),
        (document, p) => mutate(document, p, ["Resource", "NotResource"], () => "arn:aws:s3:::alpha/mutated0"),
        (document, p) => mutatePrincipal(document, p),
        (document, p) => mutateConditionValue(document, p),
        (document, p) => mutate(document, p, ["Sid"], () => "Renamed"),
        (document) => ((document.Statement as Json[]).length > 1 ? { ...document, Statement: (document.Statement as Json[]).slice(1) } : undefined),
    ];

    it("answers as comparing canonical texts does, for rewritten and edited policies", () => {
        let equivalent = 0;
        fc.assert(
            fc.property(policy, seed, pick, fc.boolean(), fc.boolean(), (generated, s, p, sids, asText) => {
                const document = sids ? uniqueSids(generated) : generated;
                const edited = edits[p % edits.length](document, p);
                fc.pre(edited !== undefined);
                const other = JSON.parse(rewrite(edited as Json, s)) as Json;
                const [x, y] = asText ? [JSON.stringify(document), JSON.stringify(other, null, 2)] : [document, other];
                const expected = canonicalizePolicy(x) === canonicalizePolicy(y);
                if (expected) equivalent++;
                expect(policiesEquivalent(x, y)).toBe(expected);
                expect(policiesEquivalent(y, x)).toBe(expected);
            }),
            { numRuns: RUNS.numRuns * 4 },
        );
        // Both answers must be exercised: the unedited rewrite alone is about a seventh of the runs (86 of 600, standard
        // deviation 8.6), so a quarter of RUNS is far below what a run gives and never a matter of luck (the bound was
        // RUNS / 2 = 75, which about one run in ten missed).
        expect(equivalent).toBeGreaterThan(RUNS.numRuns / 4);
    });
});

describe("formatPolicy (properties)", () => {
    it("is equivalent to its input and idempotent", () => {
        fc.assert(
            fc.property(policy, seed, (document, s) => {
                const input = rewrite(document, s);
                const text = formatPolicy(input);
                expect(policiesEquivalent(text, input)).toBe(true);
                expect(formatPolicy(text)).toBe(text);
                expect(text).not.toMatch(/\n/);
            }),
            RUNS,
        );
    });

    it("gives the same text whatever the key order, white space, repeats and list shape", () => {
        fc.assert(
            fc.property(policy, seed, (document, s) => {
                expect(formatPolicy(rewrite(document, s, true, true))).toBe(formatPolicy(document));
            }),
            RUNS,
        );
    });
});

/** The same JSON with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reversedKeys);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
        Object.entries(value)
            .reverse()
            .map(([key, item]) => [key, reversedKeys(item)]),
    );
}

describe("the model check remembers for the text it returns (properties)", () => {
    /** Every pass's answer on a model, as one comparable value. */
    const answers = (model: PolicyModel, other: string) => ({
        canonical: canonicalText(model),
        formatted: formatModel(model),
        publicAccess: publicAccessOf(model),
        problems: policyProblems(model, "alpha"),
        lockout: lockoutRisk(model, "alpha"),
        diff: diffPolicies(other, formatModel(model)),
        statements: (model.statements ?? []).map(({ index, sid, effect }) => ({ index, sid, effect })),
    });

    it("answers every pass as a fresh reading of that text does", () => {
        let remembered = 0;
        fc.assert(
            fc.property(policy, policy, seed, (document, otherDocument, s) => {
                // Mostly a document without repeats (formatted, then keys reversed and maybe pretty-printed), whose
                // formatted text check remembers; sometimes a full rewrite, repeats and all, whose text it must not.
                const rewritten = s % 4 === 0 ? rewrite(document, s) : reversedKeys(JSON.parse(formatPolicy(document)));
                const written = typeof rewritten === "string" ? rewritten : JSON.stringify(rewritten, null, s % 2 ? 2 : undefined);
                const other = JSON.stringify(otherDocument);
                const formatted = formatModel(modelOf(written), true);
                const fresh = readModel(parsePolicy(formatted) as Record<string, unknown>, quote, true);
                if (modelOf(formatted) === modelOf(written)) remembered++;
                expect(answers(modelOf(formatted), other)).toEqual(answers(fresh, other));
            }),
            RUNS,
        );
        // Rewrites often add a repeat (then nothing is remembered): the property must still have been tested.
        expect(remembered).toBeGreaterThan(RUNS.numRuns / 10);
    });
});
