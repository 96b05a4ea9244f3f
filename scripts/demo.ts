/**
 * The main job: this repository's Pulumi program (index.ts, Pulumi.yaml) through its whole lifecycle with the real
 * `pulumi` CLI against a local Ceph RadosGW, printing the CLI's own output, as a user reads it:
 *
 *   login (file backend, passphrase secrets) → stack init, config set → preview --diff → up → a reformatted,
 *   reordered equal policy (preview --expect-no-changes) → a real change (preview --diff, up) → an out-of-band change
 *   (refresh finds it, up repairs it) → a public statement (preview refuses it, allowPublicAccess applies it) → no
 *   credentials in the state (stack export) → destroy
 *
 * Then a short part, PYTHON_PART: a Python program (scripts/demo-python) declares a policy through the provider plugin
 * (provider/plugin) and the SDK generated from its schema, on its own stack and bucket: venv and SDK → up → the same
 * policy written another way (preview --expect-no-changes) → destroy.
 *
 * Between the steps: the bucket-policy calls S3 saw (through a recording proxy), and proof that S3 enforces the
 * policy: a request it allows gets 200, one it denies gets 403. Any step that does not behave fails the demo.
 * The lifecycle is LIFECYCLE below, one entry a step. Run by scripts/demo.sh, which puts the CLI
 * (scripts/pulumi-cli/ensure.sh) on PATH.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { LocalS3Env, startLocalS3, stopLocalS3, s3ClientFor } from "../tests/support/localS3";
import { startS3Proxy, S3Proxy } from "../tests/support/s3proxy";
import { banner, bucketPolicyCalls, expectOutput, Pulumi, pulumiRunner, runScript, tryRequest } from "./demo-support";

const repoDir = path.resolve(__dirname, "..");
const STACK = "demo";
/** The Python part's program and stack (in the same file backend, under the program's own project name). */
const PYTHON_DIR = path.join(repoDir, "scripts", "demo-python");
const PYTHON_STACK = "demo";

/** What the steps work on: the CLI, the server behind the recording proxy, its two users, the bucket and its policies. */
interface Demo {
    work: string;
    server: LocalS3Env;
    proxy: S3Proxy;
    alice: S3Client;
    bob: S3Client;
    bucket: string;
    policyFile: string;
    policies: Policies;
    pulumi: Pulumi;
    /** Set by the Python part's first step. */
    python?: PythonProgram;
}

/** The Python part's program once its venv and SDK are ready: the CLI run in it with the venv activated, its bucket. */
interface PythonProgram {
    pulumi: Pulumi;
    bucket: string;
    policies: PythonPolicies;
}

/** One thing a step does: runs a command or a request, prints, and fails the demo when what it sees is not expected. */
type Action = (demo: Demo) => Promise<void>;

interface Step {
    /** Printed as the step's banner. */
    title: string;
    actions: Action[];
}

const NOT_ENFORCED = "the policy is not enforced as declared";
/** The account the stacks expect to own their buckets: sent as x-amz-expected-bucket-owner with every call. */
const EXPECTED_OWNER = "111122223333";

