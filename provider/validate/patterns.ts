/** IAM's wildcard patterns, matched without building a regular expression per pattern. */

/**
 * True when an IAM pattern (`*` any run of characters, `?` one character) matches all of `value`. Each `*` is tried
 * at one place at a time, restarting after the last `*` on a mismatch: linear for the patterns policies hold.
 */
export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
    if (ignoreCase) {
        pattern = pattern.toLowerCase();
        value = value.toLowerCase();
    }
    let p = 0;
    let v = 0;
    let star = -1;
    let resume = 0;
    while (v < value.length) {
        const c = pattern.charCodeAt(p);
        if (p < pattern.length && (c === 63 || c === value.charCodeAt(v))) {
            p++;
            v++;
        } else if (p < pattern.length && c === 42) {
            star = p++;
            resume = v;
        } else if (star >= 0) {
            p = star + 1;
            v = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
    return p === pattern.length;
}
