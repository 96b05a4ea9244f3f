/**
 * String languages of IAM patterns, and the exact cells they cut a string dimension into. A dimension's patterns (every
 * action pattern of both policies, every resource pattern, every value of one condition key) are run together as one
 * automaton: each reachable state says which patterns accept the word that reached it, and the distinct answers are
 * exactly the non-empty regions of the patterns' Venn diagram, each with the shortest word that lands in it. Words are
 * spelled over the characters the patterns name, plus one character none of them names (all such characters are
 * interchangeable), plus `:` where a reading treats it apart.
 */

/** One position of a pattern: a literal character (with its other case when the match ignores case), or a wildcard. */
type Token = { kind: "literal"; chars: string } | { kind: "star"; crossesColon: boolean } | { kind: "one"; crossesColon: boolean };

/** A pattern as an automaton: its tokens, and its text for messages. */
export interface Pattern {
    readonly text: string;
    readonly tokens: readonly Token[];
}

/** How a pattern's text is read. */
export interface PatternReading {
    /** `*` and `?` are wildcards (StringLike, Arn*, Action, Resource), not literal characters (StringEquals). */
    wildcards: boolean;
    ignoreCase: boolean;
    /** A wildcard before the 5th `:` (outside an ARN's resource part) matches no `:` (the strict ARN reading). */
    segmentWildcards: boolean;
}

/** The pattern a text means under a reading. A lone `*` matches every string under every reading. */
export function patternOf(text: string, reading: PatternReading): Pattern {
    const tokens: Token[] = [];
    let colons = 0;
    for (const char of text) {
        const crossesColon = !reading.segmentWildcards || colons >= 5 || text === "*";
        if (reading.wildcards && char === "*") {
            if (
                tokens.length === 0 ||
                tokens[tokens.length - 1].kind !== "star" ||
                (tokens[tokens.length - 1] as { crossesColon: boolean }).crossesColon !== crossesColon
            )
                tokens.push({ kind: "star", crossesColon });
        } else if (reading.wildcards && char === "?") {
            tokens.push({ kind: "one", crossesColon });
        } else {
            const other = reading.ignoreCase ? otherCase(char) : char;
            tokens.push({ kind: "literal", chars: other === char ? char : char + other });
        }
        if (char === ":") colons++;
    }
    return { text, tokens };
}

/** The other case of an ASCII letter (AWS folds ASCII only); the character itself otherwise. */
function otherCase(char: string): string {
    const lower = char.toLowerCase();
    if (char.length !== 1 || char.charCodeAt(0) > 127) return char;
    return lower === char ? char.toUpperCase() : lower;
}

/** Whether two patterns are the same automaton (a text whose two readings agree needs one). */
export function samePattern(a: Pattern, b: Pattern): boolean {
    if (a.tokens.length !== b.tokens.length) return false;
    for (let i = 0; i < a.tokens.length; i++) {
        const x = a.tokens[i];
        const y = b.tokens[i];
        if (x.kind !== y.kind) return false;
        if (x.kind === "literal" ? x.chars !== (y as { chars: string }).chars : x.crossesColon !== (y as { crossesColon: boolean }).crossesColon) return false;
    }
    return true;
}

/** The NFA positions reachable from `positions` through `*` tokens (which also match nothing). */
function closure(tokens: readonly Token[], positions: number[]): number[] {
    const seen = new Set(positions);
    const out: number[] = [];
    const stack = [...positions];
    while (stack.length) {
        const position = stack.pop() as number;
        out.push(position);
        if (position < tokens.length && tokens[position].kind === "star" && !seen.has(position + 1)) {
            seen.add(position + 1);
            stack.push(position + 1);
        }
    }
    return out.sort((x, y) => x - y);
}

function step(tokens: readonly Token[], positions: number[], char: string): number[] {
    const next: number[] = [];
    for (const position of positions) {
        if (position === tokens.length) continue;
        const token = tokens[position];
        if (token.kind === "literal") {
            if (token.chars.includes(char)) next.push(position + 1);
        } else if (token.crossesColon || char !== ":") {
            next.push(token.kind === "star" ? position : position + 1);
        }
    }
    return next.length ? closure(tokens, [...new Set(next)]) : next;
}

