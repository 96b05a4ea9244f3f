/**
 * Memory of another process, from /proc/<pid>/status (Linux): VmRSS is the resident set now, VmHWM its peak so far.
 */
import * as fs from "fs";

/** VmRSS and VmHWM of `pid` in MiB, or undefined when the process is gone or /proc is not there. */
export function readMemory(pid: number): { rssMiB: number; hwmMiB: number } | undefined {
    let text: string;
    try {
        text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    } catch {
        return undefined;
    }
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
    return { rssMiB: kib("VmRSS") / 1024, hwmMiB: kib("VmHWM") / 1024 };
}

/** Samples a process's memory every `intervalMs` until stopped; returns the highest VmRSS seen and the last VmHWM. */
export function sampleMemory(pid: number, intervalMs: number): { stop(): { maxRssMiB: number; hwmMiB: number; samples: number } } {
    let maxRssMiB = 0;
    let hwmMiB = 0;
    let samples = 0;
    const take = () => {
        const memory = readMemory(pid);
        if (!memory) return;
        samples++;
        maxRssMiB = Math.max(maxRssMiB, memory.rssMiB);
        hwmMiB = Math.max(hwmMiB, memory.hwmMiB);
    };
    take();
    const timer = setInterval(take, intervalMs);
    return {
        stop() {
            clearInterval(timer);
            take();
            return { maxRssMiB, hwmMiB, samples };
        },
    };
}
