/** Athena partition projection: one well-formed entry per partition key, ranges in their format, a template with every key. */
import type { FileContext } from "./build";
import { Column, DatasetFormat, PartitionProjection, Projection } from "./model";
import { FieldPath, didYouMean } from "./problems";
import type { DatasetFile } from "./shape";

const NOW_RELATIVE = /^NOW(?:\s*[+-]\s*\d+\s*(?:YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?))?$/i;

/** Date/time fields a format letter run stands for (Java DateTimeFormatter letters Athena projection formats use). */
type DatePart = "year" | "year2" | "month" | "day" | "hour" | "minute" | "second" | "millis";
const DATE_TOKENS: Record<string, { re: string; part: DatePart }> = {
    yyyy: { re: "\\d{4}", part: "year" },
    uuuu: { re: "\\d{4}", part: "year" },
    yy: { re: "\\d{2}", part: "year2" },
    MM: { re: "\\d{2}", part: "month" },
    M: { re: "\\d{1,2}", part: "month" },
    dd: { re: "\\d{2}", part: "day" },
    d: { re: "\\d{1,2}", part: "day" },
    HH: { re: "\\d{2}", part: "hour" },
    H: { re: "\\d{1,2}", part: "hour" },
    mm: { re: "\\d{2}", part: "minute" },
    ss: { re: "\\d{2}", part: "second" },
    SSS: { re: "\\d{3}", part: "millis" },
};

/** A compiled date format: its regex, and which capture group holds which field. */
interface DateFormat {
    re: RegExp;
    parts: DatePart[];
}

function compileDateFormat(format: string): DateFormat | undefined {
    let out = "";
    const parts: DatePart[] = [];
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
            const token = DATE_TOKENS[format.slice(i, j)];
            if (!token) return undefined;
            out += `(${token.re})`;
            parts.push(token.part);
            i = j;
        } else {
            out += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
            i++;
        }
    }
    return { re: new RegExp(`^${out}$`), parts };
}

/** Regex for the dates a Java DateTimeFormatter pattern produces (the letters Athena projection formats use). */
export function dateFormatRegex(format: string): RegExp | undefined {
    return compileDateFormat(format)?.re;
}

const daysIn = (year: number | undefined, month: number) => (month === 2 ? (year === undefined || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/**
 * A date written in `format` as comparable numbers (year, month, day, hour, minute, second, millis), or why it is
 * no date at all (`2024-13-45`: the regex accepts the digits, the calendar doesn't).
 */
export function parseProjectedDate(format: string, value: string): { key: number[] } | { problem: string } | undefined {
    const f = compileDateFormat(format);
    const m = f && f.re.exec(value);
    if (!f || !m) return undefined;
    const v: Partial<Record<DatePart, number>> = {};
    f.parts.forEach((p, i) => (v[p] = Number(m[i + 1])));
    const year = v.year ?? (v.year2 !== undefined ? 2000 + v.year2 : undefined);
    const wrong: string[] = [];
    if (v.month !== undefined && (v.month < 1 || v.month > 12)) wrong.push(`month ${v.month} is not 1-12`);
    else if (v.day !== undefined && (v.day < 1 || v.day > daysIn(year, v.month ?? 1))) wrong.push(`day ${v.day} is not in 1-${daysIn(year, v.month ?? 1)}${v.month !== undefined ? ` for month ${v.month}` : ""}`);
    if (v.hour !== undefined && v.hour > 23) wrong.push(`hour ${v.hour} is not 0-23`);
    if (v.minute !== undefined && v.minute > 59) wrong.push(`minute ${v.minute} is not 0-59`);
    if (v.second !== undefined && v.second > 59) wrong.push(`second ${v.second} is not 0-59`);
    if (wrong.length) return { problem: `${value} is not a date: ${wrong.join(", ")}` };
    return { key: [year ?? 0, v.month ?? 1, v.day ?? 1, v.hour ?? 0, v.minute ?? 0, v.second ?? 0, v.millis ?? 0] };
}

/** Seconds per unit, to order NOW-relative ends (months and years at their average length: only the order matters). */
const UNIT_SECONDS: Record<string, number> = { SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86400, WEEK: 604800, MONTH: 2629746, YEAR: 31556952 };

/** `NOW`, `NOW-3YEARS`, `NOW+1DAYS` as seconds from now. */
export function nowOffset(s: string): number | undefined {
    const m = /^NOW(?:\s*([+-])\s*(\d+)\s*(YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)S?)?$/i.exec(s);
    if (!m) return undefined;
    if (!m[1]) return 0;
    return (m[1] === "-" ? -1 : 1) * Number(m[2]) * UNIT_SECONDS[m[3]!.toUpperCase()]!;
}

const before = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
    return false;
};

/** One end of a date range: a calendar date (absolute) or an offset from NOW, comparable with an end of the same kind. */
function dateRangeEnd(format: string, s: string): { key: number[]; absolute: boolean } | { problem: string } | undefined {
    const offset = nowOffset(s);
    if (offset !== undefined) return { key: [offset], absolute: false };
    const d = parseProjectedDate(format, s);
    return d && ("problem" in d ? d : { key: d.key, absolute: true });
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
            } else {
                const [a, b] = [dateRangeEnd(p.format, lo!), dateRangeEnd(p.format, hi!)];
                const bad = [a, b].find((e): e is { problem: string } => !!e && "problem" in e);
                if (bad) push(src.problem([...where, "range"], bad.problem, p.range));
                else if (a && b && "key" in a && "key" in b && (/[yu]/.test(p.format) || !a.absolute) && a.absolute === b.absolute && before(b.key, a.key)) {
                    push(src.problem([...where, "range"], `start ${lo} is after end ${hi}`, p.range));
                }
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
                // The value is put into the location template as written: it must stay one folder below the location.
                else if (v.includes("/") || v === "." || v === "..") push(src.problem([...where, "values", i], "an enum value is one folder name in the data's path: no '/', '.' or '..'", v));
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
