/** Boxes in the request space (space.ts): one bit set of cells per dimension; a box holds the product of its sets. */

export type Box = bigint[];

/** Raised when a subtraction would make more pieces than the budget allows; the analysis then answers "possible". */
export class TooManyPieces extends Error {
    constructor() {
        super("the analysis stopped at its budget (too many pieces)");
    }
}

export function isEmpty(box: Box): boolean {
    for (const cells of box) if (cells === 0n) return true;
    return false;
}

export function intersect(a: Box, b: Box): Box {
    return a.map((cells, d) => cells & b[d]);
}

/** `a` minus `b` as disjoint boxes: at most one piece per dimension. */
export function minus(a: Box, b: Box): Box[] {
    if (isEmpty(intersect(a, b))) return [a];
    const pieces: Box[] = [];
    const rest = a.slice();
    for (let d = 0; d < a.length; d++) {
        const outside = rest[d] & ~b[d];
        if (outside !== 0n) {
            const piece = rest.slice();
            piece[d] = outside;
            pieces.push(piece);
        }
        rest[d] &= b[d];
    }
    return pieces;
}

/** The boxes `from` minus every box of `take`, as disjoint pieces; stops with {@link TooManyPieces} past `maxPieces`. */
export function subtractAll(from: Box[], take: Box[], maxPieces: number, onStep: () => void = () => {}): Box[] {
    let pieces = from.filter((box) => !isEmpty(box));
    for (const box of take) {
        if (pieces.length === 0) break;
        onStep();
        const next: Box[] = [];
        for (const piece of pieces) for (const part of minus(piece, box)) next.push(part);
        if (next.length > maxPieces) throw new TooManyPieces();
        pieces = next;
    }
    return pieces;
}
