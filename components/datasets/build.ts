/** One dataset file that passed the schema (overrides of this stack applied) -> the validated, defaulted Dataset. */
import { MIN_EXEMPTION_REASON_LENGTH, Partition } from "../../contract";
import { checkColumns, csvColumnProblems, identProblems, partitionKeyProblems } from "./columns";
import { BiPublication, Column, Dataset, ROW_FORMATS } from "./model";
import { DatasetProblem, didYouMean, FieldPath } from "./problems";
import { checkProjection } from "./projection";
import { resolveGrantees } from "./principals";
import type { DatasetFile } from "./shape";
import { buildSource, crawlerProblems } from "./sources";
import { SourceFile } from "./yaml-source";

/** Where one file's checks report. */
export interface FileContext {
    src: SourceFile;
    /** Where a field is written for this stack: under `overrides.<stack>` when that overrides it. */
    at(field: string): FieldPath;
    push(...p: DatasetProblem[]): void;
}

/** The stack a file is loaded for. */
export interface StackContext {
    stack: string;
    accountId: string;
    partition: Partition;
    /** Undefined: not given to the loader, so ARN partitions aren't checked against it. */
    region?: string;
}

export function buildDataset(r: DatasetFile, ctx: FileContext, stack: StackContext): Dataset {
    const { src, push } = ctx;
    const format = r.format ?? "parquet";
    push(...identProblems(r.name, ["name"], "dataset name", src), ...identProblems(r.domain, ["domain"], "domain", src));

    const columns = checkColumns(r.columns, "columns", ctx);
    const partitionKeys = checkColumns(r.partitionKeys ?? [], "partitionKeys", ctx);
    partitionKeyProblems(columns, partitionKeys, ctx);

    if (ROW_FORMATS.includes(format) && r.layer !== "bronze") {
        push(src.problem(["format"], `${format} is a row format, allowed only in bronze; ${r.layer} must be parquet, orc or iceberg (convert it in the bronze-to-${r.layer} job)`, format));
    }
    if (format === "csv" && r.layer === "bronze") csvColumnProblems(columns, ctx);
    if (r.layer !== "bronze" && !partitionKeys.length && !r.unpartitionedReason) {
        push(src.problem(["partitionKeys"], `a ${r.layer} dataset needs partitionKeys, or an unpartitionedReason (at least ${MIN_EXEMPTION_REASON_LENGTH} characters) saying why a full scan is fine, e.g. a small dimension`));
    }
    if (partitionKeys.length && r.unpartitionedReason) {
        push(src.problem(["unpartitionedReason"], "the dataset has partitionKeys, so it is partitioned: remove unpartitionedReason", r.unpartitionedReason));
    }

    const projection = r.projection ? checkProjection(r.projection, partitionKeys, format, ctx) : undefined;
    const { producers, consumers } = resolveGrantees(r, [...columns, ...partitionKeys].map((c) => c.name), ctx, stack);
    const bi = r.bi ? buildBi(r.bi, r.layer, r.classification, [...columns, ...partitionKeys], ctx) : undefined;
    const source = buildSource(r.source, format, ctx, stack, { name: r.name, domain: r.domain, columns, partitionKeys, ...(projection ? { projection } : {}), ...(r.location ? { location: r.location } : {}) });
    crawlerProblems(source, r, format, ctx);

    return {
        file: src.file,
        name: r.name,
        domain: r.domain,
        owner: r.owner,
        description: r.description,
        registeredOn: r.registeredOn,
        layer: r.layer,
        format,
        columns,
        partitionKeys,
        ...(projection ? { projection } : {}),
        ...(r.location ? { location: r.location } : {}),
        classification: r.classification,
        producers,
        consumers,
        ...(r.retentionDays !== undefined ? { retentionDays: r.retentionDays } : {}),
        source,
        ...(r.crawlSchedule !== undefined ? { crawlSchedule: r.crawlSchedule.trim() } : {}),
        ...(r.unpartitionedReason ? { unpartitionedReason: r.unpartitionedReason } : {}),
        ...(bi ? { bi } : {}),
    };
}

// ---------------------------------------------------------------------------------------------------------------
// BI publication (issue 14): what QuickSight refuses, refused here with file, line and field.

