/**
 * `LakeWarehouse`: Redshift Serverless over the lake. A namespace encrypted with the lake key (admin password managed
 * by Redshift in Secrets Manager under the lake key, user/connection/user-activity logs exported), a workgroup in
 * the private subnets of its own three-AZ VPC (not public, enhanced VPC routing, SSL required, capacity and a usage
 * limit from config), VPC endpoints that keep S3, Glue, STS, KMS and Secrets Manager traffic private, a security
 * group admitting only the declared client ranges, and Spectrum: a role reading the silver and gold layers through
 * the access grant API, attached as the namespace's default IAM role, and one external schema per silver and gold
 * Glue database.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { Layer, PLATFORM_RESOURCES } from "../../contract";
import { readersPolicy, roleGrantee, TableRef } from "../access";
import type { Grantee, ReadOptions } from "../access";
import { dataOptions, LakeContext } from "../shared/context";
import { parseS3Uri } from "../shared/principals";
import { spectrumCatalogPolicy, spectrumTrust } from "./documents";
import { externalSchemaName, externalSchemaSql } from "./sql";

export { externalSchemaName, externalSchemaSql, dropExternalSchemaSql } from "./sql";
export { spectrumCatalogPolicy, spectrumTrust } from "./documents";

/** Redshift's port; the security group admits clients only there. */
export const REDSHIFT_PORT = 5439;
/** The database every namespace creates (and the external schemas live in). */
export const WAREHOUSE_DATABASE = "dev";
/** The three log types Redshift Serverless exports to CloudWatch Logs. */
export const LOG_EXPORTS = ["userlog", "connectionlog", "useractivitylog"];
/** Services reached through interface endpoints (S3 has a gateway endpoint). */
export const INTERFACE_ENDPOINT_SERVICES = ["glue", "sts", "kms", "secretsmanager"] as const;

/**
 * Every workgroup parameter with the value the lake wants. The API returns all of them on read, so listing all
 * keeps the provider from seeing drift; keys are snake_case whatever the type docs show.
 */
export const WORKGROUP_PARAMETERS: Record<string, string> = {
    auto_mv: "true",
    datestyle: "ISO, MDY",
    enable_case_sensitive_identifier: "false",
    // useractivitylog is only written with this on.
    enable_user_activity_logging: "true",
    max_query_execution_time: "14400",
    query_group: "default",
    require_ssl: "true",
    search_path: "$user, public",
    use_fips_ssl: "false",
};

/** A silver or gold table Spectrum reads: grants through the dataset's own API, its catalog entry for IAM mode. */
export interface SpectrumTable {
    tableRef: TableRef;
    grantRead(principal: Grantee, opts?: ReadOptions): void;
}

export interface LakeWarehouseArgs {
    /** Naming, ARN context and protection (prod: the namespace is protected and retained on delete). */
    context: LakeContext;
    /** The lake key: namespace encryption and the admin password secret. */
    kmsKeyArn: pulumi.Input<string>;
    /** The Glue databases that become external schemas (silver and gold; others are skipped), with their layer and domain. */
    databases: readonly { layer: Layer; domain: string; name: pulumi.Input<string> }[];
    /** The tables Spectrum reads (silver and gold; others are skipped). */
    tables: readonly SpectrumTable[];
    /** Lake Formation on: tables are granted through it; off: the Spectrum role gets IAM reader statements. */
    lakeFormation: boolean;
    /** Base capacity in RPUs (multiple of 8). @default 8 */
    baseCapacity?: number;
    /** Upper bound of automatic scaling in RPUs. @default none: Redshift's own limit */
    maxCapacity?: number;
    /** Compute usage limit on the workgroup. @default none: no limit */
    usageLimit?: { amount: number; period: "daily" | "weekly" | "monthly"; breachAction: "log" | "emit-metric" | "deactivate" };
    /** IPv4 CIDR of the warehouse VPC. @default "10.40.0.0/16" */
    vpcCidr?: string;
    /** NAT gateways of the VPC. @default "onePerAz" in prod, "single" elsewhere (cheap) */
    natGateways?: "single" | "onePerAz";
    /** IPv4 ranges of SQL clients (VPN, BI): the only sources admitted on 5439. @default none: no client can connect */
    clientCidrs?: readonly string[];
    /** The namespace's admin user (its password is generated and kept by Redshift in Secrets Manager). @default "lakeadmin" */
    adminUsername?: string;
}

export class LakeWarehouse extends pulumi.ComponentResource {
    readonly namespaceName: pulumi.Output<string>;
    readonly workgroupName: pulumi.Output<string>;
    /** Host name of the workgroup endpoint (inside the VPC). */
    readonly endpoint: pulumi.Output<string>;
    readonly spectrumRoleArn: pulumi.Output<string>;
    /** Secret holding the admin password (managed by Redshift). */
    readonly adminPasswordSecretArn: pulumi.Output<string>;
    readonly vpcId: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    /** External schema names by `<layer>/<domain>`. */
    readonly externalSchemas: Record<string, string>;

