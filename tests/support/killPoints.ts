/**
 * Deterministic kill points for the CLI tier (issue 23): a loopback proxy in front of the local S3 server that holds
 * chosen requests (by bucket and operation), and a runner that SIGKILLs the CLI's whole process group once every
 * chosen request has been held, as a CI runner's time-out kills a job: the CLI, its language host and its provider
 * host, all at once, with no chance to write anything.
 *
 * A point is held at one of two stages:
 * - `request`: the request reached the proxy and is not passed on; after the kill it is dropped (`drop`: S3 never
 *   sees it) or delivered (`deliver`: S3 applies it after its client is gone, as a slow S3 may);
 * - `response`: the request went to S3 and S3 answered; the answer is held, so the client never learns of it (the put
 *   is done, the engine has not recorded it).
 * Everything else is forwarded unchanged (raw headers, Host included, so SigV4 signatures still validate).
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { listenOnLoopback, s3Operation } from "./s3proxy";
import { CliRun, CliWorld, pulumiCliRoot } from "./pulumiCli";

/** Where the CLI is stopped: when a request for `operation` on `bucket` arrives, or when S3's answer to it does. */
export interface KillPoint {
    bucket: string;
    /** `GetBucketPolicy`, `PutBucketPolicy` or `DeleteBucketPolicy` (names as {@link s3Operation} gives them). */
    operation: string;
    stage: "request" | "response";
    /** For a `request` point: what becomes of the held request once the CLI is dead (default `drop`). */
    afterKill?: "drop" | "deliver";
}

/** One request as the proxy saw it. */
export interface SeenRequest {
    operation: string;
    bucket?: string;
    /** S3's status, 0 when it never reached S3 or S3's answer was never seen. */
    status: number;
    /** The point that held it, if one did. */
    heldAt?: KillPoint["stage"];
}

/** A running holding proxy. */
export interface HoldingProxy {
    /** `http://127.0.0.1:PORT`, the endpoint the stack's resources use. */
    endpoint: string;
    requests: SeenRequest[];
    /**
     * Arms `points` (replacing any armed before): each holds the first matching request. Resolves when every point has
     * held its request.
     */
    arm(points: KillPoint[]): Promise<void>;
    /** Disarms, and settles what is held: a `deliver` request goes to S3 (resolves once S3 answered), the rest is dropped. */
    settle(): Promise<void>;
    close(): Promise<void>;
}

interface Held {
    point: KillPoint;
    /** For a `request` point: sends it to S3 (the answer goes nowhere). */
    deliver?: () => Promise<void>;
    res: http.ServerResponse;
}

function bucketOf(pathname: string): string | undefined {
    const first = pathname.replace(/^\/+/, "").split("/")[0];
    if (!first) return undefined;
    try {
        return decodeURIComponent(first);
    } catch {
        return first;
    }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

/** Starts a holding proxy on an ephemeral port of 127.0.0.1 in front of `target` (an `http://` S3 endpoint). */
export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
    const upstreamUrl = new URL(target);
    const agent = new http.Agent({ keepAlive: true });
    const requests: SeenRequest[] = [];
    let armed: { point: KillPoint; taken: boolean }[] = [];
    let held: Held[] = [];
    let onHeld: () => void = () => undefined;

    const take = (seen: SeenRequest): KillPoint | undefined => {
        const entry = armed.find((a) => !a.taken && a.point.bucket === seen.bucket && a.point.operation === seen.operation);
        if (!entry) return undefined;
        entry.taken = true;
        return entry.point;
    };
    const noteHeld = (entry: Held) => {
        held.push(entry);
        if (armed.every((a) => a.taken) && held.length >= armed.length) onHeld();
    };

    /** Sends the request to S3; resolves with S3's answer (status, raw headers, body). */
    const send = (req: http.IncomingMessage, body: Buffer) =>
        new Promise<{ status: number; statusMessage?: string; headers: string[]; body: Buffer }>((resolve, reject) => {
            const upstream = http.request(
                {
                    hostname: upstreamUrl.hostname,
                    port: upstreamUrl.port || 80,
                    method: req.method,
                    path: req.url,
                    headers: req.rawHeaders,
                    agent,
                },
                (response) => {
                    readBody(response).then(
                        (data) =>
                            resolve({ status: response.statusCode ?? 0, statusMessage: response.statusMessage, headers: response.rawHeaders, body: data }),
                        reject,
                    );
                },
            );
            upstream.on("error", reject);
            upstream.end(body);
        });

    const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
        const url = new URL(req.url ?? "/", "http://proxy.invalid");
        const query: Record<string, string> = Object.fromEntries(url.searchParams);
        const bucket = bucketOf(url.pathname);
        const rest = url.pathname.replace(/^\/+/, "").split("/").slice(1).join("/");
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
        const seen: SeenRequest = { operation: s3Operation(req.method ?? "GET", bucket, rest || undefined, query, headers), bucket, status: 0 };
        requests.push(seen);
        const body = await readBody(req);
        const point = take(seen);
        if (point?.stage === "request") {
            seen.heldAt = "request";
            const deliver = async () => {
                seen.status = (await send(req, body)).status;
            };
            noteHeld({ point, res, deliver: point.afterKill === "deliver" ? deliver : undefined });
            return;
        }
        const answer = await send(req, body);
        seen.status = answer.status;
        if (point?.stage === "response") {
            seen.heldAt = "response";
            noteHeld({ point, res });
            return;
        }
        res.writeHead(answer.status, answer.statusMessage, answer.headers);
        res.end(answer.body);
    };

    const server = http.createServer((req, res) => {
        handle(req, res).catch((error: Error) => {
            if (res.headersSent) {
                res.destroy();
                return;
            }
            res.writeHead(502, { "content-type": "text/plain" });
            res.end(`holding proxy: ${error.message}`);
        });
    });
    const { port, sockets } = await listenOnLoopback(server);

    return {
        endpoint: `http://127.0.0.1:${port}`,
        requests,
        arm(points) {
            armed = points.map((point) => ({ point, taken: false }));
            held = [];
            return new Promise<void>((resolve) => {
                onHeld = resolve;
                if (points.length === 0) resolve();
            });
        },
        async settle() {
            const settling = held;
            armed = [];
            held = [];
            onHeld = () => undefined;
            for (const entry of settling) {
                if (entry.deliver) await entry.deliver();
                entry.res.destroy();
            }
        },
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                for (const socket of sockets) socket.destroy();
                agent.destroy();
            }),
    };
}

