/**
 * Lake Formation access: data lake settings, the layer buckets registered through a dedicated role, and grants as
 * LF permissions. These children were the catalog's before the access component existed; aliases keep their URNs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAYERS, PLATFORM_RESOURCES } from "../../contract";
import { dataOptions, LakeContext } from "../shared/context";
import { serviceTrust } from "../shared/iam";
import { formerSibling, movedFrom } from "../shared/identity";
import { parseS3Uri } from "../shared/principals";
import { registrationPolicy } from "./documents";
import { columnSubset, GrantBook, grantNames, tablePermissions, TableRef } from "./grants";
import type { AccessImplementation, LakeAccessArgs } from "./types";

export function createLakeFormationAccess(name: string, ctx: LakeContext, args: LakeAccessArgs, self: pulumi.ComponentResource): AccessImplementation {
    const formerCatalog = formerSibling(self, "lake:catalog:LakeCatalog");
    const child = { parent: self, ...movedFrom(formerCatalog) };
    // Settings and registrations protect the data (no IAMAllowedPrincipals, vended access): protected like it.
    const protectedChild = dataOptions(ctx, self, movedFrom(formerCatalog));
    const settings = new aws.lakeformation.DataLakeSettings(
        `${name}-lf-settings`,
        { catalogId: ctx.arn.accountId, admins: [...args.lakeFormation.admins], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: [] },
        protectedChild,
    );

    // A dedicated role rather than the service-linked one: its policy names exactly the three buckets and the key
    // (the service-linked role's can't be scoped, and the key policy can name this role).
    const role = new aws.iam.Role(
        `${name}-lf-registration-role`,
        {
            name: ctx.namer.resource(PLATFORM_RESOURCES.lfRegistrationRole.purpose),
            description: "Lake Formation vends data access to the registered lake buckets through this role.",
            assumeRolePolicy: JSON.stringify(serviceTrust("lakeformation.amazonaws.com", ctx.arn)),
        },
        child,
    );
    const policy = new aws.iam.RolePolicy(
        `${name}-lf-registration-policy`,
        {
            role: role.name,
            name: "lake-registered-locations",
            policy: pulumi
                .all([args.kmsKeyArn, ...LAYERS.map((l) => args.layerBuckets[l].name)])
                .apply(([kmsKeyArn, ...buckets]) => JSON.stringify(registrationPolicy({ ...ctx.arn, kmsKeyArn, buckets }))),
        },
        child,
    );
    const registrations = LAYERS.map(
        (layer) =>
            new aws.lakeformation.Resource(
                `${name}-lf-location-${layer}`,
                { arn: args.layerBuckets[layer].arn, roleArn: role.arn, useServiceLinkedRole: false, hybridAccessEnabled: false },
                { ...protectedChild, dependsOn: [policy] },
            ),
    );
    const grantDependsOn = [settings, ...registrations];

    return {
        databaseDependsOn: [settings],
        grantDependsOn,
        outputs: { registrationRoleArn: role.arn },
        onTable(table: TableRef): void {
            if (!table.locationRegistered) {
                pulumi.log.warn(
                    `${table.dataset.file}: location ${table.dataset.location} is outside the lake's registered buckets: no DATA_LOCATION_ACCESS grants; writers and crawlers use their IAM S3 permissions`,
                    table.formerParent,
                );
            }
        },
        commit(book: GrantBook): number {
            let count = 0;
            const permissions = (resName: string, inputs: aws.lakeformation.PermissionsArgs, former: pulumi.Resource | pulumi.Input<string>) => {
                new aws.lakeformation.Permissions(resName, inputs, { parent: self, dependsOn: grantDependsOn, ...movedFrom(former) });
                count++;
            };
            for (const { table, grants } of book.tables.values()) {
                const ref = { databaseName: table.databaseName, name: table.tableName };
                const dataLocation = { arn: pulumi.output(table.location).apply((l) => s3LocationArn(ctx.arn.partition, l)) };
                for (const g of grants.values()) {
                    const columns = columnSubset(g);
                    permissions(
                        grantNames.table(table, g.grantee),
                        columns
                            ? { principal: g.grantee.arn, permissions: ["SELECT"], tableWithColumns: { ...ref, columnNames: columns } }
                            : { principal: g.grantee.arn, permissions: tablePermissions(g), table: ref },
                        table.formerParent,
                    );
                    if ((g.write || g.maintain) && table.locationRegistered) {
                        permissions(grantNames.location(table, g.grantee), { principal: g.grantee.arn, permissions: ["DATA_LOCATION_ACCESS"], dataLocation }, table.formerParent);
                    }
                }
            }
            for (const { database, grants } of book.databases.values()) {
                for (const g of grants.values()) {
                    permissions(
                        grantNames.database(name, database, g.grantee),
                        { principal: g.grantee.arn, permissions: g.createTables ? ["CREATE_TABLE", "DESCRIBE"] : ["DESCRIBE"], database: { name: database.name } },
                        formerCatalog,
                    );
                }
            }
            return count;
        },
    };
}

/** Lake Formation data location ARN of an S3 URI (`arn:<partition>:s3:::bucket/prefix`, no trailing slash). */
export function s3LocationArn(partition: string, uri: string): string {
    const { bucket, prefix } = parseS3Uri(uri);
    return `arn:${partition}:s3:::${bucket}${prefix ? `/${prefix}` : ""}`;
}
