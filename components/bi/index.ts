/**
 * `LakeBi`: QuickSight over the gold layer, as code. The stack's QuickSight groups; a role for the Athena data source
 * (runs queries in the BI workgroup only, reads the published gold tables through the access grant API, uses the
 * lake key through S3 and Athena, which the key policy admits for the account: no direct key grant); the Athena data source (SSL, the BI workgroup, that role); per
 * published dataset (`bi:` in its file) a QuickSight dataset typed from the file, its refresh schedule, row-level
 * permissions (a permissions dataset built from the file's rules) and column-level rules; a shared folder per domain
 * holding its datasets and dashboards; and dashboards made from a template (promoted from an analysis: the
 * provider's analyses, templates and dashboards take no `definition`, only a source entity).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BI_MARKERS, biDashboardName, biDerivedNames, BiNameKey, DerivedName, nameProblem, PLATFORM_RESOURCES } from "../../contract";
import { roleGrantee } from "../access";
import type { Grantee, ReadOptions, TableRef } from "../access";
import type { BiPublication, Dataset } from "../datasets";
import type { LakeContext } from "../shared/context";
import { datasetTags } from "../shared/names";
import { parseS3Uri } from "../shared/principals";
import { accountRoot, columnRules, permissions, QUICKSIGHT_ACTIONS, QuickSightDirectory, refreshProperties, refreshSchedule, rowPermissionsColumns, rowPermissionsSql, scheduleId, tableMaps } from "./definitions";
import { biRolePolicy, quicksightTrust } from "./documents";

export * from "./definitions";
export { biRolePolicy, quicksightTrust, ATHENA_CATALOG_ACTIONS, ATHENA_QUERY_ACTIONS } from "./documents";

/** A dataset the BI layer may publish: grants through the dataset's own API, its catalog entry. */
export interface BiTable {
    tableRef: TableRef;
    grantRead(principal: Grantee, opts?: ReadOptions): void;
}

/** A dashboard as the stack config gives it (`lake:bi.dashboards[]`). */
export interface BiDashboard {
    /** `<prefix>-<env>-dash-<name>`: the dashboard's (and template's) id. */
    name: string;
    title: string;
    /** The published dataset it shows; its name is the template's dataset placeholder. */
    dataset: string;
    /** An analysis of this account: the stack makes a template from it, and the dashboard from that template. */
    sourceAnalysisArn?: string;
    /** A template of another stack (promotion): the dashboard is made from it. */
    sourceTemplateArn?: string;
    /** Accounts that may make dashboards from this stack's template (the next stage). */
    shareWithAccounts?: readonly string[];
}

/** The stack's QuickSight settings (`lake:bi`). */
export interface BiSettings {
    /** QuickSight's identity region (where users and groups live). @default the stack's region */
    identityRegion?: string;
    /** The QuickSight namespace of the groups. @default "default" */
    namespace?: string;
    /** Owns every BI asset (owner actions); its members are the BI admins. */
    adminGroup: string;
    /** The groups datasets may name (viewer actions on what names them); created by the platform, members managed in QuickSight or the IdP. */
    groups: readonly { name: string; description?: string }[];
    /** Refresh schedules' time zone when a dataset file gives none. @default "UTC" */
    timezone?: string;
    /** @default none */
    dashboards?: readonly BiDashboard[];
}

export interface LakeBiArgs {
    /** Naming, ARN context and protection. */
    context: LakeContext;
    /**
     * The Athena workgroup the data source runs its queries in and its results location (the BI workgroup, e.g.
     * `LakeQuery.workgroups.bi`).
     */
    workgroup: { name: pulumi.Input<string>; resultsBucket: pulumi.Input<string>; resultsPrefix: string };
    /** The lake key: query results and gold objects are encrypted with it. */
    kmsKeyArn: pulumi.Input<string>;
    /** Every dataset's table (catalog.datasets); the ones whose dataset has `bi` are published. */
    tables: readonly BiTable[];
    /** Lake Formation on: tables read through LF grants; off: the role gets the access component's reader documents. */
    lakeFormation: boolean;
    settings: BiSettings;
    /**
     * What the QuickSight datasets wait for: the access component, whose Lake Formation grants to the role are
     * created at `commitGrants()` (QuickSight reads the table's columns when a dataset is created).
     * @default none
     */
    grantsFrom?: pulumi.Resource;
}

