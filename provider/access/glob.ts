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
    /** The tokens as one string: two patterns with one key are the same automaton. */
    readonly key: string;
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
    let key = "";
    for (const token of tokens)
        key += token.kind === "literal" ? token.chars + "\u0000" : (token.kind === "star" ? "*" : "?") + (token.crossesColon ? "1" : "0") + "\u0000";
    return { text, tokens, key };
}

/** The other case of an ASCII letter (AWS folds ASCII only); the character itself otherwise. */
function otherCase(char: string): string {
    const lower = char.toLowerCase();
    if (char.length !== 1 || char.charCodeAt(0) > 127) return char;
    return lower === char ? char.toUpperCase() : lower;
}

/** Whether two patterns are the same automaton (a text whose two readings agree needs one). */
export function samePattern(a: Pattern, b: Pattern): boolean {
    return a.key === b.key;
}

/**
 * A pattern's automaton, made deterministic as it is explored: each set of NFA positions (token positions) it reaches
 * gets a small number, and each move is worked out once. State 0 is the empty set (dead).
 */
class Automaton {
    readonly start: number;
    /** Whether each state accepts (holds the position past the last token). */
    readonly accepts: boolean[] = [false];
    private readonly sets: number[][] = [[]];
    private readonly ids = new Map<string, number>([["", 0]]);
    private readonly moves: Array<Map<string, number>> = [new Map()];
    private readonly named: Array<{ chars: string; colonApart: boolean } | undefined> = [{ chars: "", colonApart: false }];

    constructor(private readonly tokens: readonly Token[]) {
        this.start = this.stateOf([0]);
    }

    /** The state of a set of positions, closed under `*` tokens (which also match nothing). */
    private stateOf(positions: number[]): number {
        const closed = new Set<number>();
        for (let position of positions) {
            closed.add(position);
            while (position < this.tokens.length && this.tokens[position].kind === "star") closed.add(++position);
        }
        const sorted = [...closed].sort((a, b) => a - b);
        const key = sorted.join(",");
        let id = this.ids.get(key);
        if (id === undefined) {
            id = this.sets.push(sorted) - 1;
            this.ids.set(key, id);
            this.moves.push(new Map());
            this.named.push(undefined);
            this.accepts.push(closed.has(this.tokens.length));
        }
        return id;
    }

    step(state: number, char: string): number {
        const moves = this.moves[state];
        let next = moves.get(char);
        if (next === undefined) {
            const positions: number[] = [];
            for (const position of this.sets[state]) {
                if (position === this.tokens.length) continue;
                const token = this.tokens[position];
                if (token.kind === "literal") {
                    if (token.chars.includes(char)) positions.push(position + 1);
                } else if (token.crossesColon || char !== ":") {
                    positions.push(token.kind === "star" ? position : position + 1);
                }
            }
            next = positions.length ? this.stateOf(positions) : 0;
            moves.set(char, next);
        }
        return next;
    }

    /** The characters some position of a state treats apart from the rest: its literals, and `:` for a segment wildcard. */
    namedAt(state: number): { chars: string; colonApart: boolean } {
        let named = this.named[state];
        if (!named) {
            let chars = "";
            let colonApart = false;
            for (const position of this.sets[state]) {
                if (position === this.tokens.length) continue;
                const token = this.tokens[position];
                if (token.kind === "literal") chars += token.chars;
                else if (!token.crossesColon) colonApart = true;
            }
            this.named[state] = named = { chars, colonApart };
        }
        return named;
    }
}

const automata = new WeakMap<Pattern, Automaton>();

function automatonOf(pattern: Pattern): Automaton {
    let automaton = automata.get(pattern);
    if (!automaton) automata.set(pattern, (automaton = new Automaton(pattern.tokens)));
    return automaton;
}

/** Whether a pattern matches all of `word`. */
export function patternMatches(pattern: Pattern, word: string): boolean {
    const automaton = automatonOf(pattern);
    let state = automaton.start;
    for (const char of word) {
        state = automaton.step(state, char);
        if (state === 0) return false;
    }
    return automaton.accepts[state];
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
    /** The cell of each signature (which patterns accept: "1" or "0" per pattern). */
    cellOfSignature: Map<string, number>;
}

/** Which of `patterns` accept `word`, as a signature of {@link StringCells.cellOfSignature}. */
export function signatureOfWord(patterns: readonly Pattern[], word: string): string {
    let signature = "";
    for (const pattern of patterns) signature += patternMatches(pattern, word) ? "1" : "0";
    return signature;
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

    const machines = patterns.map(automatonOf);
    // A state: the positions of every pattern still alive (dead ones are 0n and stay so).
    const keyOf = (state: number[]) => {
        let key = "";
        for (let i = 0; i < state.length; i++) if (state[i] !== 0) key += i + "." + state[i] + ",";
        return key;
    };
    const signatureOf = (state: number[]) => {
        let signature = "";
        for (let i = 0; i < state.length; i++) signature += machines[i].accepts[state[i]] ? "1" : "0";
        return signature;
    };
    /** Characters no live position names lead where the filler does: one of them is enough. */
    const charsFrom = (state: number[]) => {
        const chars = new Set<string>([filler as string]);
        for (let i = 0; i < state.length; i++) {
            if (state[i] === 0) continue;
            const named = machines[i].namedAt(state[i]);
            for (const char of named.chars) chars.add(char);
            if (named.colonApart) chars.add(":");
        }
        return [...chars].sort((a, b) => (a === filler ? -1 : b === filler ? 1 : a < b ? -1 : a > b ? 1 : 0));
    };
    const start = machines.map((machine) => machine.start);
    const parents = new Map<string, { parent: string | undefined; char: string }>();
    const queue: Array<{ key: string; state: number[] }> = [{ key: keyOf(start), state: start }];
    parents.set(queue[0].key, { parent: undefined, char: "" });
    const firstOfSignature = new Map<string, string>();
    for (let head = 0; head < queue.length; head++) {
        const { key, state } = queue[head];
        const signature = signatureOf(state);
        if (!firstOfSignature.has(signature)) firstOfSignature.set(signature, key);
        if (key === "") continue;
        for (const char of charsFrom(state)) {
            const next = state.map((at, i) => (at === 0 ? 0 : machines[i].step(at, char)));
            const nextKey = keyOf(next);
            if (parents.has(nextKey)) continue;
            if (--budget.states < 0) throw new BudgetExceeded("too many automaton states for the patterns of one dimension");
            parents.set(nextKey, { parent: key, char });
            queue.push({ key: nextKey, state: next });
        }
    }
    const words: string[] = [];
    const accepted = patterns.map(() => 0n);
    const cellOfSignature = new Map<string, number>();
    for (const [signature, key] of firstOfSignature) {
        cellOfSignature.set(signature, words.length);
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
    return { words, accepted, cellOfSignature };
}