    constructor(name: string, args: LakeWarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:warehouse:LakeWarehouse", name, {}, opts);
        const p = createLakeWarehouse(name, args.context, args, this);
        this.namespaceName = p.namespace.namespaceName;
        this.workgroupName = p.workgroup.workgroupName;
        this.endpoint = p.workgroup.endpoints.apply((e) => e[0]?.address ?? "");
        this.spectrumRoleArn = p.role.arn;
        this.adminPasswordSecretArn = p.namespace.adminPasswordSecretArn;
        this.vpcId = p.vpc.vpcId;
        this.securityGroupId = p.securityGroup.id;
        this.externalSchemas = p.externalSchemas;
        this.registerOutputs({
            namespaceName: this.namespaceName,
            workgroupName: this.workgroupName,
            endpoint: this.endpoint,
            spectrumRoleArn: this.spectrumRoleArn,
            adminPasswordSecretArn: this.adminPasswordSecretArn,
            vpcId: this.vpcId,
            securityGroupId: this.securityGroupId,
            externalSchemas: this.externalSchemas,
        });
    }
}

const CURATED: readonly Layer[] = ["silver", "gold"];

export function createLakeWarehouse(name: string, ctx: LakeContext, args: LakeWarehouseArgs, self: LakeWarehouse) {
    const child = { parent: self };
    const { region } = ctx.arn;
    const base = args.baseCapacity ?? 8;
    const problems: string[] = [];
    for (const [field, v] of [["baseCapacity", base], ["maxCapacity", args.maxCapacity]] as const) {
        if (v !== undefined && (v < 8 || v > 5632 || v % 8 !== 0)) problems.push(`${field} ${v} must be a multiple of 8 between 8 and 5632 RPUs`);
    }
    if (args.maxCapacity !== undefined && args.maxCapacity < base) problems.push(`maxCapacity ${args.maxCapacity} is below baseCapacity ${base}`);
    if (problems.length) throw new pulumi.ResourceError(`LakeWarehouse ${name}: ${problems.join("; ")}`, self);
    const vpcCidr = args.vpcCidr ?? "10.40.0.0/16";

    // Redshift Serverless needs subnets in three AZs. Private subnets get the NAT route; the endpoints below keep
    // the AWS traffic off it.
    const vpc = new awsx.ec2.Vpc(
        `${name}-vpc`,
        {
            cidrBlock: vpcCidr,
            numberOfAvailabilityZones: 3,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            natGateways: { strategy: (args.natGateways ?? (ctx.isProd ? "onePerAz" : "single")) === "single" ? awsx.ec2.NatGatewayStrategy.Single : awsx.ec2.NatGatewayStrategy.OnePerAz },
            subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
            subnetSpecs: [
                { type: awsx.ec2.SubnetType.Private, cidrMask: 20 },
                { type: awsx.ec2.SubnetType.Public, cidrMask: 24 },
            ],
            tags: { Name: ctx.namer.resource(PLATFORM_RESOURCES.warehouseNamespace.purpose) },
        },
        child,
    );

    // Endpoints are resources of their own: the remote VPC's children are invisible to the offline check.
    const s3 = new aws.ec2.VpcEndpoint(
        `${name}-endpoint-s3`,
        {
            vpcId: vpc.vpcId,
            serviceName: `com.amazonaws.${region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: vpc.routeTables.apply((rts) => pulumi.all(rts.map((rt) => rt.id))),
        },
        child,
    );
    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-sg`,
        {
            name: ctx.namer.resource(PLATFORM_RESOURCES.warehouseSecurityGroup.purpose),
            description: "Redshift Serverless workgroup: SQL clients on 5439 from the declared ranges only",
            vpcId: vpc.vpcId,
            ingress: (args.clientCidrs ?? []).length
                ? [{ description: "SQL clients", protocol: "tcp", fromPort: REDSHIFT_PORT, toPort: REDSHIFT_PORT, cidrBlocks: [...args.clientCidrs!] }]
                : [],
            egress: [
                { description: "Interface endpoints (Glue, STS, KMS, Secrets Manager)", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [vpcCidr] },
                { description: "S3 through the gateway endpoint", protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: [s3.prefixListId] },
            ],
        },
        child,
    );
    const endpointsGroup = new aws.ec2.SecurityGroup(
        `${name}-endpoints-sg`,
        {
            name: ctx.namer.resource(PLATFORM_RESOURCES.endpointsSecurityGroup.purpose),
            description: "VPC interface endpoints: HTTPS from the Redshift Serverless workgroup only",
            vpcId: vpc.vpcId,
            ingress: [{ description: "Redshift Serverless", protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: [securityGroup.id] }],
            egress: [],
        },
        child,
    );
    const interfaceEndpoints = INTERFACE_ENDPOINT_SERVICES.map(
        (service) =>
            new aws.ec2.VpcEndpoint(
                `${name}-endpoint-${service}`,
                {
                    vpcId: vpc.vpcId,
                    serviceName: `com.amazonaws.${region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: vpc.privateSubnetIds,
                    securityGroupIds: [endpointsGroup.id],
                },
                child,
            ),
    );

    // Spectrum: what the namespace's default IAM role may read.
    const curatedTables = args.tables.filter((t) => CURATED.includes(t.tableRef.dataset.layer));
    const curatedDatabases = args.databases.filter((d) => CURATED.includes(d.layer));
    const role = new aws.iam.Role(
        `${name}-spectrum-role`,
        {
            name: ctx.namer.resource(PLATFORM_RESOURCES.spectrumRole.purpose),
            description: "Redshift Spectrum (the warehouse namespace's default IAM role): reads the silver and gold layers and their catalog.",
            assumeRolePolicy: JSON.stringify(spectrumTrust(ctx.arn)),
        },
        child,
    );
    const grantee = roleGrantee("spectrum", role.arn);
    for (const t of curatedTables) t.grantRead(grantee);
    const policy = new aws.iam.RolePolicy(
        `${name}-spectrum-policy`,
        {
            role: role.name,
            name: "lake-spectrum",
            policy: args.lakeFormation
                ? pulumi
                      .all([args.kmsKeyArn, pulumi.all(curatedDatabases.map((d) => d.name))])
                      .apply(([kmsKeyArn, databases]) => JSON.stringify(spectrumCatalogPolicy({ ...ctx.arn, kmsKeyArn, databases })))
                : // IAM mode: the access component's grants attach nothing to platform roles; its reader documents, merged.
                  pulumi
                      .all([args.kmsKeyArn, pulumi.all(curatedTables.map((t) => pulumi.all([t.tableRef.location, t.tableRef.databaseName, t.tableRef.tableName])))])
                      .apply(([kmsKeyArn, tables]) =>
                          JSON.stringify(readersPolicy(tables.map(([location, database, table]) => ({ ...ctx.arn, kmsKeyArn, location: parseS3Uri(location), database, table })))),
                      ),
        },
        child,
    );

    const namespace = new aws.redshiftserverless.Namespace(
        `${name}-namespace`,
        {
            namespaceName: ctx.namer.resource(PLATFORM_RESOURCES.warehouseNamespace.purpose),
            dbName: WAREHOUSE_DATABASE,
            adminUsername: args.adminUsername ?? "lakeadmin",
            manageAdminPassword: true,
            adminPasswordSecretKmsKeyId: args.kmsKeyArn,
            kmsKeyId: args.kmsKeyArn,
            defaultIamRoleArn: role.arn,
            iamRoles: [role.arn],
            logExports: LOG_EXPORTS,
        },
        dataOptions(ctx, self, { dependsOn: [policy] }),
    );
    const workgroup = new aws.redshiftserverless.Workgroup(
        `${name}-workgroup`,
        {
            workgroupName: ctx.namer.resource(PLATFORM_RESOURCES.warehouseWorkgroup.purpose),
            namespaceName: namespace.namespaceName,
            baseCapacity: base,
            ...(args.maxCapacity !== undefined ? { maxCapacity: args.maxCapacity } : {}),
            publiclyAccessible: false,
            enhancedVpcRouting: true,
            port: REDSHIFT_PORT,
            subnetIds: vpc.privateSubnetIds,
            securityGroupIds: [securityGroup.id],
            configParameters: Object.entries(WORKGROUP_PARAMETERS).map(([parameterKey, parameterValue]) => ({ parameterKey, parameterValue })),
        },
        // Spectrum and the Data API reach S3 and Glue through the endpoints from the first statement on.
        { parent: self, dependsOn: [s3, ...interfaceEndpoints] },
    );
    if (args.usageLimit) {
        new aws.redshiftserverless.UsageLimit(
            `${name}-usage-limit`,
            { resourceArn: workgroup.arn, usageType: "serverless-compute", amount: args.usageLimit.amount, period: args.usageLimit.period, breachAction: args.usageLimit.breachAction },
            child,
        );
    }

    const externalSchemas: Record<string, string> = {};
    for (const db of curatedDatabases) {
        const schema = externalSchemaName(db.layer, db.domain);
        externalSchemas[`${db.layer}/${db.domain}`] = schema;
        new aws.redshiftdata.Statement(
            `${name}-schema-${db.layer}-${db.domain}`,
            {
                workgroupName: workgroup.workgroupName,
                database: WAREHOUSE_DATABASE,
                sql: pulumi.output(db.name).apply((glueDatabase) => externalSchemaSql(schema, glueDatabase)),
            },
            { parent: self, dependsOn: [workgroup, policy] },
        );
    }
    return { vpc, namespace, workgroup, role, securityGroup, externalSchemas };
}