export class LakeBi extends pulumi.ComponentResource {
    readonly roleArn: pulumi.Output<string>;
    readonly dataSourceArn: pulumi.Output<string>;
    /** QuickSight dataset ARNs by dataset name. */
    readonly dataSetArns: Record<string, pulumi.Output<string>>;
    /** Folder ARNs by domain. */
    readonly folderArns: Record<string, pulumi.Output<string>>;
    /** Dashboard ids by dashboard name. */
    readonly dashboardIds: Record<string, pulumi.Output<string>>;
    /** Template ARNs (this stack's, promotable) by dashboard name. */
    readonly templateArns: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: LakeBiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:bi:LakeBi", name, {}, opts);
        const p = createLakeBi(name, args.context, args, this);
        this.roleArn = p.role.arn;
        this.dataSourceArn = p.dataSource.arn;
        this.dataSetArns = p.dataSetArns;
        this.folderArns = p.folderArns;
        this.dashboardIds = p.dashboardIds;
        this.templateArns = p.templateArns;
        this.registerOutputs({
            roleArn: this.roleArn,
            dataSourceArn: this.dataSourceArn,
            dataSetArns: this.dataSetArns,
            folderArns: this.folderArns,
            dashboardIds: this.dashboardIds,
            templateArns: this.templateArns,
        });
    }
}

type Published = Dataset & { bi: BiPublication };
const isPublished = (ds: Dataset): ds is Published => ds.bi !== undefined;

