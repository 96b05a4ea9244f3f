/**
 * An `up` killed mid-way, as a CI runner's time-out kills it (issue 23): SIGKILL to the CLI and everything it started
 * (the language host and the provider host run in process groups of their own, so the whole tree is stopped, then
 * killed), at a chosen moment, made deterministic by a loopback proxy that holds one chosen S3 request:
 * - before a put (create's GetBucketPolicy held), during the put (the put held, then delivered to S3 after the kill),
 *   after the put and before the checkpoint (S3's answer to the put held: S3 applied it, the engine never learns);
 * - during an update and during a delete (one request lost, another applied by S3 with its answer lost).
 * After each kill, the recovery of docs/usage.md ("Recovering an interrupted deployment"), knowing nothing of what was
 * in flight: `pulumi cancel --yes`, `pulumi refresh --yes --clear-pending-creates`, `pulumi up --yes`, as plain
 * non-interactive processes. Then every declared policy is in S3 with its meaning and this resource's Id, the state
 * holds every resource and no pending operation, and `pulumi preview --expect-no-changes` exits 0.
 * Also the pulumi-aws #5900 replays with equivalent policies: two resources on one bucket, and a create-before-delete
 * replacement on the same bucket.
 */
import * as fs from "fs";
import * as path from "path";
import { policiesEquivalent } from "../../provider/policy";
import { ownershipIdOf, withoutOwnershipId } from "../../provider/ownership";
import { bobReads, livePolicy } from "../support/localS3";
import { HoldingProxy, KillPoint, runPulumiKilledAt, startHoldingProxy } from "../support/killPoints";
import { BUCKET_POLICY_TYPE, CliRun, ScenarioStack, TEST_PROGRAM_DIR, useCliSuite } from "../support/pulumiCli";
import type { ScenarioResource } from "./program";

jest.setTimeout(300_000);

/** The test program's project name (tests/cli/program/Pulumi.yaml). */
const PROJECT = "bucket-policy-cli-tests";

interface Checkpoint {
    resources?: { urn: string; type: string; outputs?: { policy?: string } }[];
    pending_operations?: { type: string; resource: { urn: string } }[];
}