/** The QuickSight input column type of an Athena type (Athena connector), undefined when QuickSight can't read it. */
export function quickSightType(hiveType: string): "STRING" | "INTEGER" | "DECIMAL" | "DATETIME" | "BOOLEAN" | undefined {
    const base = hiveType.replace(/[(<].*$/, "");
    if (["tinyint", "smallint", "int", "integer", "bigint"].includes(base)) return "INTEGER";
    if (["float", "double", "decimal"].includes(base)) return "DECIMAL";
    if (["string", "char", "varchar"].includes(base)) return "STRING";
    if (["date", "timestamp"].includes(base)) return "DATETIME";
    if (base === "boolean") return "BOOLEAN";
    return undefined;
}

const NUMBER_OF = { INTEGER: /^-?\d+$/, DECIMAL: /^-?\d+(\.\d+)?$/ } as const;
const TIME_ZONES = new Set(Intl.supportedValuesOf("timeZone").concat("UTC"));

function buildBi(raw: NonNullable<DatasetFile["bi"]>, layer: string, classification: string, all: Column[], ctx: FileContext): BiPublication {
    const { src, push } = ctx;
    const at = (...f: (string | number)[]) => ["bi", ...f];
    if (layer !== "gold") push(src.problem(["bi"], `only gold datasets are published to BI; this one is ${layer}: publish the gold dataset built from it`, layer, true));
    const byName = new Map(all.map((c) => [c.name, c]));
    const columns = raw.columns ?? all.map((c) => c.name);
    raw.columns?.forEach((c, i) => {
        if (!byName.has(c)) push(src.problem(at("columns", i), `not a column or partition key of the dataset${didYouMean(c, [...byName.keys()])}`, c));
    });
    for (const c of columns) {
        const col = byName.get(c);
        if (col && !quickSightType(col.type)) push(src.problem(raw.columns ? at("columns", raw.columns.indexOf(c)) : ["bi"], `column '${c}' is ${col.type}, which QuickSight can't read from Athena: list the columns to publish in bi.columns without it`, col.type, !raw.columns));
    }
    const published = (c: string, where: (string | number)[]) => {
        if (!columns.includes(c)) push(src.problem(where, `'${c}' is not a published column (${columns.join(", ")})`, c));
        return byName.get(c);
    };
    const groups = new Set(raw.groups);
    const inGroups = (g: string, where: (string | number)[]) => {
        if (!groups.has(g)) push(src.problem(where, `group '${g}' is not in bi.groups (${raw.groups.join(", ")})`, g));
    };

    const refresh = raw.refresh;
    if (raw.importMode === "SPICE" && !refresh) push(src.problem(at("importMode"), "a SPICE dataset needs bi.refresh (when to import), or it would never be updated after the first import", raw.importMode));
    if (raw.importMode === "DIRECT_QUERY" && refresh) push(src.problem(at("refresh"), "DIRECT_QUERY datasets query Athena on every visual: remove bi.refresh (it is for SPICE only)", undefined, true));
    if (refresh) {
        const r = (f: string) => at("refresh", f);
        const sub = ["MINUTE15", "MINUTE30", "HOURLY"].includes(refresh.interval);
        if (["MINUTE15", "MINUTE30"].includes(refresh.interval) && !refresh.incremental) push(src.problem(r("interval"), `QuickSight refreshes every ${refresh.interval === "MINUTE15" ? 15 : 30} minutes only incrementally: add bi.refresh.incremental, or use HOURLY or longer`, refresh.interval));
        if (sub && refresh.timeOfDay) push(src.problem(r("timeOfDay"), `an ${refresh.interval} refresh has no time of day: remove timeOfDay`, refresh.timeOfDay));
        if (!sub && !refresh.timeOfDay) push(src.problem(r("interval"), `a ${refresh.interval} refresh needs timeOfDay (HH:MM)`, refresh.interval));
        if ((refresh.interval === "WEEKLY") !== (refresh.dayOfWeek !== undefined)) push(src.problem(refresh.dayOfWeek ? r("dayOfWeek") : r("interval"), refresh.dayOfWeek ? "dayOfWeek is for WEEKLY refreshes only" : "a WEEKLY refresh needs dayOfWeek", refresh.dayOfWeek ?? refresh.interval));
        if ((refresh.interval === "MONTHLY") !== (refresh.dayOfMonth !== undefined)) push(src.problem(refresh.dayOfMonth ? r("dayOfMonth") : r("interval"), refresh.dayOfMonth ? "dayOfMonth is for MONTHLY refreshes only" : "a MONTHLY refresh needs dayOfMonth (1-31 or LAST_DAY_OF_MONTH)", refresh.dayOfMonth ?? refresh.interval));
        if (refresh.timezone !== undefined && !TIME_ZONES.has(refresh.timezone)) push(src.problem(r("timezone"), `not an IANA time zone (e.g. Europe/Dublin, America/New_York, UTC)${didYouMean(refresh.timezone, [...TIME_ZONES])}`, refresh.timezone));
        const inc = refresh.incremental;
        if (inc) {
            const col = published(inc.column, at("refresh", "incremental", "column"));
            if (col && quickSightType(col.type) !== "DATETIME") push(src.problem(at("refresh", "incremental", "column"), `the look-back column must be a date or timestamp; '${inc.column}' is ${col.type}`, inc.column));
        }
    }

    let rowLevelSecurity: BiPublication["rowLevelSecurity"];
    if (raw.rowLevelSecurity) {
        const rls = raw.rowLevelSecurity;
        const col = published(rls.column, at("rowLevelSecurity", "column"));
        const type = col ? quickSightType(col.type) : undefined;
        const rules = rls.rules.map((rule, i) => {
            inGroups(rule.group, at("rowLevelSecurity", "rules", i, "group"));
            const values = (rule.values ?? []).map(String);
            values.forEach((v, j) => {
                const pattern = type === "INTEGER" || type === "DECIMAL" ? NUMBER_OF[type] : undefined;
                if (pattern && !pattern.test(v)) push(src.problem(at("rowLevelSecurity", "rules", i, "values", j), `'${rls.column}' is ${col!.type}: ${v} is not a number`, rule.values![j]));
            });
            return { group: rule.group, values };
        });
        const dup = rules.map((r) => r.group).find((g, i, a) => a.indexOf(g) !== i);
        if (dup) push(src.problem(at("rowLevelSecurity", "rules"), `group '${dup}' has two rules: list all its values in one`, dup));
        rowLevelSecurity = { column: rls.column, rules };
    }
    const restrictedColumns = (raw.restrictedColumns ?? []).map((rc, i) => {
        rc.columns.forEach((c, j) => published(c, at("restrictedColumns", i, "columns", j)));
        rc.groups.forEach((g, j) => inGroups(g, at("restrictedColumns", i, "groups", j)));
        return { columns: rc.columns, groups: rc.groups };
    });
    const sensitive = classification === "confidential" || classification === "pii";
    const restricted = rowLevelSecurity !== undefined || restrictedColumns.length > 0;
    if (sensitive && !restricted && !raw.unrestrictedReason) {
        push(src.problem(["bi"], `a ${classification} dataset is published with rowLevelSecurity or restrictedColumns, or an unrestrictedReason (at least ${MIN_EXEMPTION_REASON_LENGTH} characters) saying why every group may see every row and column`, classification, true));
    }
    if (raw.unrestrictedReason && (restricted || !sensitive)) {
        push(src.problem(at("unrestrictedReason"), restricted ? "the dataset has row- or column-level restrictions: remove unrestrictedReason" : `only confidential and pii datasets need a reason to be unrestricted; this one is ${classification}: remove it`, raw.unrestrictedReason));
    }
    return {
        importMode: raw.importMode,
        ...(refresh ? { refresh: { ...refresh, ...(refresh.incremental ? { incremental: { ...refresh.incremental } } : {}) } } : {}),
        groups: [...raw.groups],
        columns,
        columnSubset: raw.columns !== undefined,
        ...(rowLevelSecurity ? { rowLevelSecurity } : {}),
        restrictedColumns,
        ...(raw.unrestrictedReason ? { unrestrictedReason: raw.unrestrictedReason } : {}),
    };
}
