/**
 * Athena/Hive column type grammar (the DDL types Glue stores in `columns[].type`).
 * Case-insensitive on input, normalised to the lowercase, space-free spelling Glue and Athena show.
 */

export type HiveType =
    | { kind: "primitive"; name: PrimitiveName }
    | { kind: "decimal"; precision: number; scale: number }
    | { kind: "char" | "varchar"; length: number }
    | { kind: "array"; element: HiveType }
    | { kind: "map"; key: HiveType; value: HiveType }
    | { kind: "struct"; fields: { name: string; type: HiveType }[] };

export const PRIMITIVES = ["tinyint", "smallint", "int", "bigint", "float", "double", "string", "boolean", "binary", "date", "timestamp"] as const;
export type PrimitiveName = (typeof PRIMITIVES)[number];

/** Spellings that mean exactly one Hive type (Athena's DML names and common synonyms). */
const ALIASES: Record<string, PrimitiveName> = { integer: "int", real: "float" };

const CHAR_MAX = 255;
const VARCHAR_MAX = 65535;
const DECIMAL_MAX_PRECISION = 38;

export class HiveTypeError extends Error {}

/** Parse a type string; throws HiveTypeError with the position and what was expected. */
export function parseHiveType(input: string): HiveType {
    const p = new Parser(input);
    const t = p.type();
    p.skipSpace();
    if (!p.done()) p.fail(`unexpected '${p.rest()}'`);
    return t;
}

/** The canonical spelling: lowercase, `int` for integer, no spaces. */
export function formatHiveType(t: HiveType): string {
    switch (t.kind) {
        case "primitive":
            return t.name;
        case "decimal":
            return `decimal(${t.precision},${t.scale})`;
        case "char":
        case "varchar":
            return `${t.kind}(${t.length})`;
        case "array":
            return `array<${formatHiveType(t.element)}>`;
        case "map":
            return `map<${formatHiveType(t.key)},${formatHiveType(t.value)}>`;
        case "struct":
            return `struct<${t.fields.map((f) => `${f.name}:${formatHiveType(f.type)}`).join(",")}>`;
    }
}

/** Parse and re-format: the value stored in the Glue column. */
export function normaliseHiveType(input: string): string {
    return formatHiveType(parseHiveType(input));
}

/** True when the type is a scalar usable as a partition key or map key. */
export function isPrimitive(t: HiveType): boolean {
    return t.kind !== "array" && t.kind !== "map" && t.kind !== "struct";
}

class Parser {
    private pos = 0;
    constructor(private readonly src: string) {}

    done(): boolean {
        return this.pos >= this.src.length;
    }
    rest(): string {
        return this.src.slice(this.pos);
    }
    skipSpace(): void {
        while (!this.done() && /\s/.test(this.src[this.pos]!)) this.pos++;
    }
    fail(message: string): never {
        throw new HiveTypeError(`${message} at position ${this.pos + 1} of '${this.src}'`);
    }
    private word(): string {
        this.skipSpace();
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.rest());
        if (!m) this.fail(this.done() ? "type expected but the text ended" : `type expected, found '${this.rest()}'`);
        this.pos += m[0].length;
        return m[0];
    }
    private expect(ch: string): void {
        this.skipSpace();
        if (this.src[this.pos] !== ch) this.fail(`'${ch}' expected${this.done() ? " but the text ended" : `, found '${this.rest()}'`}`);
        this.pos++;
    }
    private peek(ch: string): boolean {
        this.skipSpace();
        return this.src[this.pos] === ch;
    }
    private int(what: string): number {
        this.skipSpace();
        const m = /^\d{1,9}/.exec(this.rest());
        if (!m) this.fail(`${what} (a whole number) expected`);
        this.pos += m[0].length;
        return Number(m[0]);
    }

    type(): HiveType {
        const start = this.pos;
        const raw = this.word();
        const name = raw.toLowerCase();
        switch (name) {
            case "decimal":
            case "numeric": {
                if (!this.peek("(")) this.fail("decimal needs a precision and scale, e.g. decimal(10,2)");
                this.expect("(");
                const precision = this.int("precision");
                this.expect(",");
                const scale = this.int("scale");
                this.expect(")");
                if (precision < 1 || precision > DECIMAL_MAX_PRECISION) this.fail(`decimal precision ${precision} must be 1-${DECIMAL_MAX_PRECISION}`);
                if (scale > precision) this.fail(`decimal scale ${scale} must be 0-${precision} (the precision)`);
                return { kind: "decimal", precision, scale };
            }
            case "char":
            case "varchar": {
                const max = name === "char" ? CHAR_MAX : VARCHAR_MAX;
                if (!this.peek("(")) this.fail(`${name} needs a length, e.g. ${name}(${name === "char" ? 2 : 255})`);
                this.expect("(");
                const length = this.int("length");
                this.expect(")");
                if (length < 1 || length > max) this.fail(`${name} length ${length} must be 1-${max}`);
                return { kind: name, length };
            }
            case "array": {
                this.expect("<");
                const element = this.type();
                this.expect(">");
                return { kind: "array", element };
            }
            case "map": {
                this.expect("<");
                const keyAt = this.pos;
                const key = this.type();
                if (!isPrimitive(key)) {
                    this.pos = keyAt;
                    this.fail("map keys must be a primitive type");
                }
                this.expect(",");
                const value = this.type();
                this.expect(">");
                return { kind: "map", key, value };
            }
            case "struct": {
                this.expect("<");
                const fields: { name: string; type: HiveType }[] = [];
                do {
                    const field = this.word().toLowerCase();
                    if (fields.some((f) => f.name === field)) this.fail(`struct field '${field}' is repeated`);
                    this.expect(":");
                    fields.push({ name: field, type: this.type() });
                } while (this.peek(",") && this.src[this.pos++] === ",");
                this.expect(">");
                return { kind: "struct", fields };
            }
        }
        const primitive = ALIASES[name] ?? (PRIMITIVES as readonly string[]).find((p) => p === name);
        if (!primitive) {
            this.pos = start;
            this.skipSpace();
            this.fail(`unknown type '${raw}' (known: ${[...PRIMITIVES, "decimal(p,s)", "char(n)", "varchar(n)", "array<T>", "map<K,V>", "struct<name:T,...>"].join(", ")})`);
        }
        return { kind: "primitive", name: primitive as PrimitiveName };
    }
}