const LIFECYCLE: Step[] = [
    {
        title: "Log in to a file backend; a stack with its configuration",
        actions: [
            writePolicy("v1"),
            logInToAFileBackend,
            pulumi(["stack", "init", STACK, "--secrets-provider", "passphrase"]),
            configSet((demo) => ({
                bucket: demo.bucket,
                policyFile: demo.policyFile,
                endpoint: demo.proxy.endpoint,
                forcePathStyle: "true",
                expectedBucketOwner: EXPECTED_OWNER,
                "aws:region": demo.server.region,
            })),
            say("note: RadosGW ignores x-amz-expected-bucket-owner; AWS would refuse a bucket owned by another account with 403."),
        ],
    },
    {
        title: "pulumi preview --diff",
        actions: [pulumi(["preview", "--diff"], { shows: { "the stack and its policy to create": /\+ 2 to create/ } }), showS3Calls],
    },
    {
        title: "pulumi up",
        actions: [
            pulumi(["up", "--yes", "--skip-preview"], { shows: { "the stack and its policy created": /\+ 2 created/ } }),
            showS3Calls,
            say("Is the policy enforced?"),
            s3Answers(
                bob("GET public/hello.txt  (allowed)", getObject("public/hello.txt"), { status: 200, otherwise: NOT_ENFORCED }),
                bob("GET private/secret.txt (denied) ", getObject("private/secret.txt"), { status: 403, otherwise: NOT_ENFORCED }),
            ),
        ],
    },
    {
        title: "A reformatted, reordered, equal policy: pulumi preview --expect-no-changes",
        actions: [writePolicy("v1ReformattedAndReordered"), pulumi(["preview", "--expect-no-changes"]), showS3Calls],
    },
    {
        title: "A real change (bob may also list public/ and read versions): pulumi preview --diff, then up",
        actions: [
            writePolicy("v2"),
            pulumi(["preview", "--diff"], { shows: { "one resource to update": /~ 1 to update/, "the added statement": /AllowBobListPublic/ } }),
            pulumi(["preview", "--expect-no-changes"], { fails: true }),
            pulumi(["up", "--yes", "--skip-preview"], { shows: { "one resource updated": /~ 1 updated/ } }),
            showS3Calls,
            s3Answers(bob("LIST prefix public/ (now allowed)", listObjects("public/"))),
        ],
    },
    {
        title: "An out-of-band change (someone removes the Deny in the console): pulumi refresh, then up",
        actions: [
            alicePutsBehindPulumi("v2WithoutTheDeny"),
            pulumi(["refresh", "--yes", "--skip-preview", "--diff"], { shows: { "the drift recorded by refresh": /~ 1 updated/ } }),
            showS3Calls,
            pulumi(["up", "--yes", "--skip-preview", "--diff"], { shows: { "the repair": /~ 1 updated/ } }),
            showS3Calls,
            s3Answers(bob("GET private/secret.txt (denied again)", getObject("private/secret.txt"))),
        ],
    },
    {
        title: "A statement that opens public/ to everyone: preview refuses it, allowPublicAccess applies it",
        actions: [
            writePolicy("v3"),
            pulumi(["preview"], {
                fails: true,
                shows: {
                    "the public statement named": /grants public access as S3 defines it .*Statement\[3\] \(Sid "PublicReadPublic"\): Principal "\*"/,
                    "the opt-in named": /allowPublicAccess: true/,
                },
            }),
            showS3Calls,
            configSet(() => ({ allowPublicAccess: "true" })),
            pulumi(["up", "--yes", "--skip-preview"], {
                shows: {
                    "the public policy still reported": /warning: bucket [^:]+: the policy is public \(Statement\[3\] \(Sid "PublicReadPublic"\)/,
                    "one resource updated": /~ 1 updated/,
                },
            }),
            showS3Calls,
            stackOutputPublicAccessStartsWith('public: Statement[3] (Sid "PublicReadPublic")'),
        ],
    },
    {
        title: "The state: no credentials in it",
        actions: [stackExportHasNoCredentials],
    },
    {
        title: "pulumi destroy",
        actions: [
            pulumi(["destroy", "--yes", "--skip-preview"], { shows: { "the policy and the stack deleted": /- 2 deleted/ } }),
            showS3Calls,
            s3Answers(
                bob("GET public/hello.txt (no policy: denied)", getObject("public/hello.txt"), {
                    status: 403,
                    otherwise: "the policy is still in effect after destroy",
                }),
            ),
            pulumi(["stack", "rm", STACK, "--yes"]),
        ],
    },
];

/** A Python program through the provider plugin: the policy set as stack config, and the same policy written another way. */
const PYTHON_PART: Step[] = [
    {
        title: "A Python program through the provider plugin (scripts/demo-python): venv, SDK, stack",
        actions: [
            prepareThePythonProgram,
            pulumi(["stack", "init", PYTHON_STACK, "--secrets-provider", "passphrase"], {}, onPython),
            configSet(
                (demo) => ({
                    bucket: python(demo).bucket,
                    owner: EXPECTED_OWNER,
                    "s3-bucket-policy:endpoint": demo.proxy.endpoint,
                    policy: python(demo).policies.compact,
                }),
                onPython,
            ),
        ],
    },
    {
        title: "Python: pulumi up",
        actions: [
            pulumi(["up", "--yes", "--skip-preview"], { shows: { "the stack and its policy created": /\+ 2 created/ } }, onPython),
            showS3Calls,
            s3Answers({
                label: "bob GET public/hello.txt in the Python program's bucket (allowed)",
                send: (demo) => getObject("public/hello.txt")(demo.bob, python(demo).bucket),
                expect: { status: 200, otherwise: NOT_ENFORCED },
            }),
        ],
    },
    {
        title: "Python: the same policy written another way: pulumi preview --expect-no-changes",
        actions: [
            say("keys reordered, the action as S3:GETOBJECT, the resource and the principal as lists, indented"),
            configSet((demo) => ({ policy: python(demo).policies.rewritten }), onPython),
            pulumi(["preview", "--expect-no-changes"], { shows: { "no change": /2 unchanged/ } }, onPython),
            showS3Calls,
        ],
    },
    {
        title: "Python: pulumi destroy",
        actions: [
            pulumi(["destroy", "--yes", "--skip-preview"], { shows: { "the policy and the stack deleted": /- 2 deleted/ } }, onPython),
            showS3Calls,
            pulumi(["stack", "rm", PYTHON_STACK, "--yes"], {}, onPython),
        ],
    },
];

/** The policy texts the steps write to the policy file or put behind Pulumi's back, for the demo's bucket and bob. */
function policyTexts(bucket: string, bobArn: string) {
    const v1 = {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AllowBobReadPublic", Effect: "Allow", Principal: { AWS: bobArn }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/public/*` },
            {
                Sid: "DenyBobPrivate",
                Effect: "Deny",
                Principal: { AWS: [bobArn] },
                Action: ["s3:GetObject"],
                Resource: [`arn:aws:s3:::${bucket}/private/*`],
            },
        ],
    };
    const v1ReformattedAndReordered = {
        Statement: [
            { Resource: `arn:aws:s3:::${bucket}/private/*`, Action: "S3:getobject", Principal: { AWS: bobArn }, Effect: "Deny", Sid: "DenyBobPrivate" },
            {
                Effect: "Allow",
                Sid: "AllowBobReadPublic",
                Action: ["s3:GetObject", "s3:GetObject"],
                Resource: [`arn:aws:s3:::${bucket}/public/*`],
                Principal: { AWS: [bobArn] },
            },
        ],
        Version: "2012-10-17",
    };
    const v2 = {
        ...v1,
        Statement: [
            { ...v1.Statement[0], Action: ["s3:GetObject", "s3:GetObjectVersion"] },
            v1.Statement[1],
            {
                Sid: "AllowBobListPublic",
                Effect: "Allow",
                Principal: { AWS: bobArn },
                Action: "s3:ListBucket",
                Resource: `arn:aws:s3:::${bucket}`,
                Condition: { StringLike: { "s3:prefix": "public/*" } },
            },
        ],
    };
    const v3 = {
        ...v2,
        Statement: [
            ...v2.Statement,
            { Sid: "PublicReadPublic", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/public/*` },
        ],
    };
    const indented = (policy: object) => JSON.stringify(policy, null, 2);
    return {
        v1: indented(v1),
        v1ReformattedAndReordered: JSON.stringify(v1ReformattedAndReordered),
        v2: indented(v2),
        v2WithoutTheDeny: JSON.stringify({ ...v2, Statement: [v2.Statement[0], v2.Statement[2]] }),
        v3: indented(v3),
    };
}

type Policies = ReturnType<typeof policyTexts>;

/** The Python program's policy as a user would type it, and the same policy written another way. */
function pythonPolicyTexts(bucket: string, bobArn: string) {
    const compact = {
        Version: "2012-10-17",
        Statement: [
            { Sid: "BobReadsPublic", Effect: "Allow", Principal: { AWS: bobArn }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/public/*` },
        ],
    };
    const rewritten = {
        Statement: [
            { Resource: [`arn:aws:s3:::${bucket}/public/*`], Action: "S3:GETOBJECT", Principal: { AWS: [bobArn] }, Effect: "Allow", Sid: "BobReadsPublic" },
        ],
        Version: "2012-10-17",
    };
    return { compact: JSON.stringify(compact), rewritten: JSON.stringify(rewritten, null, 2) };
}

type PythonPolicies = ReturnType<typeof pythonPolicyTexts>;

/** The Python part's program; fails when its first step has not prepared it. */
function python(demo: Demo): PythonProgram {
    if (!demo.python) throw new Error("demo: the Python program is not prepared");
    return demo.python;
}

/** The CLI a step runs: the main program's (the default), or the Python program's. */
type Cli = (demo: Demo) => Pulumi;

function onMain(demo: Demo): Pulumi {
    return demo.pulumi;
}

function onPython(demo: Demo): Pulumi {
    return python(demo).pulumi;
}

/**
 * Makes the Python program runnable as a user does: the venv with `pulumi` from PyPI (scripts/pulumi-cli/python-venv.sh,
 * built once), then the SDK generated from provider/plugin/schema.json and pip-installed into it
 * (scripts/package-add.sh; sdks/ is removed once installed). Then its bucket, and its CLI: the venv activated, as the
 * Python language host runs `python` from PATH.
 */
async function prepareThePythonProgram(demo: Demo): Promise<void> {
    console.log("  the venv (scripts/pulumi-cli/python-venv.sh: pulumi from PyPI, built on the first run only)");
    const venv = await runScript(repoDir, ["scripts/pulumi-cli/python-venv.sh"]);
    console.log(`  venv ${path.relative(repoDir, venv)}`);
    console.log("  the SDK (scripts/package-add.sh scripts/demo-python python: generated from provider/plugin/schema.json)");
    try {
        await runScript(repoDir, ["scripts/package-add.sh", PYTHON_DIR, "python"], { VIRTUAL_ENV: venv });
    } finally {
        fs.rmSync(path.join(PYTHON_DIR, "sdks"), { recursive: true, force: true });
    }
    const bucket = await createBucketWithTwoObjects(demo.alice);
    const env = { ...cliEnvironment(demo.work, demo.server), VIRTUAL_ENV: venv, PATH: `${path.join(venv, "bin")}${path.delimiter}${process.env.PATH ?? ""}` };
    demo.python = { pulumi: pulumiRunner(PYTHON_DIR, env), bucket, policies: pythonPolicyTexts(bucket, demo.server.users.bob.principalArn) };
}

/** `pulumi args…`, failing the demo unless it exits as expected (`fails`) and its output shows each expected thing. */
function pulumi(args: string[], expected: { fails?: boolean; shows?: Record<string, RegExp> } = {}, cli: Cli = onMain): Action {
    return async (demo) => {
        const { output } = await cli(demo)(args, { expectFailure: expected.fails });
        for (const [what, pattern] of Object.entries(expected.shows ?? {})) expectOutput(output, pattern, what);
    };
}

/** `pulumi config set key value` for each entry, in order. */
function configSet(values: (demo: Demo) => Record<string, string>, cli: Cli = onMain): Action {
    return async (demo) => {
        for (const [key, value] of Object.entries(values(demo))) await cli(demo)(["config", "set", key, value]);
    };
}

async function logInToAFileBackend(demo: Demo): Promise<void> {
    const backend = path.join(demo.work, "backend");
    fs.mkdirSync(backend);
    await demo.pulumi(["login", `file://${backend}`]);
}

function writePolicy(name: keyof Policies): Action {
    return async (demo) => fs.writeFileSync(demo.policyFile, demo.policies[name]);
}

/** Alice puts a policy straight to S3, as someone editing it in the console would. */
function alicePutsBehindPulumi(name: keyof Policies): Action {
    return async (demo) => {
        await demo.alice.send(new PutBucketPolicyCommand({ Bucket: demo.bucket, Policy: demo.policies[name] }));
    };
}

function say(line: string): Action {
    return async () => console.log(`  ${line}`);
}

async function showS3Calls(demo: Demo): Promise<void> {
    console.log(bucketPolicyCalls(demo.proxy));
}

/** A request to S3; `expect` is the status the demo requires and what another one means (without it, the answer is only printed). */
interface S3Request {
    label: string;
    send: (demo: Demo) => Promise<unknown>;
    expect?: { status: number; otherwise: string };
}

/** A request bob sends to the demo's bucket, printed as `bob <label>: <status>`. */
function bob(label: string, send: (bob: S3Client, bucket: string) => Promise<unknown>, expect?: S3Request["expect"]): S3Request {
    return { label: `bob ${label}`, send: (demo) => send(demo.bob, demo.bucket), expect };
}

function getObject(key: string) {
    return (client: S3Client, bucket: string) => client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
}

function listObjects(prefix: string) {
    return (client: S3Client, bucket: string) => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
}

/** Sends every request and prints every answer before checking any, so a failure shows all of them. */
function s3Answers(...requests: S3Request[]): Action {
    return async (demo) => {
        const statuses: number[] = [];
        for (const request of requests) statuses.push(await tryRequest(request.label, () => request.send(demo)));
        const unexpected = requests.find((request, index) => request.expect && statuses[index] !== request.expect.status);
        if (unexpected?.expect) throw new Error(`demo: ${unexpected.expect.otherwise}`);
    };
}

function stackOutputPublicAccessStartsWith(expected: string): Action {
    return async (demo) => {
        const outputs = (await demo.pulumi(["stack", "output", "applied", "--json"], { quiet: true })).output;
        const access = (JSON.parse(outputs) as Record<string, { publicAccess?: string }>)[demo.bucket]?.publicAccess ?? "";
        console.log(`  output publicAccess: ${access}`);
        if (!access.startsWith(expected)) throw new Error("demo: the publicAccess output does not name the public statement");
    };
}

async function stackExportHasNoCredentials(demo: Demo): Promise<void> {
    const exported = (await demo.pulumi(["stack", "export"], { quiet: true })).output;
    const alice = demo.server.users.alice;
    const leaked = [alice.secretAccessKey, alice.accessKeyId].some((secret) => exported.includes(secret));
    console.log(`  pulumi stack export: ${exported.length} bytes; alice's access key or secret in it: ${leaked ? "YES" : "no"}`);
    if (leaked) throw new Error("demo: credentials leaked into state");
}

async function walk(steps: Step[], demo: Demo): Promise<void> {
    for (const step of steps) {
        banner(step.title);
        demo.proxy.reset(); // so the "S3 saw" lines of a step are its own calls only
        for (const action of step.actions) await action(demo);
    }
}

/** What is running, for the clean-up: filled as each thing starts, so a failed start still stops what did start. */
interface Started {
    server?: LocalS3Env;
    proxy?: S3Proxy;
}

async function startServerAndProxy(work: string, started: Started): Promise<{ server: LocalS3Env; proxy: S3Proxy }> {
    banner("Starting a local S3 server (Ceph RadosGW on loopback)");
    const server = (started.server = await startLocalS3(path.join(work, "rgw"), { onLog: (line) => console.log(`  ${line}`) }));
    const proxy = (started.proxy = await startS3Proxy({ target: server.endpoint }));
    console.log(`  endpoint ${server.endpoint} (recording proxy ${proxy.endpoint}); users alice (owner) and bob`);
    return { server, proxy };
}

async function createBucketWithTwoObjects(alice: S3Client): Promise<string> {
    const bucket = `demo-${Date.now().toString(36)}`;
    await alice.send(new CreateBucketCommand({ Bucket: bucket }));
    await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "public/hello.txt", Body: "hello" }));
    await alice.send(new PutObjectCommand({ Bucket: bucket, Key: "private/secret.txt", Body: "secret" }));
    console.log(`  bucket ${bucket} created by alice, with public/hello.txt and private/secret.txt`);
    return bucket;
}

/** The CLI's environment. Credentials reach the provider host through it, as in a pipeline; never through state. */
function cliEnvironment(work: string, server: LocalS3Env): NodeJS.ProcessEnv {
    return {
        ...process.env,
        PULUMI_HOME: path.join(work, "pulumi-home"),
        PULUMI_CONFIG_PASSPHRASE: "demo-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        AWS_ACCESS_KEY_ID: server.users.alice.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.users.alice.secretAccessKey,
        AWS_REGION: server.region,
    };
}

async function setUp(work: string, started: Started): Promise<Demo> {
    const { server, proxy } = await startServerAndProxy(work, started);
    const alice = s3ClientFor(server, "alice");
    const bucket = await createBucketWithTwoObjects(alice);
    return {
        work,
        server,
        proxy,
        alice,
        bob: s3ClientFor(server, "bob"),
        bucket,
        policyFile: path.join(work, "policy.json"),
        policies: policyTexts(bucket, server.users.bob.principalArn),
        pulumi: pulumiRunner(repoDir, cliEnvironment(work, server)),
    };
}

async function main(): Promise<void> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bp-demo-"));
    const started: Started = {};
    try {
        const demo = await setUp(work, started);
        await walk(LIFECYCLE, demo);
        await walk(PYTHON_PART, demo);
        banner("Demo finished: every step behaved as expected");
    } finally {
        await started.proxy?.close();
        if (started.server) await stopLocalS3(started.server);
        // `stack rm` removes the stack's settings file; this is for a demo that stopped before it.
        fs.rmSync(path.join(repoDir, `Pulumi.${STACK}.yaml`), { force: true });
        fs.rmSync(path.join(PYTHON_DIR, `Pulumi.${PYTHON_STACK}.yaml`), { force: true });
        fs.rmSync(path.join(PYTHON_DIR, "sdks"), { recursive: true, force: true });
        fs.rmSync(work, { recursive: true, force: true });
    }
}

main().catch((error) => {
    console.error(`\nDEMO FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
});
