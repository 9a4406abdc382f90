/**
 * Athena partition projection, checked the way Athena reads it
 * (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html).
 * Pure: takes the table's parameters and partition key names, returns the problems as
 * `{ key, problem, fix }` so the policy can phrase one message per problem.
 */

export interface ProjectionProblem {
    /** The table parameter at fault, e.g. `projection.dt.range`. */
    key: string;
    problem: string;
    fix: string;
}

const TYPES = ["enum", "integer", "date", "injected"] as const;
const UNITS = ["YEARS", "MONTHS", "WEEKS", "DAYS", "HOURS", "MINUTES", "SECONDS", "MILLISECONDS"];
const NOW = new RegExp(`^NOW(?:\\s*[+-]\\s*\\d+\\s*(?:${UNITS.map((u) => u.replace(/S$/, "S?")).join("|")}))?$`, "i");
const PLACEHOLDER = /\$\{([^}]*)\}/g;

export function projectionEnabled(parameters: Record<string, string>): boolean {
    return (parameters["projection.enabled"] ?? "").trim().toLowerCase() === "true";
}

/** Placeholders of a `storage.location.template`, in order. */
export function templatePlaceholders(template: string): string[] {
    return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

export function checkProjection(parameters: Record<string, string>, partitionKeys: string[]): ProjectionProblem[] {
    const out: ProjectionProblem[] = [];
    const p = (k: string) => parameters[k]?.trim();

    if (partitionKeys.length === 0) {
        out.push({
            key: "partitionKeys",
            problem: "partitionKeys is empty",
            fix: "declare the projected columns in partitionKeys (Athena projects partition columns only)",
        });
    }
    for (const key of partitionKeys) out.push(...checkKey(key, p));

    // Projection settings for columns that aren't partition keys are silently ignored by Athena.
    const keys = new Set(partitionKeys);
    for (const name of Object.keys(parameters)) {
        const m = /^projection\.(.+)\.type$/.exec(name);
        if (m && !keys.has(m[1])) {
            out.push({
                key: name,
                problem: `"${m[1]}" is not a partition key (partition keys: ${partitionKeys.join(", ") || "none"})`,
                fix: `remove ${name} or add "${m[1]}" to partitionKeys`,
            });
        }
    }
    return out;
}

export function checkTemplate(
    template: string | undefined,
    partitionKeys: string[],
    required: boolean,
): ProjectionProblem[] {
    const key = "storage.location.template";
    // No partition keys: checkProjection reports that, and there is nothing to place in a template.
    if (partitionKeys.length === 0) return [];
    const want = partitionKeys.map((k) => "${" + k + "}").join(", ");
    if (template === undefined || template.trim() === "") {
        return required
            ? [{ key, problem: "is not set", fix: `set it to an s3:// URI that contains exactly ${want}` }]
            : [];
    }
    const out: ProjectionProblem[] = [];
    if (!/^s3:\/\/[^/]+\//.test(template)) {
        out.push({ key, problem: `"${template}" is not an s3://bucket/prefix URI`, fix: "start it with s3://<bucket>/" });
    }
    const found = templatePlaceholders(template);
    const missing = partitionKeys.filter((k) => !found.includes(k));
    const extra = [...new Set(found.filter((k) => !partitionKeys.includes(k)))];
    const dup = [...new Set(found.filter((k, i) => found.indexOf(k) !== i))];
    if (missing.length > 0) {
        out.push({
            key,
            problem: `"${template}" lacks placeholder(s) ${missing.map((k) => "${" + k + "}").join(", ")}`,
            fix: `include every partition key: ${want}`,
        });
    }
    if (extra.length > 0) {
        out.push({
            key,
            problem: `"${template}" has placeholder(s) ${extra.map((k) => "${" + k + "}").join(", ")} that are not partition keys`,
            fix: `use only ${want || "partition keys"}`,
        });
    }
    if (dup.length > 0) {
        out.push({ key, problem: `"${template}" repeats ${dup.map((k) => "${" + k + "}").join(", ")}`, fix: "use each placeholder once" });
    }
    return out;
}

function checkKey(key: string, p: (k: string) => string | undefined): ProjectionProblem[] {
    const base = `projection.${key}`;
    const type = p(`${base}.type`)?.toLowerCase();
    if (!type) {
        return [{ key: `${base}.type`, problem: "is not set", fix: `set it to one of ${TYPES.join(", ")}` }];
    }
    if (!(TYPES as readonly string[]).includes(type)) {
        return [{ key: `${base}.type`, problem: `"${type}" is not a projection type`, fix: `use one of ${TYPES.join(", ")}` }];
    }
    const out: ProjectionProblem[] = [];
    const need = (suffix: string, example: string) => {
        const v = p(`${base}.${suffix}`);
        if (!v) out.push({ key: `${base}.${suffix}`, problem: `is required for type ${type} but not set`, fix: `set it, e.g. "${example}"` });
        return v;
    };
    const positiveInt = (suffix: string) => {
        const v = p(`${base}.${suffix}`);
        if (v !== undefined && !/^[1-9]\d*$/.test(v)) {
            out.push({ key: `${base}.${suffix}`, problem: `"${v}" is not a positive integer`, fix: "use a positive integer such as 1" });
        }
    };
    switch (type) {
        case "enum": {
            const values = need("values", "A,B,C");
            if (values && values.split(",").some((v) => v === "")) {
                out.push({ key: `${base}.values`, problem: `"${values}" has an empty value`, fix: "remove empty entries between commas" });
            }
            break;
        }
        case "integer": {
            const range = need("range", "0,100");
            if (range) {
                const parts = range.split(",").map((s) => s.trim());
                if (parts.length !== 2 || !parts.every((s) => /^-?\d+$/.test(s))) {
                    out.push({ key: `${base}.range`, problem: `"${range}" is not "min,max" integers`, fix: 'use two integers separated by a comma, e.g. "0,100"' });
                } else if (BigInt(parts[0]) > BigInt(parts[1])) {
                    out.push({ key: `${base}.range`, problem: `"${range}" has min greater than max`, fix: "put the smaller value first" });
                }
            }
            positiveInt("interval");
            positiveInt("digits");
            break;
        }
        case "date": {
            const range = need("range", "2024-01-01,NOW");
            const format = need("format", "yyyy-MM-dd");
            if (range) out.push(...checkDateRange(`${base}.range`, range, format));
            positiveInt("interval");
            const unit = p(`${base}.interval.unit`);
            if (unit !== undefined && !UNITS.includes(unit.toUpperCase())) {
                out.push({ key: `${base}.interval.unit`, problem: `"${unit}" is not a unit`, fix: `use one of ${UNITS.join(", ")}` });
            }
            break;
        }
        default:
            // injected: values come from the query's WHERE clause; nothing else to declare.
            break;
    }
    return out;
}

function checkDateRange(key: string, range: string, format: string | undefined): ProjectionProblem[] {
    const parts = range.split(",").map((s) => s.trim());
    if (parts.length !== 2 || parts.some((s) => s === "")) {
        return [{ key, problem: `"${range}" is not "start,end"`, fix: 'use two dates or NOW-relative values, e.g. "2024-01-01,NOW" or "NOW-3YEARS,NOW"' }];
    }
    const literal = format ? formatRegex(format) : undefined;
    const bad = parts.filter((v) => !NOW.test(v) && literal !== undefined && !literal.test(v));
    return bad.length === 0
        ? []
        : [{ key, problem: `${bad.map((v) => `"${v}"`).join(" and ")} match neither the format "${format}" nor NOW[+-N UNIT]`, fix: `write dates exactly as "${format}" formats them, or NOW-relative values` }];
}

/**
 * A regex for literal dates in a Java DateTimeFormatter pattern built only from the common fields;
 * undefined for patterns we don't fully understand (then literals aren't checked).
 */
function formatRegex(format: string): RegExp | undefined {
    const tokens: [RegExp, string][] = [
        [/^yyyy/, "\\d{4}"], [/^MM/, "\\d{2}"], [/^dd/, "\\d{2}"], [/^HH/, "\\d{2}"], [/^mm/, "\\d{2}"], [/^ss/, "\\d{2}"],
    ];
    let rest = format;
    let out = "";
    while (rest.length > 0) {
        const hit = tokens.find(([re]) => re.test(rest));
        if (hit) {
            out += hit[1];
            rest = rest.replace(hit[0], "");
        } else if (/^[-/_:. T]/.test(rest)) {
            out += rest[0].replace(/[.]/g, "\\.");
            rest = rest.slice(1);
        } else if (/^'[^']*'/.test(rest)) {
            const lit = /^'([^']*)'/.exec(rest)![1];
            out += lit.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            rest = rest.slice(lit.length + 2);
        } else {
            return undefined;
        }
    }
    return new RegExp(`^${out}$`);
}
