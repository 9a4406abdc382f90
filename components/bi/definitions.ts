/**
 * The BI layer's QuickSight inputs as pure functions of the dataset model, written exactly as the service returns
 * them on read, so a refresh finds no drift (the provider otherwise shows the physical table map replaced, refresh
 * properties changing, or permissions rewritten on every preview):
 *
 * - physical and logical table maps keyed by the same id (the service answers a dataset without a logical table map
 *   with one named after the physical id), the Athena catalog `AwsDataCatalog` written out, column types upper case;
 * - refresh properties only for an incremental SPICE refresh (a DIRECT_QUERY dataset has none, and reading them fails);
 * - permission action lists in the service's order (sorted), each one a set the console itself grants.
 */
import type { ArnContext } from "../../contract";
import { BiPublication, BiRefresh, Dataset, quickSightType } from "../datasets";

/** Athena's default catalog, which DescribeDataSet returns on every Athena relational table. */
export const ATHENA_CATALOG = "AwsDataCatalog";

/** Permission action lists as DescribeXPermissions returns them: the console's owner and viewer sets, sorted. */
export const QUICKSIGHT_ACTIONS = {
    dataSourceOwner: ["quicksight:DeleteDataSource", "quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource", "quicksight:UpdateDataSource", "quicksight:UpdateDataSourcePermissions"],
    dataSetOwner: [
        "quicksight:CancelIngestion", "quicksight:CreateIngestion", "quicksight:DeleteDataSet", "quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions",
        "quicksight:DescribeIngestion", "quicksight:ListIngestions", "quicksight:PassDataSet", "quicksight:UpdateDataSet", "quicksight:UpdateDataSetPermissions",
    ],
    dataSetViewer: ["quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:DescribeIngestion", "quicksight:ListIngestions", "quicksight:PassDataSet"],
    folderOwner: [
        "quicksight:CreateFolder", "quicksight:CreateFolderMembership", "quicksight:DeleteFolder", "quicksight:DeleteFolderMembership", "quicksight:DescribeFolder",
        "quicksight:DescribeFolderPermissions", "quicksight:UpdateFolder", "quicksight:UpdateFolderPermissions",
    ],
    folderViewer: ["quicksight:DescribeFolder"],
    templateOwner: [
        "quicksight:CreateTemplateAlias", "quicksight:DeleteTemplate", "quicksight:DeleteTemplateAlias", "quicksight:DescribeTemplate", "quicksight:DescribeTemplateAlias",
        "quicksight:DescribeTemplatePermissions", "quicksight:ListTemplateAliases", "quicksight:ListTemplateVersions", "quicksight:UpdateTemplate", "quicksight:UpdateTemplateAlias",
        "quicksight:UpdateTemplatePermissions",
    ],
    /** What another account needs to make a dashboard from the template. */
    templateUser: ["quicksight:DescribeTemplate"],
    dashboardOwner: [
        "quicksight:DeleteDashboard", "quicksight:DescribeDashboard", "quicksight:DescribeDashboardPermissions", "quicksight:ListDashboardVersions", "quicksight:QueryDashboard",
        "quicksight:UpdateDashboard", "quicksight:UpdateDashboardPermissions", "quicksight:UpdateDashboardPublishedVersion",
    ],
    dashboardViewer: ["quicksight:DescribeDashboard", "quicksight:ListDashboardVersions", "quicksight:QueryDashboard"],
} as const;

/** Where QuickSight principals live: the identity region and namespace of the account's subscription. */
export interface QuickSightDirectory extends ArnContext {
    identityRegion: string;
    namespace: string;
}

/** A group's principal ARN, as permissions name it (`arn:<partition>:quicksight:<identity region>:<account>:group/<namespace>/<name>`). */
export const groupArn = (d: QuickSightDirectory, group: string) => `arn:${d.partition}:quicksight:${d.identityRegion}:${d.accountId}:group/${d.namespace}/${group}`;

/** An account's root, the principal a cross-account template permission names. */
export const accountRoot = (partition: string, accountId: string) => `arn:${partition}:iam::${accountId}:root`;

/** Owner actions for the admin group, viewer actions for each other group (admins first, then in declaration order). */
export function permissions(d: QuickSightDirectory, admin: string, owner: readonly string[], viewers: readonly string[], viewer: readonly string[]) {
    return [admin, ...viewers.filter((g) => g !== admin)].map((g) => ({ principal: groupArn(d, g), actions: [...(g === admin ? owner : viewer)] }));
}

