/**
 * `AthenaWorkgroup`: an Athena workgroup with KMS-encrypted results under its own prefix, enforced settings and a
 * per-query scan cutoff; the named queries saved in it; and the managed policy that lets a principal run queries
 * there (`grantRunQueries`). The lake's first workgroup was the catalog's child; aliases keep its URNs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionCountQuery, previewQuery, Dataset } from "../datasets";
import type { LakeContext } from "../shared/context";
import type { S3Prefix } from "../shared/iam";
import { formerSibling, movedFrom } from "../shared/identity";
import { parseIamPrincipal, principalId } from "../shared/principals";
import { workgroupUserPolicy } from "./documents";

export { workgroupUserPolicy } from "./documents";

export interface AthenaWorkgroupArgs {
    /** Naming, ARN context and protection (a protected stack never force-destroys the workgroup's history). */
    context: LakeContext;
    /** Purpose in the workgroup's name: `<prefix>-<env>-<purpose>`, e.g. `analysts`. */
    purpose: string;
    /** What the workgroup is for, shown in the console. */
    description: string;
    /** The query results bucket's name. */
    resultsBucket: pulumi.Input<string>;
    /**
     * Key prefix of this workgroup's results (no slashes): principals of this workgroup read only there.
     * @default the purpose
     */
    resultsPrefix?: string;
    /** ARN of the lake key: results are SSE-KMS with it. */
    kmsKeyArn: pulumi.Input<string>;
    /** Per-query scan limit in bytes (Athena's minimum is 10 MB). */
    bytesScannedCutoffPerQuery: number;
}

export class AthenaWorkgroup extends pulumi.ComponentResource {
    readonly workgroupName: pulumi.Output<string>;
    /** Managed policy to run queries here and read this workgroup's results. */
    readonly userPolicyArn: pulumi.Output<string>;
    private readonly parts: WorkgroupParts;

    constructor(name: string, args: AthenaWorkgroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:query:AthenaWorkgroup", name, {}, opts);
        this.parts = createAthenaWorkgroup(name, args.context, args, this);
        this.workgroupName = this.parts.workgroup.name;
        this.userPolicyArn = this.parts.userPolicy.arn;
        this.registerOutputs({ workgroupName: this.workgroupName, userPolicyArn: this.userPolicyArn });
    }

    /** A dataset's preview and rows-per-partition queries, saved in this workgroup. */
    addDatasetQueries(key: string, dataset: Dataset, database: pulumi.Input<string>, formerParent: pulumi.Resource): void {
        this.parts.addDatasetQueries(key, dataset, database, formerParent);
    }

    /** Attach the workgroup's policy to a role or user of this account (once per principal; others are skipped). */
    grantRunQueries(principal: string): void {
        this.parts.grantRunQueries(principal);
    }
}

interface WorkgroupParts {
    workgroup: aws.athena.Workgroup;
    userPolicy: aws.iam.Policy;
    addDatasetQueries(key: string, dataset: Dataset, database: pulumi.Input<string>, formerParent: pulumi.Resource): void;
    grantRunQueries(principal: string): void;
}

export function createAthenaWorkgroup(name: string, ctx: LakeContext, args: AthenaWorkgroupArgs, self: AthenaWorkgroup): WorkgroupParts {
    const child = { parent: self, ...movedFrom(formerSibling(self, "lake:catalog:LakeCatalog")) };
    const prefix = args.resultsPrefix ?? args.purpose;
    const workgroup = new aws.athena.Workgroup(
        `${name}-workgroup`,
        {
            name: ctx.namer.resource(args.purpose),
            description: args.description,
            state: "ENABLED",
            forceDestroy: !ctx.protection.protect,
            configuration: {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                bytesScannedCutoffPerQuery: args.bytesScannedCutoffPerQuery,
                engineVersion: { selectedEngineVersion: "AUTO" },
                resultConfiguration: {
                    outputLocation: pulumi.interpolate`s3://${args.resultsBucket}/${prefix}/`,
                    encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
                },
            },
        },
        child,
    );
    const userPolicy = new aws.iam.Policy(
        `${name}-workgroup-users`,
        {
            name: ctx.namer.resource(`${args.purpose}-query`),
            description: `Run queries in the lake ${args.purpose}${args.purpose.endsWith("s") ? "'" : "'s"} workgroup and read their KMS-encrypted results.`,
            policy: pulumi.all([workgroup.name, args.resultsBucket, args.kmsKeyArn]).apply(([wg, bucket, kmsKeyArn]) => {
                const results: S3Prefix = { bucket, prefix };
                return JSON.stringify(workgroupUserPolicy({ ...ctx.arn, workgroup: wg, results, kmsKeyArn }));
            }),
        },
        child,
    );
    const users = new Set<string>();
    return {
        workgroup,
        userPolicy,
        addDatasetQueries(key, ds, database, formerParent) {
            const opts = { parent: self, ...movedFrom(formerParent) };
            for (const [suffix, title, query] of [
                ["preview", "preview", previewQuery],
                ["partition-counts", "rows per partition", partitionCountQuery],
            ] as const) {
                new aws.athena.NamedQuery(
                    `${key}-${suffix}`,
                    {
                        name: `${ds.name} ${title}`,
                        description: `${title[0].toUpperCase()}${title.slice(1)} of ${ds.domain}.${ds.name} (${ds.layer}), owner ${ds.owner}.`,
                        database,
                        workgroup: workgroup.name,
                        query: pulumi.output(database).apply((db) => query(ds, db)),
                    },
                    opts,
                );
            }
        },
        grantRunQueries(principal) {
            const iam = parseIamPrincipal(principal);
            if (users.has(principal) || !iam || iam.accountId !== ctx.arn.accountId) return;
            users.add(principal);
            const resName = `${name}-workgroup-user-${principalId(principal)}`;
            if (iam.kind === "role") new aws.iam.RolePolicyAttachment(resName, { role: iam.name, policyArn: userPolicy.arn }, child);
            else new aws.iam.UserPolicyAttachment(resName, { user: iam.name, policyArn: userPolicy.arn }, child);
        },
    };
}