export function createLakeBi(name: string, ctx: LakeContext, args: LakeBiArgs, self: LakeBi) {
    const child = { parent: self };
    const s = args.settings;
    const dir: QuickSightDirectory = { ...ctx.arn, identityRegion: s.identityRegion ?? ctx.arn.region, namespace: s.namespace ?? "default" };
    const timezone = s.timezone ?? "UTC";
    const published = args.tables.filter((t) => isPublished(t.tableRef.dataset));
    const problems: string[] = [];
    for (const d of s.dashboards ?? []) {
        if (!published.some((t) => t.tableRef.dataset.name === d.dataset)) problems.push(`dashboard '${d.name}' shows dataset '${d.dataset}', which is not published (no bi: block in its file, or not in this stack)`);
        if ((d.sourceAnalysisArn === undefined) === (d.sourceTemplateArn === undefined)) problems.push(`dashboard '${d.name}' needs exactly one of sourceAnalysisArn and sourceTemplateArn`);
    }
    if (problems.length) throw new pulumi.ResourceError(`LakeBi ${name}: ${problems.join("; ")}`, self);
    // From the lists validation checked (contract/naming.ts), so what validate accepted is what deploys.
    const valid = (n: DerivedName, of: string) => {
        const problem = nameProblem(n);
        if (problem) throw new pulumi.ResourceError(`LakeBi ${name}: ${of}: derived ${n.what} id '${n.name}' ${problem}`, self);
        return n.name;
    };
    const biName = (ds: Published, key: BiNameKey) => valid(biDerivedNames(ctx.namer.args, ds)[key], ds.file);

    // Groups live in the identity region; their members come from QuickSight or the IdP, not from here. Config
    // declares the admin group and describes groups; a group only a dataset file names is created too (an empty
    // group shows nobody anything, so a misspelt name fails closed and shows in the PR's plan).
    const declared = [{ name: s.adminGroup, description: "Lake BI admins: own the lake's QuickSight data source, datasets, folders and dashboards." }, ...s.groups];
    const named = published.flatMap((t) => (t.tableRef.dataset as Published).bi.groups).filter((g, i, all) => all.indexOf(g) === i && !declared.some((d) => d.name === g));
    const groups = [...declared, ...named.map((name): { name: string; description?: string } => ({ name }))].map(
        (g) =>
            new aws.quicksight.Group(
                `${name}-group-${g.name}`,
                { groupName: g.name, namespace: dir.namespace, region: dir.identityRegion, ...(g.description ? { description: g.description } : {}) },
                child,
            ),
    );

    const role = new aws.iam.Role(
        `${name}-role`,
        {
            name: ctx.namer.resource(PLATFORM_RESOURCES.quicksightRole.purpose),
            description: "QuickSight's Athena data source: queries in the BI workgroup only, reads the published gold tables.",
            assumeRolePolicy: JSON.stringify(quicksightTrust(ctx.arn)),
        },
        child,
    );
    const grantee = roleGrantee("quicksight", role.arn);
    for (const t of published) {
        const bi = (t.tableRef.dataset as Published).bi;
        t.grantRead(grantee, bi.columnSubset ? { columns: bi.columns } : {});
    }
    const tableNames = pulumi.all(published.map((t) => pulumi.all([t.tableRef.databaseName, t.tableRef.tableName, t.tableRef.location])));
    const policy = new aws.iam.RolePolicy(
        `${name}-role-policy`,
        {
            role: role.name,
            name: "lake-quicksight",
            policy: pulumi.all([args.workgroup.name, args.workgroup.resultsBucket, args.kmsKeyArn, tableNames]).apply(([workgroup, bucket, kmsKeyArn, tables]) =>
                JSON.stringify(
                    biRolePolicy({
                        ...ctx.arn,
                        workgroup,
                        results: { bucket, prefix: args.workgroup.resultsPrefix },
                        kmsKeyArn,
                        tables: tables.map(([database, table]) => ({ database, table })),
                        ...(args.lakeFormation ? {} : { iamMode: tables.map(([database, table, location]) => ({ ...ctx.arn, kmsKeyArn, database, table, location: parseS3Uri(location) })) }),
                    }),
                ),
            ),
        },
        child,
    );

    const dataSource = new aws.quicksight.DataSource(
        `${name}-athena`,
        {
            dataSourceId: ctx.namer.resource(PLATFORM_RESOURCES.quicksightDataSource.purpose),
            name: "Lake gold layer (Athena, BI workgroup)",
            type: "ATHENA",
            parameters: { athena: { workGroup: args.workgroup.name, roleArn: role.arn } },
            sslProperties: { disableSsl: false },
            permissions: permissions(dir, s.adminGroup, QUICKSIGHT_ACTIONS.dataSourceOwner, [], []),
        },
        { parent: self, dependsOn: [policy, ...groups] },
    );

    // Analysts' analyses and dashboards hang off a dataset, and its row permissions protect it: in prod neither is
    // deleted or replaced by accident. Not retained on delete: unpublishing (removing `bi:`) must revoke access.
    const after = { parent: self, protect: ctx.protection.protect, dependsOn: [...groups, ...(args.grantsFrom ? [args.grantsFrom] : [])] };
    const dataSets = new Map<string, aws.quicksight.DataSet>();
    for (const t of published) {
        const ds = t.tableRef.dataset as Published;
        const key = `${name}-${ds.name}`;
        const groupNames = ds.bi.groups;
        const maps = pulumi.all([dataSource.arn, t.tableRef.databaseName]).apply(([arn, database]) => tableMaps(ds, arn, database));
        const rules = ds.bi.rowLevelSecurity
            ? new aws.quicksight.DataSet(
                  `${key}-rls`,
                  {
                      dataSetId: biName(ds, "biRowPermissions"),
                      name: `${ds.name} row permissions`,
                      importMode: "DIRECT_QUERY",
                      useAs: "RLS_RULES",
                      physicalTableMaps: [{ physicalTableMapId: "rules", customSql: { dataSourceArn: dataSource.arn, name: "rules", sqlQuery: rowPermissionsSql(ds), columns: rowPermissionsColumns(ds) } }],
                      logicalTableMaps: [{ logicalTableMapId: "rules", alias: "rules", source: { physicalTableId: "rules" } }],
                      permissions: permissions(dir, s.adminGroup, QUICKSIGHT_ACTIONS.dataSetOwner, [], []),
                      tags: datasetTags(ds),
                  },
                  after,
              )
            : undefined;
        const reason = ds.bi.unrestrictedReason;
        const refresh = refreshProperties(ds.bi);
        const cls = columnRules(dir, ds.bi);
        const dataSet = new aws.quicksight.DataSet(
            `${key}-dataset`,
            {
                dataSetId: biName(ds, "biDataSet"),
                name: ds.name,
                importMode: ds.bi.importMode,
                physicalTableMaps: maps.physicalTableMaps,
                logicalTableMaps: maps.logicalTableMaps,
                permissions: permissions(dir, s.adminGroup, QUICKSIGHT_ACTIONS.dataSetOwner, groupNames, QUICKSIGHT_ACTIONS.dataSetViewer),
                ...(refresh ? { refreshProperties: refresh } : {}),
                ...(rules ? { rowLevelPermissionDataSet: { arn: rules.arn, permissionPolicy: "GRANT_ACCESS", formatVersion: "VERSION_2", namespace: dir.namespace, status: "ENABLED" } } : {}),
                ...(cls.length ? { columnLevelPermissionRules: cls } : {}),
                tags: { ...datasetTags(ds), ...(reason ? { [BI_MARKERS.unrestrictedReason]: reason.slice(0, 256) } : {}) },
            },
            after,
        );
        dataSets.set(ds.name, dataSet);
        if (ds.bi.importMode === "SPICE" && ds.bi.refresh) {
            new aws.quicksight.RefreshSchedule(`${key}-refresh`, { dataSetId: dataSet.dataSetId, scheduleId: scheduleId(ds.bi.refresh), schedule: refreshSchedule(ds.bi.refresh, timezone) }, child);
        }
    }

    // Dashboards: a template from this account's analysis (then shared with the next stage), or one promoted to here.
    const dashboardIds: Record<string, pulumi.Output<string>> = {};
    const templateArns: Record<string, pulumi.Output<string>> = {};
    const dashboards = new Map<string, { name: string; dashboard: aws.quicksight.Dashboard }[]>();
    for (const d of s.dashboards ?? []) {
        const ds = published.find((t) => t.tableRef.dataset.name === d.dataset)!.tableRef.dataset as Published;
        const id = valid(biDashboardName(ctx.namer.args, d.name), `dashboard ${d.name}`);
        const references = [{ dataSetArn: dataSets.get(ds.name)!.arn, dataSetPlaceholder: ds.name }];
        let source: pulumi.Input<string>;
        if (d.sourceAnalysisArn) {
            const template = new aws.quicksight.Template(
                `${name}-template-${d.name}`,
                {
                    templateId: id,
                    name: d.title,
                    versionDescription: `From analysis ${d.sourceAnalysisArn}`,
                    sourceEntity: { sourceAnalysis: { arn: d.sourceAnalysisArn, dataSetReferences: references } },
                    permissions: [
                        ...permissions(dir, s.adminGroup, QUICKSIGHT_ACTIONS.templateOwner, [], []),
                        ...(d.shareWithAccounts ?? []).map((a) => ({ principal: accountRoot(ctx.arn.partition, a), actions: [...QUICKSIGHT_ACTIONS.templateUser] })),
                    ],
                },
                child,
            );
            templateArns[d.name] = template.arn;
            source = template.arn;
        } else source = d.sourceTemplateArn!;
        const dashboard = new aws.quicksight.Dashboard(
            `${name}-dashboard-${d.name}`,
            {
                dashboardId: id,
                name: d.title,
                versionDescription: `From template ${d.sourceTemplateArn ?? "of this stack"}`,
                sourceEntity: { sourceTemplate: { arn: source, dataSetReferences: references } },
                permissions: permissions(dir, s.adminGroup, QUICKSIGHT_ACTIONS.dashboardOwner, ds.bi.groups, QUICKSIGHT_ACTIONS.dashboardViewer),
                tags: datasetTags(ds),
            },
            child,
        );
        dashboardIds[d.name] = dashboard.dashboardId;
        dashboards.set(ds.domain, [...(dashboards.get(ds.domain) ?? []), { name: d.name, dashboard }]);
    }

    // One shared folder per domain: its datasets and dashboards, visible to the groups that use any of them.
    const folderArns: Record<string, pulumi.Output<string>> = {};
    for (const domain of [...new Set(published.map((t) => t.tableRef.dataset.domain))]) {
        const inDomain = published.map((t) => t.tableRef.dataset as Published).filter((ds) => ds.domain === domain);
        const viewers = [...new Set(inDomain.flatMap((ds) => ds.bi.groups))];
        const folder = new aws.quicksight.Folder(
            `${name}-folder-${domain}`,
            {
                folderId: biName(inDomain[0]!, "biFolder"),
                name: domain,
                folderType: "SHARED",
                permissions: permissions(dir, s.adminGroup, QUICKSIGHT_ACTIONS.folderOwner, viewers, QUICKSIGHT_ACTIONS.folderViewer),
            },
            { parent: self, dependsOn: groups },
        );
        folderArns[domain] = folder.arn;
        for (const ds of inDomain) {
            new aws.quicksight.FolderMembership(`${name}-folder-${domain}-${ds.name}`, { folderId: folder.folderId, memberType: "DATASET", memberId: dataSets.get(ds.name)!.dataSetId }, child);
        }
        for (const d of dashboards.get(domain) ?? []) {
            new aws.quicksight.FolderMembership(`${name}-folder-${domain}-dash-${d.name}`, { folderId: folder.folderId, memberType: "DASHBOARD", memberId: d.dashboard.dashboardId }, child);
        }
    }
    return { role, dataSource, dataSetArns: Object.fromEntries([...dataSets].map(([k, v]) => [k, v.arn])), folderArns, dashboardIds, templateArns };
}
