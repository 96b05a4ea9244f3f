/**
 * Test helpers around the second local S3 server, LocalStack's S3 (`scripts/localstack.sh`): start and stop it and
 * load the env file the jest global setup wrote. The env has the same shape as RadosGW's ({@link LocalS3Env}), so
 * `s3ClientFor`, `bucketTracker`, `livePolicy` and the rest of `./localS3` work on either server.
 *
 * What LocalStack shows that RadosGW cannot: `x-amz-expected-bucket-owner` checked against the bucket owner's account
 * (403 `AccessDenied`, 400 `InvalidBucketOwnerAWSAccountID`), and `MalformedPolicy` for documents that are not JSON
 * objects with a `Statement`. What it does not do: enforce a bucket policy on requests, check signatures, answer 405
 * to another account, verify a `PutBucketPolicy` checksum, or answer `GetBucketPolicyStatus` (501).
 */
import * as fs from "fs";
import * as path from "path";
import { LocalS3Env, LocalS3User, LocalS3UserName, ScriptResult, explainFailure, parseEnvLines, runServerScript } from "./localS3";

/** The script that installs, starts and stops the server. */
export const LOCALSTACK_SCRIPT = path.resolve(__dirname, "../../scripts/localstack.sh");
/** The variable that names the env file of the server the jest global setup started. */
export const LOCALSTACK_ENV_FILE = "LOCALSTACK_ENV_FILE";

/** The first start on a fresh machine builds the pinned venv (~35 s from PyPI); the server then starts in ~5 s. */
export const LOCALSTACK_START_TIMEOUT_MS = 10 * 60_000;
const STOP_TIMEOUT_MS = 60_000;

/** A running LocalStack S3: alice and bob are two accounts (their access key ids encode them, as AWS's do). */
export interface LocalStackEnv extends LocalS3Env {
    server: "localstack";
    users: Record<LocalS3UserName, LocalS3User & { accountId: string }>;
}

/**
 * Builds a {@link LocalStackEnv} from `scripts/localstack.sh start`'s `KEY=value` lines.
 * @throws Error naming the missing keys when the lines do not describe a server.
 */
export function localStackEnvFromLines(text: string, source: string): LocalStackEnv {
    const values = parseEnvLines(text);
    const required = ["LOCALSTACK_DIR", "LOCALSTACK_ENDPOINT", "LOCALSTACK_REGION"];
    for (const n of [1, 2]) required.push(...["ACCESS_KEY", "SECRET_KEY", "ACCOUNT_ID", "PRINCIPAL_ARN"].map((k) => `USER${n}_${k}`));
    const missing = required.filter((key) => !values[key]);
    if (missing.length) throw new Error(`${source} does not describe a LocalStack server: ${missing.join(", ")} missing`);
    const user = (n: 1 | 2) => ({
        accessKeyId: values[`USER${n}_ACCESS_KEY`],
        secretAccessKey: values[`USER${n}_SECRET_KEY`],
        accountId: values[`USER${n}_ACCOUNT_ID`],
        ownerId: values[`USER${n}_ACCOUNT_ID`],
        principalArn: values[`USER${n}_PRINCIPAL_ARN`],
    });
    return {
        server: "localstack",
        endpoint: values.LOCALSTACK_ENDPOINT,
        region: values.LOCALSTACK_REGION,
        dir: values.LOCALSTACK_DIR,
        users: { alice: user(1), bob: user(2) },
    };
}

/**
 * Starts LocalStack's S3 via `scripts/localstack.sh start` (which builds its venv first when needed).
 * @throws Error with the script's ERROR lines and the end of its stderr; the script has then stopped what it started.
 */
export async function startLocalStack(dir?: string, options: { onLog?: (line: string) => void; timeoutMs?: number } = {}): Promise<LocalStackEnv> {
    const args = ["start", ...(dir ? [dir] : [])];
    const result: ScriptResult = await runServerScript(LOCALSTACK_SCRIPT, args, options.timeoutMs ?? LOCALSTACK_START_TIMEOUT_MS, options.onLog);
    if (result.code !== 0) throw new Error(explainFailure(`LocalStack (scripts/localstack.sh ${args.join(" ")})`, result));
    return localStackEnvFromLines(result.stdout, "the output of scripts/localstack.sh start");
}

/** Stops the server (only the process started for its directory) and by default deletes its directory. */
export async function stopLocalStack(env: Pick<LocalS3Env, "dir">, options: { purge?: boolean; onLog?: (line: string) => void } = {}): Promise<void> {
    const args = ["stop", env.dir, ...(options.purge === false ? [] : ["--purge"])];
    const result = await runServerScript(LOCALSTACK_SCRIPT, args, STOP_TIMEOUT_MS, options.onLog);
    if (result.code !== 0) throw new Error(explainFailure(`scripts/localstack.sh ${args.join(" ")}`, result));
}

/**
 * Loads the LocalStack server the jest global setup started, from the env file named by `LOCALSTACK_ENV_FILE`.
 * @throws Error saying how to get a server when the variable is unset or the file is missing.
 */
export function loadLocalStackEnv(): LocalStackEnv {
    const file = process.env[LOCALSTACK_ENV_FILE];
    if (!file) {
        throw new Error(
            `${LOCALSTACK_ENV_FILE} is not set, so no LocalStack server is running for this test. Run the tier through jest ` +
                "(its global setup starts one), or start one yourself: `bash scripts/localstack.sh start DIR` and " +
                `\`export ${LOCALSTACK_ENV_FILE}=DIR/env\`.`,
        );
    }
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new Error(`${LOCALSTACK_ENV_FILE}=${file} cannot be read (${(error as Error).message}); is LocalStack still running?`);
    }
    return localStackEnvFromLines(text, `${LOCALSTACK_ENV_FILE}=${file}`);
}
