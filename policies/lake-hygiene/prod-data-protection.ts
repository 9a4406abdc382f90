import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { bool, subject } from "../lib/props";
import { BUCKET_TYPES, T } from "../lib/types";

export const DEFAULT_PROTECTED_TYPES: string[] = [
    T.bucket,
    T.bucketV2,
    T.kmsKey,
    T.redshiftCluster,
    T.redshiftServerlessNamespace,
    T.glueCatalogDatabase,
];

/**
 * The configuration that protects the data: deleting one of these by a code change silently removes encryption,
 * TLS-only access, public access blocks, versioning, retention, the catalog's encryption or Lake Formation's control.
 */
export const DEFAULT_PROTECTIVE_CONFIG_TYPES: string[] = [
    T.bucketPolicy,
    T.bucketPublicAccessBlock,
    T.bucketSse,
    T.bucketSseV2,
    T.bucketVersioning,
    T.bucketVersioningV2,
    T.bucketLifecycle,
    T.bucketLifecycleV2,
    T.bucketLogging,
    T.bucketLoggingV2,
    T.bucketOwnershipControls,
    T.kmsKeyPolicy,
    T.glueCatalogEncryption,
    T.glueSecurityConfiguration,
    T.lfSettings,
    T.lfResource,
];

export interface DataProtectionConfig {
    enforceProtection: boolean;
    protectedTypes: string[];
    protectedConfigTypes: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        enforceProtection: {
            type: "boolean",
            default: false,
            description: "Turn the rule on (policies/config/prod.json sets true). Off, the policy does nothing, so dev stacks can be torn down.",
        },
        protectedTypes: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: DEFAULT_PROTECTED_TYPES,
            description: "Data-bearing Pulumi type tokens that must be protected.",
        },
        protectedConfigTypes: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: DEFAULT_PROTECTIVE_CONFIG_TYPES,
            description: "Type tokens of the configuration that protects the data (bucket policies, encryption, public access blocks, versioning, lifecycle, logging, key policies, catalog encryption, security configurations, Lake Formation settings and registrations): protected like the data.",
        },
    },
};

/**
 * In production, data-bearing resources can't be deleted by a stray `pulumi destroy` or a rename.
 * The analyzer protocol in @pulumi/policy 1.21 passes `protect` but not `retainOnDelete`, so only
 * `protect: true` can be verified. Buckets also must not set forceDestroy (deletes every object),
 * and clusters must keep their final snapshot.
 */
export const prodDataProtection: ResourceValidationPolicy = {
    name: "prod-data-protection",
    description:
        "When enforceProtection is on (prod), buckets, KMS keys, Redshift clusters/namespaces and Glue databases, and the configuration that protects them (bucket policies, encryption, public access blocks, versioning, lifecycle, logging, key policies, catalog encryption, security configurations, Lake Formation settings and registrations) are protected, buckets don't forceDestroy and clusters keep a final snapshot.",
    severity: "high",
    tags: ["hygiene", "data-protection"],
    configSchema,
    remediationSteps: "Pass { protect: true } in the resource options (components: protect their data-bearing children in prod); unset forceDestroy; set skipFinalSnapshot false with finalSnapshotIdentifier.",
    validateResource: (args, report) => {
        const { enforceProtection, protectedTypes, protectedConfigTypes } = cfg<DataProtectionConfig>(args, configSchema);
        if (!enforceProtection) return;
        if (protectedConfigTypes.includes(args.type)) {
            if (!args.opts.protect) {
                report(`${subject(args)} protects lake data (encryption, access, versioning, retention or Lake Formation control) but is not protected: deleting it by a code change removes that protection. Fix: add { protect: true } (and retainOnDelete) to its resource options.`);
            }
            return;
        }
        if (!protectedTypes.includes(args.type)) return;
        if (!args.opts.protect) {
            report(`${subject(args)} is a data-bearing resource without protect: true, so a destroy or an accidental replace deletes it. Fix: add { protect: true } to its resource options.`);
        }
        if (BUCKET_TYPES.includes(args.type) && bool(args.props, "forceDestroy") === true) {
            report(`${subject(args)}: forceDestroy is true, so deleting the bucket deletes every object in it. Fix: remove forceDestroy (default false).`);
        }
        if (args.type === T.redshiftCluster && bool(args.props, "skipFinalSnapshot") === true) {
            report(`${subject(args)}: skipFinalSnapshot is true, so deleting the cluster loses its data. Fix: set skipFinalSnapshot: false and finalSnapshotIdentifier.`);
        }
    },
};
