/** Columns and partition keys: Glue/Athena names, reserved words, Hive types, what OpenCSVSerde can read. */
import type { FileContext } from "./build";
import { HiveTypeError, isPrimitive, parseHiveType, formatHiveType } from "./hive-types";
import { Column } from "./model";
import { DatasetProblem, FieldPath } from "./problems";
import { isReserved } from "./reserved";
import { SourceFile } from "./yaml-source";

const IDENT = /^[a-z][a-z0-9_]*$/;
const MAX_IDENT = 255;
/** Column types Athena's OpenCSVSerde parses from text (Athena docs, "Open CSV SerDe", non-string data). */
const CSV_TYPES = ["string", "boolean", "int", "bigint", "double"];

export function identProblems(name: string, where: FieldPath, what: string, src: SourceFile): DatasetProblem[] {
    if (name.length > MAX_IDENT || !IDENT.test(name)) {
        return [src.problem(where, `${what} must be 1-${MAX_IDENT} lowercase letters, digits and underscores, starting with a letter (Glue/Athena names)`, name)];
    }
    if (isReserved(name)) return [src.problem(where, `'${name}' is an Athena reserved word; every query would have to quote it. Rename it, e.g. '${name}_value' or a more specific name`, name)];
    return [];
}

/** Validated columns with their types normalised (lowercase, no spaces), as Glue stores them. */
export function checkColumns(cols: { name: string; type: string; comment?: string }[], field: "columns" | "partitionKeys", ctx: FileContext): Column[] {
    const partition = field === "partitionKeys";
    const seen = new Map<string, number>();
    return cols.map((c, i) => {
        ctx.push(...identProblems(c.name, [field, i, "name"], partition ? "partition key" : "column name", ctx.src));
        if (seen.has(c.name)) ctx.push(ctx.src.problem([field, i, "name"], `duplicate ${partition ? "partition key" : "column"} '${c.name}' (also ${field}[${seen.get(c.name)}])`, c.name));
        else seen.set(c.name, i);
        let type = c.type;
        try {
            const parsed = parseHiveType(c.type);
            type = formatHiveType(parsed);
            if (partition && !isPrimitive(parsed)) ctx.push(ctx.src.problem([field, i, "type"], `a partition key must have a primitive type (string, int, date...), not ${type}`, c.type));
        } catch (e) {
            if (!(e instanceof HiveTypeError)) throw e;
            ctx.push(ctx.src.problem([field, i, "type"], e.message, c.type));
        }
        return { name: c.name, type, ...(c.comment ? { comment: c.comment } : {}) };
    });
}

/** A partition key is a folder name, not a column of the files. */
export function partitionKeyProblems(columns: Column[], partitionKeys: Column[], ctx: FileContext): void {
    const names = new Set(columns.map((c) => c.name));
    partitionKeys.forEach((k, i) => {
        if (names.has(k.name)) ctx.push(ctx.src.problem(["partitionKeys", i, "name"], `partition key '${k.name}' is also listed in columns; list it only under partitionKeys (Hive stores partition values in the path, not the files)`, k.name));
    });
}

export function csvColumnProblems(columns: Column[], ctx: FileContext): void {
    columns.forEach((c, i) => {
        if (!CSV_TYPES.includes(c.type)) {
            ctx.push(ctx.src.problem(["columns", i, "type"], `csv tables are read with OpenCSVSerde, which parses only ${CSV_TYPES.join(", ")} (timestamp only as epoch millis, date only as days since 1970): declare '${c.name}' as string here and cast it in the silver job`, c.type));
        }
    });
}
