/**
 * The one context every lake component is built with: how things are named, which partition/region/account ARNs
 * point into, the environment, and ONE protection setting (protect, retainOnDelete and forceDestroy can't
 * disagree between components). The composition root builds it once from the stack config.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ArnContext, arnContext, Namer } from "../../contract";

export interface Protection {
    /** `protect` on data-bearing resources: `pulumi destroy` and deleting code refuse to remove them. */
    readonly protect: boolean;
    /** `retainOnDelete` on data-bearing resources: removing them from the program leaves them in AWS. */
    readonly retainOnDelete: boolean;
    /** `forceDestroy` on buckets and workgroups: they may be deleted with their contents. Never together with protect. */
    readonly forceDestroy: boolean;
}

export interface LakeContext {
    readonly namer: Namer;
    readonly arn: ArnContext;
    /** dev | staging | prod */
    readonly environment: string;
    readonly isProd: boolean;
    readonly protection: Protection;
}

export interface LakeContextArgs {
    /** `lake:namePrefix`. */
    prefix: string;
    /** `lake:environment`. */
    environment: string;
    /** `lake:accountId`. */
    accountId: string;
    /** `aws:region`; decides the partition. */
    region: string;
    /**
     * Data-bearing resources are protected and retained on delete.
     * @default true in prod, false elsewhere
     */
    protectData?: boolean;
    /**
     * Buckets and workgroups may be deleted with their contents (`lake:allowDataDestroy`, dev only).
     * @default false
     */
    allowDataDestroy?: boolean;
}

export function createLakeContext(args: LakeContextArgs): LakeContext {
    const isProd = args.environment === "prod";
    const protect = args.protectData ?? isProd;
    const forceDestroy = args.allowDataDestroy ?? false;
    if (protect && forceDestroy) {
        throw new Error(`LakeContext: allowDataDestroy = true with protected data (environment ${args.environment}): protected data is never force-destroyable`);
    }
    return Object.freeze({
        namer: new Namer({ prefix: args.prefix, environment: args.environment, accountId: args.accountId }),
        arn: arnContext(args.region, args.accountId),
        environment: args.environment,
        isProd,
        protection: Object.freeze({ protect, retainOnDelete: protect, forceDestroy }),
    });
}

/** Options for a data-bearing child: protected and retained when the context says so. */
export function dataOptions(ctx: LakeContext, parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return { parent, protect: ctx.protection.protect, retainOnDelete: ctx.protection.retainOnDelete, ...extra };
}
