/**
 * The ordered values condition operators compare: exact decimals (`Numeric…`), instants (`Date…`) and IP addresses
 * (`IpAddress`), each read into a number line on which a policy's constants cut exact cells.
 */
import { isIPv4, isIPv6 } from "node:net";
import { exactDecimal } from "../policy/rules";

/** An exact decimal as an integer count of 10^-scale. */
export interface Decimal {
    units: bigint;
    scale: number;
}

/** A decimal's text read exactly (`1.0` = `1`, `1e2` = `100`); `undefined` for text that is not a JSON number. */
export function readDecimal(text: string): Decimal | undefined {
    const exact = exactDecimal(text.trim());
    if (exact === undefined) return undefined;
    const dot = exact.indexOf(".");
    if (dot < 0) return { units: BigInt(exact), scale: 0 };
    return { units: BigInt(exact.slice(0, dot) + exact.slice(dot + 1)), scale: exact.length - dot - 1 };
}

/** A decimal as text, e.g. `{units: 125n, scale: 1}` is `12.5`. */
export function decimalText(units: bigint, scale: number): string {
    if (scale === 0) return units.toString();
    const negative = units < 0n;
    const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
    const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, "");
    return (negative && text !== "0" ? "-" : "") + text;
}

/** An instant in milliseconds from an ISO 8601 date or an integer count of epoch seconds; `undefined` otherwise. */
export function readInstant(text: string): number | undefined {
    if (/^-?\d+$/.test(text)) return Number(text) * 1000;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
}

/** An IP range: its family and first and last address as integers. */
export interface IpRange {
    v6: boolean;
    first: bigint;
    last: bigint;
}

/** A CIDR range or a single address, v4 or v6 (host bits below the prefix are ignored); `undefined` otherwise. */
export function readIpRange(text: string): IpRange | undefined {
    const slash = text.indexOf("/");
    const address = slash < 0 ? text : text.slice(0, slash);
    const v6 = isIPv6(address);
    if (!v6 && !isIPv4(address)) return undefined;
    const bits = v6 ? 128 : 32;
    const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
    const value = v6 ? v6Value(address) : v4Value(address);
    const hostBits = BigInt(bits - Number(prefixText));
    const first = (value >> hostBits) << hostBits;
    return { v6, first, last: first + (1n << hostBits) - 1n };
}

function v4Value(address: string): bigint {
    return address.split(".").reduce((value, part) => (value << 8n) + BigInt(Number(part)), 0n);
}

/** A v6 address (already checked by `isIPv6`) as a 128-bit integer: `::` expanded, an embedded v4 tail read. */
function v6Value(address: string): bigint {
    let text = address.split("%")[0];
    const lastColon = text.lastIndexOf(":");
    if (text.includes(".", lastColon)) {
        const v4 = v4Value(text.slice(lastColon + 1));
        text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
    const headGroups = head ? head.split(":") : [];
    const tailGroups = tail === undefined ? [] : tail ? tail.split(":") : [];
    const groups = tail === undefined ? headGroups : [...headGroups, ...new Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
    return groups.reduce((value, group) => (value << 16n) + BigInt(parseInt(group, 16)), 0n);
}

/** An address as text: dotted v4, or eight hexadecimal groups for v6. */
export function ipText(v6: boolean, value: bigint): string {
    if (!v6) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
    const groups: string[] = [];
    for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
    return groups.join(":");
}
