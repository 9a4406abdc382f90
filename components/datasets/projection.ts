/** Athena partition projection: one well-formed entry per partition key, ranges in their format, a template with every key. */
import type { FileContext } from "./build";
import { Column, DatasetFormat, PartitionProjection, Projection } from "./model";
import { FieldPath, didYouMean } from "./problems";
import type { DatasetFile } from "./shape";

const NOW_RELATIVE = /^NOW(?:\s*[+-]\s*\d+\s*(?:YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?))?$/i;

/** Regex for the dates a Java DateTimeFormatter pattern produces (the letters Athena projection formats use). */
export function dateFormatRegex(format: string): RegExp | undefined {
    const tokens: Record<string, string> = { yyyy: "\\d{4}", uuuu: "\\d{4}", yy: "\\d{2}", MM: "\\d{2}", M: "\\d{1,2}", dd: "\\d{2}", d: "\\d{1,2}", HH: "\\d{2}", H: "\\d{1,2}", mm: "\\d{2}", ss: "\\d{2}", SSS: "\\d{3}" };
    let out = "";
    let i = 0;
    while (i < format.length) {
        const ch = format[i]!;
        if (ch === "'") {
            const end = format.indexOf("'", i + 1);
            if (end < 0) return undefined;
            out += format.slice(i + 1, end).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            i = end + 1;
        } else if (/[A-Za-z]/.test(ch)) {
            let j = i;
            while (format[j] === ch) j++;
            const re = tokens[format.slice(i, j)];
            if (!re) return undefined;
            out += re;
            i = j;
        } else {
            out += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
            i++;
        }
    }
    return new RegExp(`^${out}$`);
}

export function checkProjection(raw: NonNullable<DatasetFile["projection"]>, partitionKeys: Column[], format: DatasetFormat, ctx: FileContext): PartitionProjection {
    const { src, push } = ctx;
    if (format === "iceberg") push(src.problem(["projection"], "Athena partition projection does not apply to Iceberg tables (Iceberg tracks its own partitions): remove projection"));
    const keyNames = partitionKeys.map((k) => k.name);
    const keys: Record<string, Projection> = {};
    for (const [key, p] of Object.entries(raw.keys)) {
        const where: FieldPath = ["projection", "keys", key];
        if (!keyNames.includes(key)) {
            push(src.problem(where, `'${key}' is not a partition key (partitionKeys: ${keyNames.join(", ") || "none"})${didYouMean(key, keyNames)}`, key, true));
            continue;
        }
        const type = partitionKeys.find((k) => k.name === key)!.type;
        const [lo, hi, ...more] = (p.type === "date" || p.type === "integer" ? p.range : "").split(",").map((s) => s.trim());
        if (p.type === "date") {
            const re = dateFormatRegex(p.format);
            if (!re) push(src.problem([...where, "format"], "not a date format Athena projection understands: use Java DateTimeFormatter letters like yyyy-MM-dd or yyyy/MM/dd/HH", p.format));
            const okEnd = (s: string | undefined) => !!s && (NOW_RELATIVE.test(s) || (re ? re.test(s) : true));
            if (more.length || !okEnd(lo) || !okEnd(hi)) {
                push(src.problem([...where, "range"], `a date range is 'start,end', each a date in the format ${p.format} or NOW-relative (e.g. NOW-3YEARS,NOW)`, p.range));
            } else if (re && re.test(lo!) && re.test(hi!) && /^[yu]{4}/.test(p.format) && lo! > hi!) {
                push(src.problem([...where, "range"], `start ${lo} is after end ${hi}`, p.range));
            }
            if (/[Hms]/.test(p.format.replace(/'[^']*'/g, "")) && !p.unit) {
                push(src.problem([...where], `format ${p.format} is finer than a day: set interval and unit (e.g. interval: 1, unit: HOURS)`, undefined, true));
            }
            if (!["string", "date"].includes(type)) push(src.problem([...where, "type"], `date projection needs a string or date partition key; '${key}' is ${type}`, p.type));
            keys[key] = { type: "date", range: p.range.replace(/\s+/g, ""), format: p.format, ...(p.interval ? { interval: p.interval } : {}), ...(p.unit ? { unit: p.unit } : {}) };
        } else if (p.type === "integer") {
            if (more.length || !/^-?\d+$/.test(lo ?? "") || !/^-?\d+$/.test(hi ?? "")) push(src.problem([...where, "range"], "an integer range is 'min,max', e.g. 1,31", p.range));
            else if (Number(lo) > Number(hi)) push(src.problem([...where, "range"], `min ${lo} is greater than max ${hi}`, p.range));
            keys[key] = { type: "integer", range: p.range.replace(/\s+/g, ""), ...(p.interval ? { interval: p.interval } : {}), ...(p.digits ? { digits: p.digits } : {}) };
        } else if (p.type === "enum") {
            p.values.forEach((v, i) => {
                if (v.includes(",")) push(src.problem([...where, "values", i], "an enum value cannot contain ',' (Athena joins values with commas)", v));
            });
            keys[key] = { type: "enum", values: p.values };
        } else keys[key] = { type: "injected" };
    }
    for (const k of keyNames) if (!(k in raw.keys)) push(src.problem(["projection", "keys"], `partition key '${k}' has no projection; with projection on, Athena needs one for every partition key`));
    if (raw.locationTemplate !== undefined) {
        const placeholders = [...raw.locationTemplate.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!);
        const missing = keyNames.filter((k) => !placeholders.includes(k));
        const extra = placeholders.filter((p) => !keyNames.includes(p));
        if (missing.length || extra.length || placeholders.length !== new Set(placeholders).size) {
            push(src.problem(["projection", "locationTemplate"], `must contain each partition key once as \${key} (${keyNames.map((k) => `\${${k}}`).join(", ")})${extra.length ? `; unknown: ${extra.join(", ")}` : ""}`, raw.locationTemplate));
        }
    }
    return { keys, ...(raw.locationTemplate ? { locationTemplate: raw.locationTemplate } : {}) };
}