/** Physical and logical table map ids: QuickSight allows `[0-9a-zA-Z-]`, 1-64. */
export const tableMapId = (ds: Pick<Dataset, "name">) => ds.name.replace(/_/g, "-").slice(0, 64);

/** The published columns with their QuickSight types (the loader refused any QuickSight can't read). */
export function inputColumns(ds: Dataset & { bi: BiPublication }): { name: string; type: string }[] {
    const all = new Map([...ds.columns, ...ds.partitionKeys].map((c) => [c.name, c.type]));
    return ds.bi.columns.map((name) => ({ name, type: quickSightType(all.get(name)!)! }));
}

/** The dataset's one Athena table, read through the data source, and its logical table (same id, the table name as alias). */
export function tableMaps(ds: Dataset & { bi: BiPublication }, dataSourceArn: string, database: string) {
    const id = tableMapId(ds);
    return {
        physicalTableMaps: [{ physicalTableMapId: id, relationalTable: { dataSourceArn, catalog: ATHENA_CATALOG, schema: database, name: ds.name, inputColumns: inputColumns(ds) } }],
        logicalTableMaps: [{ logicalTableMapId: id, alias: ds.name, source: { physicalTableId: id } }],
    };
}

/** Incremental SPICE refresh: the look-back window. Undefined otherwise (and never for DIRECT_QUERY). */
export function refreshProperties(bi: BiPublication) {
    const inc = bi.importMode === "SPICE" ? bi.refresh?.incremental : undefined;
    return inc ? { refreshConfiguration: { incrementalRefresh: { lookbackWindow: { columnName: inc.column, size: inc.size, sizeUnit: inc.unit } } } } : undefined;
}

/** The refresh schedule's id: one schedule per dataset, named by its interval. */
export const scheduleId = (r: BiRefresh) => `lake-${r.interval.toLowerCase()}`;

/** A SPICE dataset's schedule, with only the fields the interval takes (the service drops the others on read). */
export function refreshSchedule(r: BiRefresh, defaultTimezone: string) {
    const refreshOnDay = r.dayOfWeek ? { dayOfWeek: r.dayOfWeek } : r.dayOfMonth ? { dayOfMonth: r.dayOfMonth } : undefined;
    return {
        refreshType: r.incremental ? "INCREMENTAL_REFRESH" : "FULL_REFRESH",
        scheduleFrequency: {
            interval: r.interval,
            ...(r.timeOfDay ? { timeOfTheDay: r.timeOfDay } : {}),
            timezone: r.timezone ?? defaultTimezone,
            ...(refreshOnDay ? { refreshOnDay } : {}),
        },
    };
}

/** The Athena (Trino) SQL type of a Glue/Hive column type: DDL says string and float, queries varchar and real. */
export const athenaSqlType = (hiveType: string) => (hiveType === "string" ? "varchar" : hiveType === "float" ? "real" : hiveType);

/** SQL string literal. */
const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * The row-level permissions dataset's query: one row per (group, value), NULL for a group that sees every row
 * (QuickSight's rule for an empty cell), over Athena's VALUES, so no table holds the rules: they are reviewed here.
 */
export function rowPermissionsSql(ds: Dataset & { bi: BiPublication }): string {
    const rls = ds.bi.rowLevelSecurity!;
    const type = athenaSqlType([...ds.columns, ...ds.partitionKeys].find((c) => c.name === rls.column)!.type);
    const rows = rls.rules.flatMap((r) => (r.values.length ? r.values.map((v) => `(${literal(r.group)}, CAST(${literal(v)} AS ${type}))`) : [`(${literal(r.group)}, CAST(NULL AS ${type}))`]));
    return `SELECT "GroupName", "${rls.column}" FROM (VALUES ${rows.join(", ")}) AS rules("GroupName", "${rls.column}")`;
}

/** The permissions dataset's columns: the group, and the filtered column typed as in the dataset. */
export function rowPermissionsColumns(ds: Dataset & { bi: BiPublication }): { name: string; type: string }[] {
    const rls = ds.bi.rowLevelSecurity!;
    return [{ name: "GroupName", type: "STRING" }, inputColumns(ds).find((c) => c.name === rls.column)!];
}

/** Column-level security rules, principals as group ARNs. */
export function columnRules(d: QuickSightDirectory, bi: BiPublication) {
    return bi.restrictedColumns.map((r) => ({ columnNames: [...r.columns], principals: r.groups.map((g) => groupArn(d, g)) }));
}
