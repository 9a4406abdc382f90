/**
 * Case-normalise values whose meaning is unambiguous (`Parquet`, `GOLD`, `raw` for bronze, column names, which
 * Glue lowercases anyway) before the schema sees them. Types are normalised later, by the type parser.
 */
import { isObject } from "./yaml-source";

export function normalise(raw: Record<string, unknown>): void {
    const lower = (o: Record<string, unknown>, key: string, aliases: Record<string, string> = {}) => {
        const v = o[key];
        if (typeof v === "string") o[key] = aliases[v.trim().toLowerCase()] ?? v.trim().toLowerCase();
    };
    lower(raw, "format");
    lower(raw, "layer", { raw: "bronze" });
    lower(raw, "classification");
    if (isObject(raw.source)) {
        lower(raw.source, "type");
        if (typeof raw.source.input === "string") lower(raw.source, "input");
    }
    for (const key of ["columns", "partitionKeys"]) {
        const cols = raw[key];
        if (Array.isArray(cols)) for (const c of cols) if (isObject(c)) lower(c, "name");
    }
    const consumerLists = [raw.consumers, ...(isObject(raw.overrides) ? Object.values(raw.overrides).map((o) => (isObject(o) ? o.consumers : undefined)) : [])];
    for (const list of consumerLists) {
        if (!Array.isArray(list)) continue;
        for (const c of list) if (isObject(c) && Array.isArray(c.columns)) c.columns = c.columns.map((x) => (typeof x === "string" ? x.toLowerCase() : x));
    }
    if (isObject(raw.projection) && isObject(raw.projection.keys)) {
        for (const p of Object.values(raw.projection.keys)) {
            if (!isObject(p)) continue;
            lower(p, "type");
            if (typeof p.unit === "string") p.unit = p.unit.toUpperCase();
        }
    }
}
