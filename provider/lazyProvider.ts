/**
 * The provider object that Pulumi serializes into state (`__provider`). It carries no logic: each method loads the
 * compiled implementation ({@link BucketPolicyProvider} in `dist/provider/provider.js`) inside the provider host and
 * delegates to it. Serializing the implementation by value would put ~90 KB of code into every resource's state; this
 * handle is under 5 KB, most of it the wrapping Pulumi's serializer puts around each method.
 *
 * Where the implementation comes from, in the host (whose working directory is the Pulumi program's directory):
 * 1. the installed package, `require("pulumi-s3-bucket-policy/dist/provider/provider.js")` (a program that depends on it);
 * 2. otherwise, when the program directory is this repository itself, its own `dist/provider/provider.js` (`npm run build`).
 * The entry path is part of the package's public contract: state written by one version is read by later ones.
 *
 * This is the only code Pulumi's closure serializer sees, so its constraints are kept here and nowhere else: no
 * comment inside a method body (the bodies' text goes into every resource's state), the entry path a literal (a
 * module constant would be captured), every `require` inside a method (it runs in the host), and no field set before
 * serialization (nothing of the program's, no credentials, goes into state).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- requires run inside the provider host, at call time, by design */
import type * as pulumi from "@pulumi/pulumi";
import type { BucketPolicyInputs, BucketPolicyOutputs } from "./inputs";
import type { BucketPolicyProvider } from "./provider";

/** Implements {@link pulumi.dynamic.ResourceProvider} by delegating to the implementation, loaded on first use. */
export class LazyBucketPolicyProvider implements pulumi.dynamic.ResourceProvider {
    /** Set on first use inside the host; never set before serialization. */
    implementation?: BucketPolicyProvider;

    /**
     * Loads the implementation once. No comment inside this or any method body: Pulumi serializes the bodies' text,
     * comments included, into every resource's state. `entry` is the implementation's stable path, listed in
     * package.json `exports`, and a literal (not a module constant) so the serialized handle carries it by value and
     * requires nothing else of this package. Only the entry itself missing means "not installed"; a missing dependency
     * of it is reported as it is.
     */
    load(): BucketPolicyProvider {
        if (this.implementation) return this.implementation;
        const entry = "pulumi-s3-bucket-policy/dist/provider/provider.js";
        let loaded: { BucketPolicyProvider: new () => BucketPolicyProvider };
        try {
            loaded = require(entry);
        } catch (error) {
            const missing = (error as { code?: string }).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(`'${entry}'`);
            if (!missing) throw error;
            const path = require("path");
            const projectDir = process.cwd();
            let name: string | undefined;
            try {
                name = require(path.join(projectDir, "package.json")).name;
            } catch {
                name = undefined;
            }
            if (name !== "pulumi-s3-bucket-policy") {
                throw new Error(
                    `BucketPolicy: cannot load its provider: ${entry} is not installed in ${projectDir}. Run npm install pulumi-s3-bucket-policy in the Pulumi program's directory.`,
                );
            }
            const built = path.join(projectDir, "dist", "provider", "provider.js");
            try {
                loaded = require(built);
            } catch (cause) {
                throw new Error(`BucketPolicy: cannot load its provider from ${built} (run npm run build in this repository): ${(cause as Error).message}`);
            }
        }
        this.implementation = new loaded.BucketPolicyProvider();
        return this.implementation;
    }

    async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
        await this.load().configure(request);
    }

    async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
        return this.load().check(olds, news);
    }

    async diff(id: string, olds: BucketPolicyOutputs, news: BucketPolicyInputs): Promise<pulumi.dynamic.DiffResult> {
        return this.load().diff(id, olds, news);
    }

    async create(inputs: BucketPolicyInputs): Promise<pulumi.dynamic.CreateResult> {
        return this.load().create(inputs);
    }

    async read(id: string, props?: Partial<BucketPolicyOutputs>): Promise<pulumi.dynamic.ReadResult> {
        return this.load().read(id, props);
    }

    async update(id: string, olds: BucketPolicyOutputs, news: BucketPolicyInputs): Promise<pulumi.dynamic.UpdateResult> {
        return this.load().update(id, olds, news);
    }

    async delete(id: string, props: BucketPolicyOutputs): Promise<void> {
        return this.load().delete(id, props);
    }
}
