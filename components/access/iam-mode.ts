/**
 * IAM-mode access (Lake Formation off): each table gets a reader and a writer policy scoped to its prefix, its
 * catalog entries and the lake key, attached to the grantees that are roles or users of this account. Platform
 * roles (crawlers) carry their own scoped policies, so their grants need nothing here.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LakeContext } from "../shared/context";
import { movedFrom } from "../shared/identity";
import { datasetName, datasetTags } from "../shared/names";
import { parseIamPrincipal, parseS3Uri, principalId } from "../shared/principals";
import { readerPolicy, writerPolicy } from "./documents";
import type { GrantBook, TableRef } from "./grants";
import type { AccessImplementation, LakeAccessArgs } from "./types";

export function createIamModeAccess(_name: string, ctx: LakeContext, args: LakeAccessArgs, self: pulumi.ComponentResource): AccessImplementation {
    const policies = new Map<string, { readers: aws.iam.Policy; writers: aws.iam.Policy; names: { readers: string; writers: string } }>();
    return {
        databaseDependsOn: [],
        grantDependsOn: [],
        outputs: {},
        onTable(table: TableRef): void {
            const ds = table.dataset;
            const names = { readers: datasetName(ctx.namer, ds, "readerPolicy"), writers: datasetName(ctx.namer, ds, "writerPolicy") };
            const access = pulumi.all([table.location, args.kmsKeyArn, table.databaseName, table.tableName]).apply(([l, kmsKeyArn, database, name]) => ({
                ...ctx.arn,
                kmsKeyArn,
                location: parseS3Uri(l),
                database,
                table: name,
            }));
            const [readers, writers] = (["readers", "writers"] as const).map(
                (kind) =>
                    new aws.iam.Policy(
                        `${table.key}-${kind}`,
                        {
                            name: names[kind],
                            description: `${kind === "readers" ? "Read" : "Write"} access to ${ds.domain}.${ds.name} (${ds.layer}); attached to the ${kind === "readers" ? "consumers" : "producers"} in ${ds.file}.`,
                            policy: access.apply((a) => JSON.stringify(kind === "readers" ? readerPolicy(a) : writerPolicy(a))),
                            tags: datasetTags(ds),
                        },
                        { parent: self, ...movedFrom(table.formerParent) },
                    ),
            );
            policies.set(table.key, { readers, writers, names });
        },
        commit(book: GrantBook): number {
            let count = 0;
            for (const { table, grants } of book.tables.values()) {
                const ds = table.dataset;
                const p = policies.get(table.key)!;
                const attach = (kind: "read" | "write", principal: string) => {
                    const policyName = kind === "read" ? p.names.readers : p.names.writers;
                    const iam = parseIamPrincipal(principal);
                    if (!iam || iam.accountId !== ctx.arn.accountId) {
                        pulumi.log.warn(`${ds.file}: ${kind === "read" ? "consumers" : "producers"}: ${principal} is not a role or user of account ${ctx.arn.accountId}; attach ${policyName} in its own account`, table.formerParent);
                        return;
                    }
                    const resName = `${table.key}-${kind}-${principalId(principal)}`;
                    const policyArn = (kind === "read" ? p.readers : p.writers).arn;
                    const opts = { parent: self, ...movedFrom(table.formerParent) };
                    if (iam.kind === "role") new aws.iam.RolePolicyAttachment(resName, { role: iam.name, policyArn }, opts);
                    else new aws.iam.UserPolicyAttachment(resName, { user: iam.name, policyArn }, opts);
                    count++;
                };
                for (const g of grants.values()) {
                    if (g.grantee.kind !== "principal") continue;
                    if (g.read) {
                        if (Array.isArray(g.read)) pulumi.log.warn(`${ds.file}: consumers: column subset for ${g.grantee.arn} needs Lake Formation; in IAM mode it reads every column`, table.formerParent);
                        attach("read", g.grantee.arn);
                    }
                    if (g.write) attach("write", g.grantee.arn);
                }
            }
            return count;
        },
    };
}
