/**
 * Cases for the access-change analysis (provider/access/analyze.ts), for the differential, mutation and metamorphic
 * tests: a seeded generator of small bucket policies on the bucket `logs`, mutation operators that widen or narrow a
 * policy, rewrites that keep its meaning, and an exhaustive-search request universe.
 *
 * The universe is built here from the policies' own texts, independently of provider/access/space.ts and glob.ts: its
 * candidate values per dimension come from the literals both policies write (wildcards filled several ways, constants
 * and the values just around them, CIDR ends, case variants, "absent"), and the only oracle it asks is the concrete
 * evaluator (provider/access/evaluate.ts), which also tells which candidates every statement treats alike (so that one
 * of each kind is enough), before the cartesian product is taken.
 */
import { evaluatePolicy } from "../../provider/access/evaluate";
import type { AccessContext, AccessPrincipal, AccessRequest, PolicyReading } from "../../provider/access/types";
import { modelOf } from "../../provider/policy/read";
import type { PolicyModel } from "../../provider/policy/model";
import { seededRandom } from "./seededRandom";

export { seededRandom };

export const BUCKET = "logs";
export const ACCOUNT = "111122223333";
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Statement = Record<string, Json>;
export interface Policy {
    Version?: string;
    Statement: Statement[];
    [key: string]: Json | undefined;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const asList = (value: Json | undefined): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** A policy's statements as a list (a lone statement object becomes a list of one), deep-copied. */
export function normalized(policy: object): Policy {
    const copy = clone(policy) as Policy & { Statement?: Json };
    const statements = copy.Statement === undefined ? [] : Array.isArray(copy.Statement) ? copy.Statement : [copy.Statement];
    return { ...copy, Statement: statements as Statement[] };
}

// --- The generator ---------------------------------------------------------------------------------------------

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (random: Random, p: number) => random() < p;

const PRINCIPALS: Json[] = [
    "*",
    { AWS: "*" },
    { AWS: ACCOUNT },
    { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    { AWS: ROLE },
    { Service: "logging.s3.amazonaws.com" },
    { AWS: [ROLE, "arn:aws:iam::444455556666:root"] },
];
const ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteBucket", "s3:Get*", "s3:*Object", "s3:?etObject", "s3:List*", "s3:*", "*"];
const RESOURCES = [
    "arn:aws:s3:::logs",
    "arn:aws:s3:::logs/*",
    "arn:aws:s3:::logs/a/*",
    "arn:aws:s3:::logs/a?c",
    "arn:aws:s3:::logs*",
    "arn:*:s3:::logs/*",
    "*",
];
/** [operator, key, values]; `…IfExists` is added at random to those that take it. */
const CONDITIONS: Array<[string, string, Json]> = [
    ["StringEquals", "s3:prefix", "public/"],
    ["StringEquals", "s3:prefix", ["public/", "a"]],
    ["StringLike", "s3:prefix", "public/*"],
    ["StringLike", "s3:prefix", "a?c"],
    ["StringNotLike", "s3:prefix", "private/*"],
    ["StringEqualsIgnoreCase", "s3:prefix", "Public/"],
    ["Bool", "aws:SecureTransport", "true"],
    ["Bool", "aws:SecureTransport", "false"],
    ["Bool", "aws:SecureTransport", true],
    ["IpAddress", "aws:SourceIp", "192.0.2.0/24"],
    ["IpAddress", "aws:SourceIp", ["192.0.2.0/25", "198.51.100.7/32"]],
    ["IpAddress", "aws:SourceIp", "2001:db8::/32"],
    ["NotIpAddress", "aws:SourceIp", "192.0.2.0/24"],
    ["NotIpAddress", "aws:SourceIp", "2001:db8:1::/48"],
    ["NumericLessThan", "s3:max-keys", "10"],
    ["NumericGreaterThanEquals", "s3:max-keys", "5"],
    ["NumericGreaterThanEquals", "s3:max-keys", "10"],
    ["NumericNotEquals", "s3:max-keys", "5"],
    ["DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z"],
    ["DateNotEquals", "aws:CurrentTime", "2030-01-01T00:00:00Z"],
    ["Null", "aws:SecureTransport", "true"],
    ["Null", "s3:max-keys", "true"],
    ["Null", "aws:SourceIp", "false"],
    ["Null", "s3:prefix", "false"],
];

function randomList(random: Random, pool: readonly string[], most: number): Json {
    const count = 1 + Math.floor(random() * most);
    const items = [...new Set(Array.from({ length: count }, () => pick(random, pool)))];
    return items.length === 1 && chance(random, 0.5) ? items[0] : items;
}

export function randomStatement(random: Random, index: number): Statement {
    const effect = chance(random, 0.6) ? "Allow" : "Deny";
    const statement: Statement = {};
    if (chance(random, 0.4)) statement.Sid = `S${index}`;
    statement.Effect = effect;
    if (chance(random, 0.1)) statement.NotPrincipal = pick(random, PRINCIPALS.slice(2));
    else statement.Principal = clone(pick(random, PRINCIPALS));
    statement[chance(random, 0.15) ? "NotAction" : "Action"] = randomList(random, ACTIONS, 2);
    statement[chance(random, 0.1) ? "NotResource" : "Resource"] = randomList(random, RESOURCES, 2);
    const conditionCount = chance(random, 0.45) ? 0 : chance(random, 0.7) ? 1 : 2;
    const condition: Record<string, Record<string, Json>> = {};
    for (let i = 0; i < conditionCount; i++) {
        const [base, key, values] = pick(random, CONDITIONS);
        const operator = base !== "Null" && chance(random, 0.25) ? `${base}IfExists` : base;
        condition[operator] ??= {};
        condition[operator][key] = clone(values);
    }
    if (conditionCount) statement.Condition = condition;
    return statement;
}

/** A random policy of 1–4 statements. */
export function randomPolicy(random: Random): Policy {
    const count = 1 + Math.floor(random() * 4);
    return { Version: "2012-10-17", Statement: Array.from({ length: count }, (_, i) => randomStatement(random, i)) };
}

// --- Mutations ---------------------------------------------------------------------------------------------------

export interface Mutation {
    name: string;
    kind: "widening" | "narrowing";
    policy: Policy;
}

const NEGATED = /^(StringNot|NumericNotEquals|DateNotEquals|NotIpAddress|ArnNot)/;
const isDeny = (statement: Statement) => statement.Effect === "Deny";
const isAllow = (statement: Statement) => statement.Effect === "Allow";
const everyone = (principal: Json | undefined) =>
    principal === "*" || (principal !== null && typeof principal === "object" && !Array.isArray(principal) && asList(principal.AWS).includes("*"));

function conditionOf(statement: Statement): Record<string, Record<string, Json>> | undefined {
    const condition = statement.Condition;
    return condition && typeof condition === "object" && !Array.isArray(condition) ? (condition as Record<string, Record<string, Json>>) : undefined;
}

/** Renames one condition operator of a statement (undefined when the new name is already there). */
function renamedOperator(statement: Statement, from: string, to: string): Statement | undefined {
    const condition = conditionOf(statement) as Record<string, Record<string, Json>>;
    if (condition[to] !== undefined) return undefined;
    const renamed: Record<string, Json> = {};
    for (const [operator, block] of Object.entries(condition)) renamed[operator === from ? to : operator] = block;
    return { ...statement, Condition: renamed };
}

/** A CIDR (or an address) with a prefix one bit shorter (`delta` -1) or longer (+1); undefined at the ends. */
function cidrShifted(text: string, delta: number): string | undefined {
    const [address, prefixText] = text.split("/");
    const bits = address.includes(":") ? 128 : 32;
    const prefix = (prefixText === undefined ? bits : Number(prefixText)) + delta;
    if (prefix < 0 || prefix > bits) return undefined;
    return `${address}/${prefix}`;
}

/** The last path segment before a trailing `/*` removed (`…/logs/a/*` → `…/logs/*`); undefined when there is none. */
function resourceParent(text: string): string | undefined {
    const match = /^(arn:[^/]*:s3:::[^/]+(?:\/.*)?)\/[^/]+\/\*$/.exec(text);
    return match ? `${match[1]}/*` : undefined;
}

/**
 * Every widening and every narrowing of `policy` at every place it applies (issue 22, item 3). Widenings: add an
 * Allow, drop a Deny, drop an Allow's condition, widen an Allow's action or resource pattern, its Principal to `"*"`,
 * add `IfExists` to an Allow condition, remove it from a Deny's, Deny→Allow, `Action`→`NotAction` on an Allow, widen
 * a Deny's CIDR away. Narrowings are their inverses.
 */
export function mutations(source: object, bucket = BUCKET): Mutation[] {
    const policy = normalized(source);
    const out: Mutation[] = [];
    const statements = policy.Statement;
    const withStatements = (list: Statement[]): Policy => clone({ ...policy, Statement: list });
    const replaced = (i: number, statement: Statement) => withStatements(statements.map((s, j) => (j === i ? statement : s)));
    const add = (kind: Mutation["kind"], name: string, result: Policy | undefined) => {
        if (result) out.push({ kind, name, policy: result });
    };
    const W = (name: string, result: Policy | undefined) => add("widening", name, result);
    const N = (name: string, result: Policy | undefined) => add("narrowing", name, result);

    W(
        "add an Allow",
        withStatements([
            ...statements,
            {
                Sid: "AddedAllow",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::999988887777:role/added" },
                Action: "s3:PutBucketPolicy",
                Resource: `arn:aws:s3:::${bucket}`,
            },
        ]),
    );
    N(
        "add a Deny",
        withStatements([...statements, { Sid: "AddedDeny", Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: `arn:aws:s3:::${bucket}` }]),
    );

    statements.forEach((statement, i) => {
        const at = `Statement[${i}]`;
        const condition = conditionOf(statement);
        if (isDeny(statement)) {
            W(`drop the Deny ${at}`, withStatements(statements.filter((_, j) => j !== i)));
            W(`Deny→Allow ${at}`, replaced(i, { ...statement, Effect: "Allow" }));
            for (const operator of Object.keys(condition ?? {})) {
                if (operator === "Null" || NEGATED.test(operator)) continue;
                if (operator.endsWith("IfExists"))
                    W(`remove IfExists from the Deny ${at} ${operator}`, wrap(replaced, i, renamedOperator(statement, operator, operator.slice(0, -8))));
                else N(`add IfExists to the Deny ${at} ${operator}`, wrap(replaced, i, renamedOperator(statement, operator, `${operator}IfExists`)));
            }
            for (const operator of Object.keys(condition ?? {})) {
                const base = operator.replace(/IfExists$/, "");
                if (base !== "IpAddress" && base !== "NotIpAddress") continue;
                // A Deny of NotIpAddress denies outside its ranges: a wider range denies less. A Deny of IpAddress the reverse.
                const away = base === "NotIpAddress" ? -1 : 1;
                for (const [direction, delta] of [
                    ["widening", away],
                    ["narrowing", -away],
                ] as const) {
                    const block = (condition as Record<string, Record<string, Json>>)[operator];
                    const shifted: Record<string, Json> = {};
                    let ok = true;
                    for (const [key, values] of Object.entries(block)) {
                        const items = asList(values).map((value) => (typeof value === "string" ? cidrShifted(value, delta) : undefined));
                        if (items.some((item) => item === undefined)) ok = false;
                        shifted[key] = items as string[];
                    }
                    if (!ok) continue;
                    add(
                        direction,
                        `${direction === "widening" ? "widen" : "narrow"} the Deny ${at}'s ${operator} ranges away`,
                        replaced(i, { ...statement, Condition: { ...condition, [operator]: shifted } }),
                    );
                }
            }
            return;
        }
        if (!isAllow(statement)) return;
        N(`drop the Allow ${at}`, withStatements(statements.filter((_, j) => j !== i)));
        N(`Allow→Deny ${at}`, replaced(i, { ...statement, Effect: "Deny" }));
        for (const [operator, block] of Object.entries(condition ?? {})) {
            for (const key of Object.keys(block)) {
                const rest: Record<string, Record<string, Json>> = clone(condition as Record<string, Record<string, Json>>);
                delete rest[operator][key];
                if (Object.keys(rest[operator]).length === 0) delete rest[operator];
                const without: Statement = { ...statement, Condition: rest };
                if (Object.keys(rest).length === 0) delete without.Condition;
                W(`drop the Allow ${at}'s condition ${operator} ${key}`, replaced(i, without));
            }
        }
        const narrower = clone(condition ?? {});
        if (!Object.keys(narrower).some((operator) => Object.keys(narrower[operator]).some((key) => key.toLowerCase() === "aws:sourcevpce"))) {
            narrower.StringEquals = { ...(narrower.StringEquals ?? {}), "aws:SourceVpce": "vpce-0narrow" };
            N(`add a condition to the Allow ${at}`, replaced(i, { ...statement, Condition: narrower }));
        }
        for (const operator of Object.keys(condition ?? {})) {
            if (operator === "Null") continue;
            if (operator.endsWith("IfExists"))
                N(`remove IfExists from the Allow ${at} ${operator}`, wrap(replaced, i, renamedOperator(statement, operator, operator.slice(0, -8))));
            else if (!NEGATED.test(operator))
                W(`add IfExists to the Allow ${at} ${operator}`, wrap(replaced, i, renamedOperator(statement, operator, `${operator}IfExists`)));
        }
        if (statement.Action !== undefined) {
            const actions = asList(statement.Action) as string[];
            actions.forEach((action, k) => {
                const list = (item: string) => actions.map((a, m) => (m === k ? item : a));
                if (!action.endsWith("*")) W(`widen the Allow ${at}'s action ${action}`, replaced(i, { ...statement, Action: list(`${action}*`) }));
                else N(`narrow the Allow ${at}'s action ${action}`, replaced(i, { ...statement, Action: list(action === "*" ? "s3:*" : action.slice(0, -1)) }));
            });
            if (!actions.some((action) => action === "*" || action.toLowerCase() === "s3:*")) {
                const { Action, ...rest } = statement;
                W(`Action→NotAction on the Allow ${at}`, replaced(i, { ...rest, NotAction: Action }));
            }
        } else if (statement.NotAction !== undefined) {
            N(
                `exclude one more action from the Allow ${at}'s NotAction`,
                replaced(i, { ...statement, NotAction: [...(asList(statement.NotAction) as string[]), "s3:PutBucketPolicy"] }),
            );
        }
        if (statement.Resource !== undefined) {
            const resources = asList(statement.Resource) as string[];
            resources.forEach((resource, k) => {
                const list = (item: string) => resources.map((r, m) => (m === k ? item : r));
                if (!resource.endsWith("*")) W(`widen the Allow ${at}'s resource ${resource}`, replaced(i, { ...statement, Resource: list(`${resource}*`) }));
                else {
                    const parent = resourceParent(resource);
                    if (parent) W(`widen the Allow ${at}'s resource ${resource} to ${parent}`, replaced(i, { ...statement, Resource: list(parent) }));
                    N(
                        `narrow the Allow ${at}'s resource ${resource}`,
                        replaced(i, { ...statement, Resource: list(resource === "*" ? `arn:aws:s3:::${bucket}/*` : resource.slice(0, -1)) }),
                    );
                }
            });
        }
        if (statement.Principal !== undefined) {
            if (everyone(statement.Principal))
                N(`the Allow ${at}'s Principal from "*" to an account`, replaced(i, { ...statement, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }));
            else W(`the Allow ${at}'s Principal to "*"`, replaced(i, { ...statement, Principal: "*" }));
        }
    });
    return out;
}

function wrap(replaced: (i: number, statement: Statement) => Policy, i: number, statement: Statement | undefined): Policy | undefined {
    return statement ? replaced(i, statement) : undefined;
}

/** One random mutation of a policy (for the differential test's mutated pairs). */
export function randomMutation(random: Random, policy: Policy): Mutation | undefined {
    const all = mutations(policy);
    return all.length ? pick(random, all) : undefined;
}

// --- Rewrites that keep the meaning ----------------------------------------------------------------------------

export interface Rewrite {
    name: string;
    apply: (policy: Policy) => Policy;
}

const mapStatements = (policy: Policy, f: (statement: Statement, i: number) => Statement[]): Policy => ({
    ...clone(policy),
    Statement: clone(policy.Statement).flatMap((statement, i) => f(statement, i)),
});
const flip = (value: Json): Json => (Array.isArray(value) ? (value.length === 1 ? value[0] : value) : [value]);

export const REWRITES: Rewrite[] = [
    { name: "statements reversed", apply: (policy) => ({ ...clone(policy), Statement: clone(policy.Statement).reverse() }) },
    {
        name: "statements rotated",
        apply: (policy) => {
            const list = clone(policy.Statement);
            return { ...clone(policy), Statement: [...list.slice(1), ...list.slice(0, 1)] };
        },
    },
    {
        name: "one statement per action",
        apply: (policy) =>
            mapStatements(policy, (statement) => {
                if (statement.Action === undefined || asList(statement.Action).length < 2) return [statement];
                return asList(statement.Action).map((action, k) => ({
                    ...statement,
                    ...(statement.Sid !== undefined ? { Sid: `${String(statement.Sid)}x${k}` } : {}),
                    Action: action,
                }));
            }),
    },
    {
        name: "scalar↔list",
        apply: (policy) =>
            mapStatements(policy, (statement) => {
                const out: Statement = { ...statement };
                for (const element of ["Action", "NotAction", "Resource", "NotResource"]) if (out[element] !== undefined) out[element] = flip(out[element]);
                for (const element of ["Principal", "NotPrincipal"]) {
                    const principal = out[element];
                    if (principal && typeof principal === "object" && !Array.isArray(principal)) {
                        out[element] = Object.fromEntries(Object.entries(principal).map(([type, ids]) => [type, ids === "*" ? ids : flip(ids)]));
                    }
                }
                const condition = conditionOf(out);
                if (condition) {
                    out.Condition = Object.fromEntries(
                        Object.entries(condition).map(([operator, block]) => [
                            operator,
                            Object.fromEntries(Object.entries(block).map(([key, v]) => [key, flip(v)])),
                        ]),
                    );
                }
                return [out];
            }),
    },
    {
        name: "condition key case",
        apply: (policy) =>
            mapStatements(policy, (statement) => {
                const condition = conditionOf(statement);
                if (!condition) return [statement];
                const recased = Object.fromEntries(
                    Object.entries(condition).map(([operator, block]) => [
                        operator,
                        Object.fromEntries(Object.entries(block).map(([key, v]) => [key.toUpperCase() === key ? key.toLowerCase() : key.toUpperCase(), v])),
                    ]),
                );
                return [{ ...statement, Condition: recased }];
            }),
    },
    {
        name: '"*"↔{"AWS":"*"}',
        apply: (policy) =>
            mapStatements(policy, (statement) => {
                if (statement.Principal === "*") return [{ ...statement, Principal: { AWS: "*" } }];
                const principal = statement.Principal;
                if (principal && typeof principal === "object" && !Array.isArray(principal)) {
                    const keys = Object.keys(principal);
                    if (keys.length === 1 && keys[0] === "AWS" && asList(principal.AWS).length === 1 && asList(principal.AWS)[0] === "*")
                        return [{ ...statement, Principal: "*" }];
                }
                return [statement];
            }),
    },
];

// --- The request universe --------------------------------------------------------------------------------------

export interface Universe {
    requests: AccessRequest[];
    /** The size of the product before any sampling. */
    size: number;
    sampled: boolean;
}

/** How AWS folds a condition key: the name up to the first `/` in lower case. */
export function foldKey(key: string): string {
    const slash = key.indexOf("/");
    return slash < 0 ? key.toLowerCase() : key.slice(0, slash).toLowerCase() + key.slice(slash);
}

/** Each way of filling a pattern's wildcards: every combination when it has at most two, else one filler for all. */
function fillings(pattern: string, fillers: readonly string[]): string[] {
    const parts = pattern.split(/[*?]/);
    const holes = parts.length - 1;
    if (holes === 0) return [pattern];
    const out = new Set<string>();
    if (holes <= 2) {
        const combos = holes === 1 ? fillers.map((f) => [f]) : fillers.flatMap((a) => fillers.map((b) => [a, b]));
        for (const combo of combos) out.add(parts.reduce((text, part, i) => text + (i ? combo[i - 1] : "") + part, ""));
    } else {
        for (const filler of fillers) out.add(parts.join(filler));
    }
    return [...out];
}

const caseVariants = (value: string) => [value, value.toUpperCase(), value.toLowerCase(), value.charAt(0).toUpperCase() + value.slice(1).toLowerCase()];

/** Real S3 action names a request may carry (folded), written here apart from space.ts's list. */
const REAL_ACTIONS = [
    "getobject",
    "putobject",
    "deleteobject",
    "listbucket",
    "getbucketpolicy",
    "putbucketpolicy",
    "deletebucket",
    "getobjectacl",
    "getbucketlocation",
    "listbucketversions",
    "abortmultipartupload",
].map((name) => `s3:${name}`);

function decimalNeighbours(text: string): string[] {
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!match) return [text];
    const scale = (match[3] ?? "").length + 1;
    const units = BigInt(`${match[1]}${match[2]}${(match[3] ?? "").padEnd(scale, "0")}`);
    const write = (value: bigint) => {
        const negative = value < 0n;
        const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
        const whole = digits.slice(0, -scale);
        const fraction = digits.slice(-scale).replace(/0+$/, "");
        return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
    };
    const one = 10n ** BigInt(scale);
    return [units - one, units - 1n, units, units + 1n, units + one].map(write);
}

function dateNeighbours(text: string): string[] {
    const ms = /^-?\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
    if (Number.isNaN(ms)) return [text];
    const out = [-86_400_000, -1000, -1, 0, 1, 1000, 86_400_000].map((delta) => new Date(ms + delta).toISOString());
    if (ms % 1000 === 0) out.push(String(ms / 1000 - 1), String(ms / 1000), String(ms / 1000 + 1));
    return out;
}

/** A v4 or v6 address as an integer, or undefined; parsed here, not with values.ts. */
function ipValue(text: string): { v6: boolean; value: bigint } | undefined {
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return { v6: false, value: text.split(".").reduce((v, part) => (v << 8n) + BigInt(Number(part)), 0n) };
    if (!text.includes(":") || text.includes(".")) return undefined;
    const [head, tail] = text.split("::");
    const h = head ? head.split(":") : [];
    const t = tail === undefined ? [] : tail ? tail.split(":") : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
    if (groups.length !== 8) return undefined;
    return { v6: true, value: groups.reduce((v, group) => (v << 16n) + BigInt(parseInt(group, 16)), 0n) };
}

function ipText(v6: boolean, value: bigint): string {
    if (!v6) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
    const groups: string[] = [];
    for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
    return groups.join(":");
}

function ipNeighbours(text: string): string[] {
    const [address, prefixText] = text.split("/");
    const parsed = ipValue(address);
    if (!parsed) return [];
    const bits = parsed.v6 ? 128 : 32;
    const prefix = prefixText === undefined ? bits : Number(prefixText);
    const host = BigInt(bits - prefix);
    const first = (parsed.value >> host) << host;
    const last = first + (1n << host) - 1n;
    const top = (1n << BigInt(bits)) - 1n;
    const values = [first - 1n, first, first + 1n, (first + last) / 2n, last - 1n, last, last + 1n].filter((v) => v >= 1n && v <= top);
    return values.map((v) => ipText(parsed.v6, v));
}

interface Literals {
    principals: Map<string, AccessPrincipal>;
    actions: Set<string>;
    resources: Set<string>;
    /** Folded key → candidate values. */
    keys: Map<string, Set<string>>;
    multiValued: Set<string>;
}

function literalsOf(policies: Policy[], bucket: string | undefined): Literals {
    const literals: Literals = { principals: new Map(), actions: new Set(), resources: new Set(), keys: new Map(), multiValued: new Set() };
    const principal = (type: string, id: string) => literals.principals.set(`${type} ${id}`, { type, id });
    principal("AWS", "arn:aws:iam::999999999999:user/someone-else");
    principal("AWS", "*");
    principal("Service", "unnamed.amazonaws.com");
    for (const action of REAL_ACTIONS) literals.actions.add(action);
    for (const action of ["s3:x", "s3express:x", "s3express:getobject"]) literals.actions.add(action);
    const b = bucket ?? BUCKET;
    for (const resource of [
        `arn:aws:s3:::${b}`,
        `arn:aws:s3:::${b}/x`,
        `arn:aws:s3:::${b}/a/x`,
        `arn:aws:s3:::${b}/abc`,
        `arn:aws-cn:s3:::${b}/x`,
        `arn:aws:s3:::${b}x`,
    ])
        literals.resources.add(resource);
    for (const policy of policies) {
        for (const statement of policy.Statement) {
            for (const element of ["Principal", "NotPrincipal"]) {
                const value = statement[element];
                if (!value || typeof value !== "object" || Array.isArray(value)) continue;
                for (const [type, ids] of Object.entries(value)) {
                    for (const id of asList(ids)) {
                        if (typeof id !== "string" || id === "*") continue;
                        principal(type, id);
                        const account = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(id);
                        if (type === "AWS" && account) {
                            principal("AWS", account[1]);
                            principal("AWS", `arn:aws:iam::${account[1]}:role/other`);
                        }
                        if (type === "AWS" && /^\d{12}$/.test(id)) principal("AWS", `arn:aws:iam::${id}:root`);
                    }
                }
            }
            for (const element of ["Action", "NotAction"]) {
                for (const item of asList(statement[element])) {
                    if (typeof item === "string") for (const word of fillings(item.toLowerCase(), ["", "x", "ab", ":"])) literals.actions.add(word);
                }
            }
            for (const element of ["Resource", "NotResource"]) {
                // Beside short fillers, the ends of a governed ARN, so that a wildcard can reach the bucket through ":".
                const fillers = ["", "x", "ab", ":", "/", `:s3:::${b}`, `:s3:::${b}/x`];
                for (const item of asList(statement[element]))
                    if (typeof item === "string") for (const word of fillings(item, fillers)) literals.resources.add(word);
            }
            for (const [operator, block] of Object.entries(conditionOf(statement) ?? {})) {
                if (!block || typeof block !== "object") continue;
                for (const [key, values] of Object.entries(block)) {
                    const name = foldKey(key);
                    if (operator.includes(":")) literals.multiValued.add(name);
                    const set = literals.keys.get(name) ?? new Set<string>(["x"]);
                    literals.keys.set(name, set);
                    const base = operator.replace(/^.*:/, "").replace(/IfExists$/, "");
                    for (const raw of asList(values)) {
                        if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") continue;
                        const value = String(raw);
                        if (base.startsWith("Numeric")) for (const v of decimalNeighbours(value)) set.add(v);
                        else if (base.startsWith("Date")) for (const v of dateNeighbours(value)) set.add(v);
                        else if (base.endsWith("IpAddress")) for (const v of ipNeighbours(value)) set.add(v);
                        else if (base === "Null") set.add("true");
                        else {
                            for (const filled of fillings(value, ["", "x", "ab", ":"])) for (const v of caseVariants(filled)) set.add(v);
                            if (base === "Bool") for (const v of ["true", "false", "TRUE", "False"]) set.add(v);
                        }
                    }
                }
            }
        }
    }
    for (const action of [...literals.actions]) if (!/^s3(express)?:./.test(action)) literals.actions.delete(action);
    if (bucket !== undefined) {
        const governed = new RegExp(`^arn:.*:s3:::${bucket.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(/.*)?$`, "s");
        for (const resource of [...literals.resources]) if (!governed.test(resource)) literals.resources.delete(resource);
    }
    return literals;
}

interface Probe {
    /** The statement's place among both policies' statements. */
    statement: number;
    dimension: string;
    model: PolicyModel;
}

/**
 * For every statement and every part of it (principal, action, resource, each condition), a policy of that part
 * alone (the others left to match everything), so that the evaluator tells which candidates a part treats alike.
 */
function probesOf(policies: Policy[]): Probe[] {
    const probes: Probe[] = [];
    let index = 0;
    for (const policy of policies) {
        const version = policy.Version === undefined ? {} : { Version: policy.Version };
        for (const statement of policy.Statement) {
            const at = index++;
            const probe = (dimension: string, part: Statement) => probes.push({ statement: at, dimension, model: modelOf({ ...version, Statement: [part] }) });
            const base: Statement = { Effect: statement.Effect, Principal: "*", Action: "*", Resource: "*" };
            const own = (names: string[]) => {
                const out: Statement = { ...base };
                delete out[names[0]];
                for (const name of names) if (statement[name] !== undefined) out[name] = statement[name];
                return out;
            };
            probe("principal", own(["Principal", "NotPrincipal"]));
            probe("action", own(["Action", "NotAction"]));
            probe("resource", own(["Resource", "NotResource"]));
            for (const [operator, block] of Object.entries(conditionOf(statement) ?? {})) {
                if (!block || typeof block !== "object") continue;
                for (const [key, values] of Object.entries(block)) probe(`key ${foldKey(key)}`, { ...base, Condition: { [operator]: { [key]: values } } });
            }
        }
    }
    return probes;
}

/** One dimension of the universe: a value of each kind, and for each, the statements whose parts on it match it. */
interface UniverseDimension {
    name: string;
    values: unknown[];
    /** Per value, per reading (widest, narrowest): a bit per statement whose every part on this dimension matches. */
    masks: Array<[number, number]>;
    apply: (request: AccessRequest, value: unknown) => void;
}

const READINGS: PolicyReading[] = ["widest", "narrowest"];

function universeDimensions(policies: Policy[], bucket: string | undefined): { dimensions: UniverseDimension[]; neutral: AccessRequest; statements: number } {
    const literals = literalsOf(policies, bucket);
    const probes = probesOf(policies);
    const statements = policies.reduce((count, policy) => count + policy.Statement.length, 0);
    if (statements > 30) throw new Error("too many statements for the search's bit masks");
    const neutral: AccessRequest = { principal: { type: "AWS", id: "*" }, action: "s3:getobject", resource: `arn:aws:s3:::${bucket ?? BUCKET}/x`, context: {} };
    const dimensions: UniverseDimension[] = [];
    const dimension = <T>(name: string, candidates: T[], place: (value: T) => AccessRequest, apply: UniverseDimension["apply"]) => {
        const mine = probes.filter((probe) => probe.dimension === name);
        const seen = new Map<string, { value: T; mask: [number, number] }>();
        for (const candidate of candidates) {
            const request = place(candidate);
            const mask: [number, number] = [2 ** statements - 1, 2 ** statements - 1];
            let signature = "";
            for (const probe of mine) {
                READINGS.forEach((reading, r) => {
                    const matches = evaluatePolicy(probe.model, request, reading) !== "none";
                    signature += matches ? "1" : "0";
                    if (!matches) mask[r] &= ~(1 << probe.statement);
                });
            }
            if (!seen.has(signature)) seen.set(signature, { value: candidate, mask });
        }
        const kinds = [...seen.values()];
        dimensions.push({ name, values: kinds.map((kind) => kind.value), masks: kinds.map((kind) => kind.mask), apply });
    };
    dimension(
        "principal",
        [...literals.principals.values()],
        (principal) => ({ ...neutral, principal }),
        (request, value) => (request.principal = value as AccessPrincipal),
    );
    dimension(
        "action",
        [...literals.actions],
        (action) => ({ ...neutral, action }),
        (request, value) => (request.action = value as string),
    );
    dimension(
        "resource",
        [...literals.resources],
        (resource) => ({ ...neutral, resource }),
        (request, value) => (request.resource = value as string),
    );
    for (const [key, set] of literals.keys) {
        const singles: Array<string | string[] | null> = [null, ...set];
        const candidates: Array<string | string[] | null> = literals.multiValued.has(key)
            ? [...singles, [], ...[...set].map((v) => [v]), [...set].slice(0, 2), [...set].slice(-2)]
            : singles;
        dimension(
            `key ${key}`,
            candidates,
            (value) => ({ ...neutral, context: { [key]: value } }),
            (request, value) => {
                if (value !== null) request.context[key] = value as string | string[];
            },
        );
    }
    return { dimensions, neutral, statements };
}

function requestAt(dimensions: UniverseDimension[], neutral: AccessRequest, digits: number[]): AccessRequest {
    const request: AccessRequest = { ...neutral, context: {} as AccessContext };
    dimensions.forEach((dimension, d) => dimension.apply(request, dimension.values[digits[d]]));
    return request;
}

function digitsOf(dimensions: UniverseDimension[], index: number): number[] {
    return dimensions.map((dimension) => {
        const digit = index % dimension.values.length;
        index = Math.floor(index / dimension.values.length);
        return digit;
    });
}

/**
 * The requests of an exhaustive search over the statements of both sides of a change: the product of the candidate
 * values of every dimension, one candidate per kind (two candidates are of one kind when every part of every
 * statement, read either way, treats them alike, as the evaluator says), sampled deterministically past `cap`.
 */
export function requestUniverse(sources: Array<object | undefined>, options: { bucket?: string; cap?: number } = {}): Universe {
    const policies = sources.filter((source): source is object => source !== undefined).map(normalized);
    const { dimensions, neutral } = universeDimensions(policies, options.bucket);
    const size = dimensions.reduce((product, dimension) => product * dimension.values.length, 1);
    const cap = options.cap ?? 20_000;
    if (size <= cap) return { requests: Array.from({ length: size }, (_, i) => requestAt(dimensions, neutral, digitsOf(dimensions, i))), size, sampled: false };
    const random = seededRandom(size % 2 ** 31);
    return {
        requests: Array.from({ length: cap }, () => requestAt(dimensions, neutral, digitsOf(dimensions, Math.floor(random() * size)))),
        size,
        sampled: true,
    };
}

/** What the exhaustive search found: a request newly allowed or newly undenied under a pair of readings. */
export interface NewAccess {
    kind: "allowed" | "undenied";
    readings: string;
    request: AccessRequest;
}

export interface SearchResult {
    found: NewAccess[];
    /** How many requests the product holds. */
    size: number;
    /** Whether the product passed the cap and a deterministic sample of it was searched. */
    sampled: boolean;
    /** Requests where the decision put together from the parts and evaluatePolicy on the whole request disagree. */
    disagreements: string[];
}

/** Most requests one search decides; past it, a deterministic sample of this many. */
const SEARCH_CAP = 1_000_000;
/** Requests of each search also decided by evaluatePolicy on the whole policies, to check the parts add up. */
const CROSS_CHECKS = 24;
const READING_PAIRS: Array<[PolicyReading, PolicyReading]> = [
    ["widest", "narrowest"],
    ["widest", "widest"],
    ["narrowest", "narrowest"],
];

/**
 * Every request of the universe of `before` and `after` that `after` newly allows or leaves undenied: with `before`
 * read widest and `after` narrowest (the analysis's claim), and with both read widest and both narrowest. At most one
 * per (kind, readings); with `first`, stops at the first. Each request is decided from its parts (a statement matches
 * when each of its parts does, each part as the evaluator judged it alone); each request found, and a sample of the
 * others, is decided again by evaluatePolicy on the whole policies, and any difference is reported.
 */
export function searchNewAccess(before: object | undefined, after: object, options: { bucket?: string; first?: boolean } = {}): SearchResult {
    const policies = [before, after].filter((source): source is object => source !== undefined).map(normalized);
    const { dimensions, neutral } = universeDimensions(policies, options.bucket);
    const beforeCount = before === undefined ? 0 : policies[0].Statement.length;
    const masks = { oldAllows: 0, oldDenies: 0, newAllows: 0, newDenies: 0 };
    policies
        .flatMap((policy) => policy.Statement)
        .forEach((statement, g) => {
            const allow = statement.Effect === "Allow";
            if (g < beforeCount) masks[allow ? "oldAllows" : "oldDenies"] |= 1 << g;
            else masks[allow ? "newAllows" : "newDenies"] |= 1 << g;
        });
    const decision = (mask: number, allows: number, denies: number) => (mask & denies ? "deny" : mask & allows ? "allow" : "none");
    const a = modelOf(after);
    const b = before === undefined ? undefined : modelOf(before);
    const size = dimensions.reduce((product, dimension) => product * dimension.values.length, 1);
    const sampled = size > SEARCH_CAP;
    const count = sampled ? SEARCH_CAP : size;
    const random = seededRandom(size % 2 ** 31);
    const checkEvery = Math.max(1, Math.floor(count / CROSS_CHECKS));
    const found = new Map<string, NewAccess>();
    const disagreements: string[] = [];
    let digits = dimensions.map(() => 0);
    for (let n = 0; n < count; n++) {
        if (sampled) digits = digitsOf(dimensions, Math.floor(random() * size));
        let widest = -1;
        let narrowest = -1;
        for (let d = 0; d < dimensions.length; d++) {
            const [w, m] = dimensions[d].masks[digits[d]];
            widest &= w;
            narrowest &= m;
        }
        const parts = {
            old: { widest: decision(widest, masks.oldAllows, masks.oldDenies), narrowest: decision(narrowest, masks.oldAllows, masks.oldDenies) },
            now: { widest: decision(widest, masks.newAllows, masks.newDenies), narrowest: decision(narrowest, masks.newAllows, masks.newDenies) },
        };
        const fresh = READING_PAIRS.some(([rb, ra]) => {
            const readings = `before ${rb}, after ${ra}`;
            return (
                (parts.now[ra] === "allow" && parts.old[rb] !== "allow" && !found.has(`allowed ${readings}`)) ||
                (parts.old[rb] === "deny" && parts.now[ra] !== "deny" && !found.has(`undenied ${readings}`))
            );
        });
        if (fresh || n % checkEvery === 0) {
            const request = requestAt(dimensions, neutral, digits);
            const whole = {
                old: { widest: b ? evaluatePolicy(b, request, "widest") : "none", narrowest: b ? evaluatePolicy(b, request, "narrowest") : "none" },
                now: { widest: evaluatePolicy(a, request, "widest"), narrowest: evaluatePolicy(a, request, "narrowest") },
            };
            if (JSON.stringify(whole) !== JSON.stringify(parts)) {
                disagreements.push(`${JSON.stringify(request)}: whole policies ${JSON.stringify(whole)}, from the parts ${JSON.stringify(parts)}`);
            }
            for (const [rb, ra] of READING_PAIRS) {
                const readings = `before ${rb}, after ${ra}`;
                if (whole.now[ra] === "allow" && whole.old[rb] !== "allow" && !found.has(`allowed ${readings}`))
                    found.set(`allowed ${readings}`, { kind: "allowed", readings, request });
                if (whole.old[rb] === "deny" && whole.now[ra] !== "deny" && !found.has(`undenied ${readings}`))
                    found.set(`undenied ${readings}`, { kind: "undenied", readings, request });
            }
            if (found.size === 6 || (options.first && found.size > 0)) break;
        }
        if (!sampled) {
            for (let d = 0; d < dimensions.length; d++) {
                if (++digits[d] < dimensions[d].values.length) break;
                digits[d] = 0;
            }
        }
    }
    return { found: [...found.values()], size, sampled, disagreements };
}

/**
 * Whether a policy reads alike under both readings: no ARN pattern with a wildcard before its resource part (in
 * Resource, NotResource or an Arn condition), and no Arn condition (whose case the readings treat apart).
 */
export function readingFree(source: object | undefined): boolean {
    if (source === undefined) return true;
    for (const statement of normalized(source).Statement) {
        for (const element of ["Resource", "NotResource"]) {
            for (const item of asList(statement[element])) {
                if (typeof item !== "string" || item === "*") continue;
                const head = item.split(":").slice(0, 5).join(":");
                if (/[*?]/.test(head) && item.split(":").length > 5) return false;
                if (item.split(":").length <= 5 && /[*?]/.test(item)) return false;
            }
        }
        if (Object.keys(conditionOf(statement) ?? {}).some((operator) => /Arn/i.test(operator))) return false;
    }
    return true;
}

/** Whether a finding's witness is what the analysis says: checked again with the evaluator. */
export function witnessHolds(before: object | undefined, after: object, kind: "allowed" | "undenied", witness: AccessRequest): boolean {
    const a = modelOf(after);
    const b = before === undefined ? undefined : modelOf(before);
    if (kind === "allowed") return evaluatePolicy(a, witness, "narrowest") === "allow" && (!b || evaluatePolicy(b, witness, "widest") !== "allow");
    return b !== undefined && evaluatePolicy(b, witness, "widest") === "deny" && evaluatePolicy(a, witness, "narrowest") !== "deny";
}