describe("the real engine: an up killed mid-way converges with cancel, refresh --clear-pending-creates and up", () => {
    const cli = useCliSuite();
    let proxy: HoldingProxy;
    beforeAll(async () => {
        proxy = await startHoldingProxy(cli.s3.endpoint);
    });
    afterAll(() => proxy?.close());

    const document = (bucket: string, sid: string, action: string | string[] = "s3:GetObject") => ({
        Version: "2012-10-17",
        Statement: [bobReads(cli.s3, bucket, { sid, action })],
    });
    const urnOf = (stack: string, name: string) => `urn:pulumi:${stack}::${PROJECT}::${BUCKET_POLICY_TYPE}::${name}`;

    /** The stack's checkpoint as the file backend holds it (readable while the stack is locked). */
    function checkpointFile(stack: string): Checkpoint {
        const file = path.join(cli.world.dir, "backend", ".pulumi", "stacks", PROJECT, `${stack}.json`);
        return (JSON.parse(fs.readFileSync(file, "utf8")) as { checkpoint: { latest: Checkpoint } }).checkpoint.latest;
    }
    /** The pending operations of a checkpoint, as `<type> <urn>`. */
    const pendingOf = (checkpoint: Checkpoint): string[] => (checkpoint.pending_operations ?? []).map((op) => `${op.type} ${op.resource.urn}`);
    const lockFiles = (stack: string): string[] => {
        const dir = path.join(cli.world.dir, "backend", ".pulumi", "locks", "organization", PROJECT, stack);
        return fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith(".json")) : [];
    };

    /** The files of a stack's checkpoint in the file backend (the checkpoint, its backup, their sidecars, temporary files). */
    const stackFiles = (stack: string): string[] => {
        const dir = path.join(cli.world.dir, "backend", ".pulumi", "stacks", PROJECT);
        return fs
            .readdirSync(dir)
            .filter((name) => name.startsWith(`${stack}.json`))
            .map((name) => path.join(dir, name));
    };

    /** Every file of the suite's backend folder with its size, for a failure message. */
    const backendFiles = (): string => {
        const root = path.join(cli.world.dir, "backend");
        const walk = (dir: string): string[] =>
            fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
                const file = path.join(dir, entry.name);
                return entry.isDirectory() ? walk(file) : [`${path.relative(root, file)} ${fs.statSync(file).size} B`];
            });
        return `backend files:\n${walk(root).join("\n")}`;
    };

    /** Whether the bucket's live policy carries `resource`'s Id and, without it, means `policy`. */
    async function liveMeans(stack: string, resource: ScenarioResource, policy: unknown): Promise<boolean> {
        const live = await livePolicy(cli.alice, resource.bucket);
        const id = ownershipIdOf(PROJECT, stack, resource.name, resource.bucket, proxy.endpoint);
        return live !== undefined && JSON.parse(live).Id === id && policiesEquivalent(withoutOwnershipId(live, id), policy as object);
    }

    async function newScenario(name: string, count: number): Promise<{ scenario: ScenarioStack; resources: ScenarioResource[] }> {
        const scenario = await cli.stack(name, proxy.endpoint);
        const made = await Promise.all(Array.from({ length: count }, (_, i) => cli.buckets.newBucket(`cli-kill-${name}-${i}`)));
        const resources = made.map((bucket, i) => ({ name: `policy-${i}`, bucket, policy: document(bucket, `Read${i}`) }));
        return { scenario, resources };
    }

    /**
     * `pulumi up --yes` of what `scenario` declares, killed (the CLI and everything it started) once the proxy holds
     * every request of `points`; then whatever a point holds is settled (delivered to S3 or dropped).
     */
    async function killedUp(stack: string, points: KillPoint[]) {
        const reached = proxy.arm(points);
        const run = await runPulumiKilledAt(cli.world, TEST_PROGRAM_DIR, ["up", "--yes", "--skip-preview", "--stack", stack], reached);
        await proxy.settle();
        if (!run.killed) throw new Error(`the kill points were not all reached; pulumi up exited ${run.code}\n${run.stdout}\n${run.stderr}`);
        expect(run.signal).toBe("SIGKILL");
        // The CLI, the language host and the provider host (at least).
        expect(run.killedPids.length).toBeGreaterThanOrEqual(3);
        return run;
    }

    /**
     * Runs a command on a stack a kill left behind. A kill can land while the file backend writes the checkpoint's
     * metadata sidecar (`<stack>.json.attrs`, gocloud fileblob's, written in place): the checkpoint is whole but its
     * sidecar is empty, and every command then fails with "failed to load checkpoint: EOF" (seen in CI on 2026-12-02
     * and twice on 2026-12-03; the backend's files showed it). Then this does what docs/usage.md tells a user (delete
     * the empty sidecar, which fileblob reads as "no attributes"), after checking that one empty sidecar is the cause,
     * and runs the command again.
     */
    async function onKilledStack(stack: string, args: string[]): Promise<CliRun> {
        const run = await cli.run(stack, args);
        if (run.code === 0 || !/failed to load checkpoint: EOF/.test(run.stderr + run.stdout)) return run;
        const emptySidecars = stackFiles(stack).filter((file) => file.endsWith(".attrs") && fs.statSync(file).size === 0);
        expect({ emptySidecars: emptySidecars.length, files: backendFiles() }).toMatchObject({ emptySidecars: 1 });
        for (const file of emptySidecars) fs.rmSync(file);
        return cli.run(stack, args);
    }

    /** The documented recovery (docs/usage.md, "Recovering an interrupted deployment"): nothing in it names a resource. */
    async function recover(stack: string): Promise<{ cancel: CliRun; refresh: CliRun; up: CliRun }> {
        const cancel = await onKilledStack(stack, ["cancel", "--yes"]);
        expect({ code: cancel.code, output: cancel.code === 0 ? "" : `${cancel.stdout}${cancel.stderr}\n${backendFiles()}` }).toEqual({ code: 0, output: "" });
        expect(cancel.stdout).toContain(`The currently running update for '${stack}' has been canceled!`);
        expect(lockFiles(stack)).toEqual([]);
        const refresh = await cli.run(stack, ["refresh", "--yes", "--clear-pending-creates", "--non-interactive"], { ok: true });
        const up = await cli.run(stack, ["up", "--yes"], { ok: true });
        return { cancel, refresh, up };
    }

    /**
     * Converged: each declared policy is in S3 with its meaning and the resource's own Id; no removed one is; the state
     * has every declared resource (and no other), with its policy, and no pending operation; the stack is unlocked;
     * and `pulumi preview --expect-no-changes` exits 0.
     */
    async function expectConverged(stack: string, declared: ScenarioResource[], removed: ScenarioResource[] = []): Promise<void> {
        for (const resource of declared) {
            const live = await livePolicy(cli.alice, resource.bucket);
            expect({ bucket: resource.bucket, live: live !== undefined }).toEqual({ bucket: resource.bucket, live: true });
            const id = ownershipIdOf(PROJECT, stack, resource.name, resource.bucket, proxy.endpoint);
            expect(JSON.parse(live as string).Id).toBe(id);
            expect(policiesEquivalent(withoutOwnershipId(live as string, id), resource.policy as object)).toBe(true);
        }
        for (const resource of removed)
            expect({ bucket: resource.bucket, live: await livePolicy(cli.alice, resource.bucket) }).toEqual({ bucket: resource.bucket });

        const exported = await cli.exportStack(stack);
        expect(pendingOf(exported.deployment)).toEqual([]);
        const inState = exported.policies;
        expect(inState.map((r) => r.urn).sort()).toEqual(declared.map((r) => urnOf(stack, r.name)).sort());
        for (const resource of declared) {
            const recorded = inState.find((r) => r.urn === urnOf(stack, resource.name))?.outputs?.policy;
            expect(policiesEquivalent(recorded as string, resource.policy as object)).toBe(true);
        }
        expect(lockFiles(stack)).toEqual([]);
        await cli.run(stack, ["preview", "--expect-no-changes", "--non-interactive"], { ok: true });
    }

    const createPoints: { point: string; stage: KillPoint["stage"]; operation: string; afterKill?: KillPoint["afterKill"]; liveAfterKill: boolean }[] = [
        { point: "before the put (create's GetBucketPolicy held, then dropped)", operation: "GetBucketPolicy", stage: "request", liveAfterKill: false },
        {
            point: "during the put (the put held, then delivered to S3 after the kill)",
            operation: "PutBucketPolicy",
            stage: "request",
            afterKill: "deliver",
            liveAfterKill: true,
        },
        { point: "after the put, before the checkpoint (S3's answer held)", operation: "PutBucketPolicy", stage: "response", liveAfterKill: true },
    ];

    it.each(createPoints.map((c, i) => [c.point, i] as const))("a create killed %s", async (_point, index) => {
        const { stage, operation, afterKill, liveAfterKill } = createPoints[index];
        const name = `create${index}`;
        const { scenario, resources } = await newScenario(name, 4);
        scenario.declare(resources);
        const target = resources[1];
        await killedUp(name, [{ bucket: target.bucket, operation, stage, afterKill }]);

        // What the kill left: the lock, the target's create pending (not a resource), S3 holding it or not as the point says.
        expect(lockFiles(name)).toHaveLength(1);
        const left = checkpointFile(name);
        expect(pendingOf(left)).toContain(`creating ${urnOf(name, target.name)}`);
        expect((left.resources ?? []).map((r) => r.urn)).not.toContain(urnOf(name, target.name));
        expect((await livePolicy(cli.alice, target.bucket)) !== undefined).toBe(liveAfterKill);

        if (index === 0) {
            // Without the recovery: the lock the killed CLI left stops the next up, and says how to remove it.
            const blocked = await onKilledStack(name, ["up", "--yes", "--non-interactive"]);
            expect(blocked.code).not.toBe(0);
            expect(blocked.stderr).toMatch(
                /error: the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`\./,
            );
        }

        const before = proxy.requests.length;
        const { up } = await recover(name);
        // The target is created again: its create reads the policy (its own write, when the put reached S3) and converges.
        expect(up.stdout).toMatch(new RegExp(`\\+ +${BUCKET_POLICY_TYPE.replace(/[/.]/g, "\\$&")} ${target.name} created`));
        expect(up.stdout + up.stderr).not.toContain("already has a bucket policy");
        // Its own earlier write is kept without a second put; a put that never reached S3 is made now.
        const calls = proxy.requests.slice(before).filter((r) => r.bucket === target.bucket);
        expect(calls.map((r) => r.operation)).toEqual(liveAfterKill ? ["GetBucketPolicy"] : ["GetBucketPolicy", "PutBucketPolicy"]);
        await expectConverged(name, resources);
    });

    it("an update killed: one put lost on the way, another applied by S3 with its answer lost", async () => {
        const name = "update";
        const { scenario, resources } = await newScenario(name, 4);
        scenario.declare(resources);
        await cli.run(name, ["up", "--yes", "--skip-preview"], { ok: true });

        const changed = resources.map((r, i) =>
            i === 1 || i === 2 ? { ...r, policy: document(r.bucket, `Read${i}`, ["s3:GetObject", "s3:GetObjectVersion"]) } : r,
        );
        scenario.declare(changed);
        await killedUp(name, [
            { bucket: changed[1].bucket, operation: "PutBucketPolicy", stage: "request" },
            { bucket: changed[2].bucket, operation: "PutBucketPolicy", stage: "response" },
        ]);
        const pending = pendingOf(checkpointFile(name));
        expect(pending).toEqual(expect.arrayContaining([`updating ${urnOf(name, "policy-1")}`, `updating ${urnOf(name, "policy-2")}`]));
        // S3: the lost put left the old policy, the other holds the new one.
        expect(await liveMeans(name, changed[1], resources[1].policy)).toBe(true);
        expect(await liveMeans(name, changed[2], changed[2].policy)).toBe(true);

        await recover(name);
        await expectConverged(name, changed);
    });

    it("a delete killed: one delete lost on the way, another applied by S3 with its answer lost", async () => {
        const name = "delete";
        const { scenario, resources } = await newScenario(name, 4);
        scenario.declare(resources);
        await cli.run(name, ["up", "--yes", "--skip-preview"], { ok: true });

        const [kept, removed] = [
            [resources[0], resources[3]],
            [resources[1], resources[2]],
        ];
        scenario.declare(kept);
        await killedUp(name, [
            { bucket: removed[0].bucket, operation: "DeleteBucketPolicy", stage: "request" },
            { bucket: removed[1].bucket, operation: "DeleteBucketPolicy", stage: "response" },
        ]);
        const pending = pendingOf(checkpointFile(name));
        expect(pending).toEqual(expect.arrayContaining([`deleting ${urnOf(name, removed[0].name)}`, `deleting ${urnOf(name, removed[1].name)}`]));
        expect(await livePolicy(cli.alice, removed[0].bucket)).toBeDefined();
        expect(await livePolicy(cli.alice, removed[1].bucket)).toBeUndefined();

        await recover(name);
        await expectConverged(name, kept, removed);

        // The recovery is safe to run when nothing was interrupted: no lock, no pending operation, nothing to do.
        const again = await recover(name);
        expect(again.up.stdout).toMatch(/Resources:\n\s+\d+ unchanged/);
        await expectConverged(name, kept, removed);
    });

    it("KNOWN GAP: a policy with an Id of its own, killed after the put: the recovery's up refuses it (no ownership Id to recognise); adoptExisting then converges", async () => {
        // The resource writes its ownership Id only into a policy without an Id, so here its own earlier write looks
        // like anyone's policy. This records the provider's behaviour as built (docs/usage.md names the step a person
        // takes); when create learns to recognise it, this test fails and the recovery above covers it too.
        const name = "ownid";
        const scenario = await cli.stack(name, proxy.endpoint);
        const bucket = await cli.buckets.newBucket("cli-kill-ownid");
        const declared = { name: "policy", bucket, policy: { ...document(bucket, "Read"), Id: "MyOwnPolicyId" } };
        scenario.declare([declared]);
        await killedUp(name, [{ bucket, operation: "PutBucketPolicy", stage: "response" }]);
        expect(JSON.parse((await livePolicy(cli.alice, bucket)) as string).Id).toBe("MyOwnPolicyId");

        const cancel = await onKilledStack(name, ["cancel", "--yes"]);
        expect({ code: cancel.code, output: cancel.code === 0 ? "" : cancel.stdout + cancel.stderr }).toEqual({ code: 0, output: "" });
        await cli.run(name, ["refresh", "--yes", "--clear-pending-creates", "--non-interactive"], { ok: true });
        const up = await cli.run(name, ["up", "--yes"]);
        expect(up.code).not.toBe(0);
        expect(up.stdout).toContain(
            `error: Bucket "${bucket}" already has a bucket policy (1 statement(s): Sids "Read"), and BucketPolicy does not overwrite a policy it did not create. ` +
                "It does not carry the Id this resource writes into a policy without one.",
        );
        // The refusal names the recovery a person needs here.
        expect(up.stdout).toContain(
            'If a deployment of this resource was interrupted after its put, see "Recovering an interrupted deployment" in docs/usage.md.',
        );
        expect(pendingOf(checkpointFile(name))).toEqual([]);

        // The person's step: the live policy is the declared one, so adopt it (no write), and the stack converges.
        scenario.declare([{ ...declared, adoptExisting: true }]);
        await cli.run(name, ["up", "--yes"], { ok: true });
        expect(JSON.parse((await livePolicy(cli.alice, bucket)) as string).Id).toBe("MyOwnPolicyId");
        await cli.run(name, ["preview", "--expect-no-changes", "--non-interactive"], { ok: true });
    });

    describe("pulumi-aws #5900 replayed with equivalent policies", () => {
        /** The same meaning as `document(bucket, sid)`, written another way. */
        const rewritten = (bucket: string, sid: string) =>
            JSON.stringify({
                Statement: {
                    Resource: `arn:aws:s3:::${bucket}/*`,
                    Action: ["S3:getobject"],
                    Principal: { AWS: [cli.s3.users.bob.principalArn] },
                    Effect: "Allow",
                    Sid: sid,
                },
                Version: "2012-10-17",
            });

        it("two resources on one bucket: the second create refuses; adopted, it takes the Id; removing the first leaves the policy", async () => {
            const name = "two";
            const scenario = await cli.stack(name, proxy.endpoint);
            const bucket = await cli.buckets.newBucket("cli-kill-two");
            const first = { name: "first", bucket, policy: document(bucket, "Read") };
            scenario.declare([first]);
            await cli.run(name, ["up", "--yes", "--skip-preview"], { ok: true });

            // An equivalent policy, and no adoptExisting: refused, and the first's policy stays as it was.
            const second = { name: "second", bucket, policy: rewritten(bucket, "Read") };
            scenario.declare([first, second]);
            const refused = await cli.run(name, ["up", "--yes", "--skip-preview", "--non-interactive"]);
            expect(refused.code).not.toBe(0);
            expect(refused.stdout + refused.stderr).toMatch(new RegExp(`Bucket "${bucket}" already has a bucket policy`));
            expect(refused.stdout + refused.stderr).toContain("It carries the Id another BucketPolicy resource writes");
            const firstId = ownershipIdOf(PROJECT, name, "first", bucket, proxy.endpoint);
            expect(JSON.parse((await livePolicy(cli.alice, bucket)) as string).Id).toBe(firstId);

            // With adoptExisting the second re-puts it with its own Id; then the first's delete leaves it in place.
            scenario.declare([first, { ...second, adoptExisting: true }]);
            await cli.run(name, ["up", "--yes", "--skip-preview"], { ok: true });
            const secondId = ownershipIdOf(PROJECT, name, "second", bucket, proxy.endpoint);
            expect(JSON.parse((await livePolicy(cli.alice, bucket)) as string).Id).toBe(secondId);
            scenario.declare([{ ...second, adoptExisting: true }]);
            const up = await cli.run(name, ["up", "--yes", "--skip-preview"], { ok: true });
            expect(up.stdout + up.stderr).toMatch(/is not the one this resource put; it was left in place/);
            const live = (await livePolicy(cli.alice, bucket)) as string;
            expect(JSON.parse(live).Id).toBe(secondId);
            expect(policiesEquivalent(withoutOwnershipId(live, secondId), second.policy)).toBe(true);
            await cli.run(name, ["preview", "--expect-no-changes", "--refresh", "--non-interactive"], { ok: true });
        });

        it("a create-before-delete replacement on the same bucket (a rename with adoptExisting) with an equivalent policy: the bucket keeps it", async () => {
            const name = "rename";
            const scenario = await cli.stack(name, proxy.endpoint);
            const bucket = await cli.buckets.newBucket("cli-kill-rename");
            scenario.declare([{ name: "old-name", bucket, policy: document(bucket, "Read") }]);
            await cli.run(name, ["up", "--yes", "--skip-preview"], { ok: true });

            const renamed = { name: "new-name", bucket, policy: rewritten(bucket, "Read"), adoptExisting: true };
            scenario.declare([renamed]);
            const up = await cli.run(name, ["up", "--yes", "--skip-preview"], { ok: true });
            // The engine created the new one first, then deleted the old one, which left the policy the new one holds.
            expect(up.stdout).toMatch(/\+ +\S+ new-name created[\s\S]*- +\S+ old-name deleted/);
            const live = await livePolicy(cli.alice, bucket);
            expect(live).toBeDefined();
            const newId = ownershipIdOf(PROJECT, name, "new-name", bucket, proxy.endpoint);
            expect(JSON.parse(live as string).Id).toBe(newId);
            expect(policiesEquivalent(withoutOwnershipId(live as string, newId), renamed.policy)).toBe(true);
            await cli.run(name, ["preview", "--expect-no-changes", "--refresh", "--non-interactive"], { ok: true });
        });
    });
});