/** Whether a pattern matches all of `word`. */
export function patternMatches(pattern: Pattern, word: string): boolean {
    let positions = closure(pattern.tokens, [0]);
    for (const char of word) {
        positions = step(pattern.tokens, positions, char);
        if (!positions.length) return false;
    }
    return positions.includes(pattern.tokens.length);
}

/** Raised when cutting cells would pass its budget; the analysis then answers "possible". */
export class BudgetExceeded extends Error {
    constructor(readonly what: string) {
        super(`the analysis stopped at its budget (${what})`);
    }
}

/** The cells of one string dimension: each with a word in it and the patterns that accept its words. */
export interface StringCells {
    /** A shortest word of each cell. */
    words: string[];
    /** For each pattern (in the order given), the cells whose words it accepts, as a bit set. */
    accepted: bigint[];
}

/** Characters a witness may use for "a character no pattern names", most readable first. */
const FILLERS = "xyzqjkwvxabcdefghilmnoprstu0123456789-_.";

/**
 * Cuts the strings into the cells of `patterns` (see the module comment). Exact: two strings are in one cell iff
 * every pattern treats them alike, and every cell is non-empty. `budget` is the most automaton states it may visit.
 */
export function stringCells(patterns: readonly Pattern[], budget: { states: number }): StringCells {
    const named = new Set<string>();
    let colonApart = false;
    for (const pattern of patterns) {
        for (const token of pattern.tokens) {
            if (token.kind === "literal") for (const char of token.chars) named.add(char);
            else if (!token.crossesColon) colonApart = true;
        }
    }
    if (colonApart) named.add(":");
    let filler = [...FILLERS].find((char) => !named.has(char));
    for (let code = 0xe0; filler === undefined; code++) if (!named.has(String.fromCharCode(code))) filler = String.fromCharCode(code);
    const alphabet = [...named].sort();
    alphabet.unshift(filler);

    const start = patterns.map((pattern) => closure(pattern.tokens, [0]));
    const keyOf = (state: number[][]) => state.map((positions) => positions.join(".")).join("|");
    const signatureOf = (state: number[][]) => {
        let signature = "";
        for (let i = 0; i < patterns.length; i++) signature += state[i].includes(patterns[i].tokens.length) ? "1" : "0";
        return signature;
    };
    const parents = new Map<string, { parent: string | undefined; char: string }>();
    const queue: Array<{ key: string; state: number[][] }> = [{ key: keyOf(start), state: start }];
    parents.set(queue[0].key, { parent: undefined, char: "" });
    const firstOfSignature = new Map<string, string>();
    for (let head = 0; head < queue.length; head++) {
        const { key, state } = queue[head];
        const signature = signatureOf(state);
        if (!firstOfSignature.has(signature)) firstOfSignature.set(signature, key);
        if (state.every((positions) => positions.length === 0)) continue;
        for (const char of alphabet) {
            const next = state.map((positions, i) => (positions.length ? step(patterns[i].tokens, positions, char) : positions));
            const nextKey = keyOf(next);
            if (parents.has(nextKey)) continue;
            if (--budget.states < 0) throw new BudgetExceeded("too many automaton states for the patterns of one dimension");
            parents.set(nextKey, { parent: key, char });
            queue.push({ key: nextKey, state: next });
        }
    }
    const words: string[] = [];
    const accepted = patterns.map(() => 0n);
    for (const [signature, key] of firstOfSignature) {
        const cell = BigInt(words.length);
        const chars: string[] = [];
        for (let at: string | undefined = key; at !== undefined;) {
            const entry = parents.get(at) as { parent: string | undefined; char: string };
            if (entry.parent !== undefined) chars.push(entry.char);
            at = entry.parent;
        }
        words.push(chars.reverse().join(""));
        for (let i = 0; i < patterns.length; i++) if (signature[i] === "1") accepted[i] |= 1n << cell;
    }
    return { words, accepted };
}
