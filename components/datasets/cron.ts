/**
 * AWS cron expressions as Glue crawler/trigger schedules accept them: `cron(min hour dom month dow year)`,
 * six fields, exactly one of day-of-month / day-of-week is `?`.
 * Returns the problems (empty when valid).
 */
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
    name: string;
    min: number;
    max: number;
    names?: string[];
    /** Extra single tokens allowed (L, W, #). */
    special?: RegExp;
}

const FIELDS: FieldSpec[] = [
    { name: "minutes", min: 0, max: 59 },
    { name: "hours", min: 0, max: 23 },
    { name: "day-of-month", min: 1, max: 31, special: /^(L|LW|\d{1,2}W)$/ },
    { name: "month", min: 1, max: 12, names: MONTHS },
    { name: "day-of-week", min: 1, max: 7, names: DAYS, special: /^([1-7A-Z]{1,3}L|L|[1-7A-Z]{1,3}#[1-5])$/ },
    { name: "year", min: 1970, max: 2199 },
];

export function cronProblems(expr: string): string[] {
    const m = /^cron\((.*)\)$/.exec(expr.trim());
    if (!m) return [`'${expr}' is not an AWS cron expression: write cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 3 * * ? *)`];
    const parts = m[1]!.trim().split(/\s+/);
    if (parts.length !== 6) {
        return [`${parts.length} fields in '${expr}': AWS cron has 6 (minutes hours day-of-month month day-of-week year), e.g. cron(0 3 * * ? *)`];
    }
    const problems: string[] = [];
    parts.forEach((part, i) => {
        const spec = FIELDS[i]!;
        const bad = fieldProblem(part, spec);
        if (bad) problems.push(`${spec.name} '${part}' ${bad}`);
    });
    const [, , dom, , dow] = parts;
    if ((dom === "?") === (dow === "?")) {
        problems.push(`exactly one of day-of-month ('${dom}') and day-of-week ('${dow}') must be '?', e.g. cron(0 3 * * ? *)`);
    }
    return problems;
}

function fieldProblem(part: string, spec: FieldSpec): string | undefined {
    if (part === "?") return spec.name === "day-of-month" || spec.name === "day-of-week" ? undefined : "may not be '?' (only day-of-month or day-of-week)";
    if (spec.special?.test(part.toUpperCase())) return undefined;
    for (const item of part.split(",")) {
        const [range, step, ...extra] = item.split("/");
        if (extra.length) return "has more than one '/'";
        if (step !== undefined && !/^\d+$/.test(step)) return `has a step '${step}' that is not a number`;
        if (range === "*") continue;
        const ends = range!.split("-");
        if (ends.length > 2) return `has a bad range '${range}'`;
        for (const end of ends) {
            const value = valueOf(end, spec);
            if (value === undefined) return `has '${end}', expected ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ""}`;
        }
    }
    return undefined;
}

function valueOf(token: string, spec: FieldSpec): number | undefined {
    if (/^\d+$/.test(token)) {
        const n = Number(token);
        return n >= spec.min && n <= spec.max ? n : undefined;
    }
    const idx = spec.names?.indexOf(token.toUpperCase()) ?? -1;
    return idx >= 0 ? idx + spec.min : undefined;
}
