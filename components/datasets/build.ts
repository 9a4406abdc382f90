/** One dataset file that passed the schema (overrides of this stack applied) -> the validated, defaulted Dataset. */
import { MIN_EXEMPTION_REASON_LENGTH, Partition } from "../../contract";
import { checkColumns, csvColumnProblems, identProblems, partitionKeyProblems } from "./columns";
import { Dataset, ROW_FORMATS } from "./model";
import { DatasetProblem, FieldPath } from "./problems";
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
    const source = buildSource(r.source, format, ctx, stack);
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
    };
}