/** Every live process, as pid → [parent pid, process group]; zombies left out (they hold nothing). */
function processTable(): Map<number, [number, number]> {
    const table = new Map<number, [number, number]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        let stat: string;
        try {
            stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
        } catch {
            continue;
        }
        // The fields after the command's closing parenthesis: state, ppid, pgrp, ...
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (fields[0] !== "Z") table.set(Number(entry), [Number(fields[1]), Number(fields[2])]);
    }
    return table;
}

/**
 * The CLI and everything it started: its process group, and every descendant of it in any group (the CLI starts
 * each plugin, the language host and the provider host, in a process group of its own).
 */
function treeOf(root: number): number[] {
    const table = processTable();
    const found = new Set<number>([...table].filter(([, [, pgid]]) => pgid === root).map(([pid]) => pid));
    if (table.has(root)) found.add(root);
    for (let grew = true; grew;) {
        grew = false;
        for (const [pid, [ppid]] of table) {
            if (!found.has(pid) && found.has(ppid)) {
                found.add(pid);
                grew = true;
            }
        }
    }
    return [...found];
}

function signal(pids: number[], name: NodeJS.Signals): void {
    for (const pid of pids) {
        try {
            process.kill(pid, name);
        } catch {
            // Gone already.
        }
    }
}

/**
 * Kills the CLI's whole tree at once, as a CI runner's time-out does: first stops every process of it (SIGSTOP,
 * again until no new one appears, so none can start another or write anything in between), then SIGKILLs them all.
 * Resolves once none is left.
 */
export async function killTree(root: number): Promise<number[]> {
    const stopped = new Set<number>();
    for (;;) {
        const fresh = treeOf(root).filter((pid) => !stopped.has(pid));
        if (fresh.length === 0) break;
        signal(fresh, "SIGSTOP");
        fresh.forEach((pid) => stopped.add(pid));
    }
    const all = [...stopped];
    signal(all, "SIGKILL");
    for (let i = 0; i < 400; i++) {
        const table = processTable();
        if (!all.some((pid) => table.has(pid))) break;
        await new Promise((r) => setTimeout(r, 25));
    }
    return all;
}

/** The outcome of {@link runPulumiKilledAt}. */
export interface KilledRun extends CliRun {
    /** True when every point was reached and the tree was killed; false when the CLI ended first. */
    killed: boolean;
    /** The processes killed (the CLI, its plugins, their children). */
    killedPids: number[];
}

/**
 * Runs `pulumi args…` in `cwd` in a process group of its own (`detached`), and when `reached` resolves (the proxy
 * holds every armed request), kills the CLI and everything it started ({@link killTree}). Resolves once the CLI has
 * ended and, after a kill, none of those processes is left.
 */
export function runPulumiKilledAt(world: CliWorld, cwd: string, args: string[], reached: Promise<void>, timeoutMs = 120_000): Promise<KilledRun> {
    return new Promise((resolve, reject) => {
        const child: ChildProcess = spawn(path.join(pulumiCliRoot(), "bin", "pulumi"), args, {
            cwd,
            env: { ...process.env, ...world.envVars },
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        });
        const root = child.pid as number;
        let stdout = "";
        let stderr = "";
        let closed = false;
        let reachedAll = false;
        let killing: Promise<number[]> | undefined;
        child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        const timer = setTimeout(() => {
            stderr += `\n[killPoints] the kill points were not all reached within ${timeoutMs} ms; killing the CLI\n`;
            killing ??= killTree(root);
        }, timeoutMs);
        void reached.then(() => {
            if (closed) return;
            reachedAll = true;
            killing ??= killTree(root);
        });
        child.on("close", async (code, signalName) => {
            closed = true;
            clearTimeout(timer);
            const killedPids = killing ? await killing : [];
            resolve({ code, signal: signalName, stdout, stderr, killed: reachedAll, killedPids });
        });
    });
}
