import { ORC, PARQUET } from "./formats";

/**
 * Athena table DDL, read far enough to judge it like a Glue catalog table.
 *
 * Tables created by a saved query (`aws.athena.NamedQuery`, `aws.athena.PreparedStatement`) never appear as
 * `aws.glue.CatalogTable`, so the layout rules would pass them unseen. Three statement shapes are read
 * (Athena's documented syntax):
 *  - Hive DDL: `CREATE EXTERNAL TABLE [IF NOT EXISTS] [db.]name [(cols)] [COMMENT ..] [PARTITIONED BY (..)]
 *    [CLUSTERED BY .. INTO n BUCKETS] [ROW FORMAT SERDE '..' [WITH SERDEPROPERTIES (..)] | ROW FORMAT DELIMITED ..]
 *    [STORED AS fmt | STORED AS INPUTFORMAT '..' OUTPUTFORMAT '..'] [LOCATION 's3://..'] [TBLPROPERTIES (..)]`;
 *    without STORED AS the format is TEXTFILE and without ROW FORMAT the SerDe is LazySimpleSerDe (Hive defaults);
 *  - Iceberg DDL: `CREATE TABLE .. LOCATION .. TBLPROPERTIES ('table_type'='ICEBERG')`;
 *  - CTAS: `CREATE TABLE [db.]name [WITH (format = '..', table_type = '..', external_location = '..',
 *    partitioned_by = ARRAY[..], partitioning = ARRAY[..])] AS query`; Athena writes Parquet when `format` is absent.
 * The result is a Glue-table-shaped `props` object (databaseName, name, parameters, partitionKeys,
 * storageDescriptor), so the same format and layer readers apply. A statement that starts like CREATE TABLE
 * but can't be read is returned as `unparsed` with the reason, never silently dropped.
 */

export type DdlStatementKind = "CREATE EXTERNAL TABLE" | "CREATE TABLE" | "CREATE TABLE AS SELECT";

export interface DdlTable {
    kind: DdlStatementKind;
    /** `db` of `db.name`, when the statement qualifies the name. */
    database?: string;
    table: string;
    /** Glue CatalogTable-shaped props (no databaseName when the statement doesn't qualify the name). */
    props: Record<string, unknown>;
    /** How each storage class was decided, as the DDL says it (for messages), keyed by the props field. */
    evidence: Record<string, string>;
}

export type DdlStatement = { kind: "table"; table: DdlTable } | { kind: "unparsed"; reason: string; excerpt: string };

const TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
const LAZY_SIMPLE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
const HIVE_JSON = "org.apache.hive.hcatalog.data.JsonSerDe";

/** STORED AS keyword -> the classes Hive/Athena use for it (serde undefined: the ROW FORMAT or LazySimpleSerDe). */
const STORED_AS: Record<string, { inputFormat: string; outputFormat: string; serde?: string }> = {
    PARQUET: { inputFormat: PARQUET.inputFormat, outputFormat: PARQUET.outputFormat, serde: PARQUET.serializationLibrary },
    ORC: { inputFormat: ORC.inputFormat, outputFormat: ORC.outputFormat, serde: ORC.serializationLibrary },
    AVRO: {
        inputFormat: "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
        serde: "org.apache.hadoop.hive.serde2.avro.AvroSerDe",
    },
    ION: {
        inputFormat: "com.amazon.ionhiveserde.formats.IonInputFormat",
        outputFormat: "com.amazon.ionhiveserde.formats.IonOutputFormat",
        serde: "com.amazon.ionhiveserde.IonHiveSerDe",
    },
    TEXTFILE: { inputFormat: TEXT_INPUT, outputFormat: TEXT_OUTPUT },
    SEQUENCEFILE: { inputFormat: "org.apache.hadoop.mapred.SequenceFileInputFormat", outputFormat: "org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat" },
    RCFILE: {
        inputFormat: "org.apache.hadoop.hive.ql.io.RCFileInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.RCFileOutputFormat",
        serde: "org.apache.hadoop.hive.serde2.columnar.LazyBinaryColumnarSerDe",
    },
};

/** CTAS `format` -> classes (Athena's CTAS writers). */
const CTAS_FORMATS: Record<string, { inputFormat: string; outputFormat: string; serde: string }> = {
    PARQUET: { inputFormat: PARQUET.inputFormat, outputFormat: PARQUET.outputFormat, serde: PARQUET.serializationLibrary },
    ORC: { inputFormat: ORC.inputFormat, outputFormat: ORC.outputFormat, serde: ORC.serializationLibrary },
    AVRO: { ...(STORED_AS.AVRO as { inputFormat: string; outputFormat: string; serde: string }) },
    JSON: { inputFormat: TEXT_INPUT, outputFormat: TEXT_OUTPUT, serde: HIVE_JSON },
    TEXTFILE: { inputFormat: TEXT_INPUT, outputFormat: TEXT_OUTPUT, serde: LAZY_SIMPLE },
};

interface Tok {
    kind: "word" | "string" | "ident" | "number" | "punct";
    text: string;
}

class DdlError extends Error {}

/** Comments out, literals and identifiers kept whole. Throws DdlError on an unterminated literal or comment. */
function tokenize(sql: string): Tok[] {
    const out: Tok[] = [];
    let i = 0;
    while (i < sql.length) {
        const c = sql[i];
        if (/\s/.test(c)) {
            i++;
        } else if (sql.startsWith("--", i)) {
            const end = sql.indexOf("\n", i);
            i = end < 0 ? sql.length : end + 1;
        } else if (sql.startsWith("/*", i)) {
            const end = sql.indexOf("*/", i + 2);
            if (end < 0) throw new DdlError("an unterminated /* comment");
            i = end + 2;
        } else if (c === "'" || c === "`" || c === '"') {
            let j = i + 1;
            let text = "";
            for (;;) {
                if (j >= sql.length) throw new DdlError(`an unterminated ${c === "'" ? "string literal" : "quoted identifier"}`);
                if (c === "'" && sql[j] === "\\" && j + 1 < sql.length) {
                    text += sql[j + 1];
                    j += 2;
                } else if (sql[j] === c && sql[j + 1] === c) {
                    text += c;
                    j += 2;
                } else if (sql[j] === c) {
                    break;
                } else {
                    text += sql[j++];
                }
            }
            out.push({ kind: c === "'" ? "string" : "ident", text });
            i = j + 1;
        } else if (/[A-Za-z_]/.test(c)) {
            const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
            out.push({ kind: "word", text: m[0] });
            i += m[0].length;
        } else if (/[0-9]/.test(c)) {
            const m = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(i))!;
            out.push({ kind: "number", text: m[0] });
            i += m[0].length;
        } else {
            out.push({ kind: "punct", text: c });
            i++;
        }
    }
    return out;
}

const CREATE_TABLE = /^\s*create\s+(?:or\s+replace\s+)?(?:external\s+)?table\b/i;

/** Strips leading comments so a commented header doesn't hide the statement. */
function startsLikeCreateTable(text: string): boolean {
    return CREATE_TABLE.test(text.replace(/^(?:\s*(?:--[^\n]*\n?|\/\*[\s\S]*?\*\/))*/, ""));
}

const excerptOf = (text: string) => {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
};

/** Splits on top-level `;` (outside literals), keeping each statement's text for messages. */
function splitStatements(sql: string): string[] {
    const out: string[] = [];
    let start = 0;
    let quote: string | undefined;
    for (let i = 0; i < sql.length; i++) {
        const c = sql[i];
        if (quote) {
            if (c === "\\" && quote === "'") i++;
            else if (c === quote) quote = undefined;
        } else if (c === "'" || c === '"' || c === "`") {
            quote = c;
        } else if (sql.startsWith("--", i)) {
            const end = sql.indexOf("\n", i);
            i = end < 0 ? sql.length : end;
        } else if (sql.startsWith("/*", i)) {
            const end = sql.indexOf("*/", i + 2);
            i = end < 0 ? sql.length : end + 1;
        } else if (c === ";") {
            out.push(sql.slice(start, i));
            start = i + 1;
        }
    }
    out.push(sql.slice(start));
    return out.filter((s) => s.trim() !== "");
}

/** Every CREATE TABLE statement of a query text, read or reported as unreadable. [] for other statements. */
export function parseTableDdl(sql: string): DdlStatement[] {
    const out: DdlStatement[] = [];
    for (const text of splitStatements(sql)) {
        if (!startsLikeCreateTable(text)) continue;
        try {
            out.push({ kind: "table", table: new Parser(tokenize(text)).statement() });
        } catch (e) {
            if (!(e instanceof DdlError)) throw e;
            out.push({ kind: "unparsed", reason: `could not read the CREATE TABLE statement: ${e.message}`, excerpt: excerptOf(text) });
        }
    }
    return out;
}

type PropValue = string | string[];

class Parser {
    private i = 0;
    constructor(private readonly toks: Tok[]) {}

    private peekTok(offset = 0): Tok | undefined {
        return this.toks[this.i + offset];
    }
    private isWord(word: string, offset = 0): boolean {
        const t = this.peekTok(offset);
        return t !== undefined && t.kind === "word" && t.text.toUpperCase() === word;
    }
    private isPunct(p: string, offset = 0): boolean {
        const t = this.peekTok(offset);
        return t !== undefined && t.kind === "punct" && t.text === p;
    }
    private describe(t: Tok | undefined): string {
        if (!t) return "the end of the statement";
        return t.kind === "string" ? `'${t.text}'` : `"${t.text}"`;
    }
    private expectWord(...words: string[]): void {
        for (const w of words) {
            if (!this.isWord(w)) throw new DdlError(`expected ${w} but found ${this.describe(this.peekTok())}`);
            this.i++;
        }
    }
    private expectPunct(p: string): void {
        if (!this.isPunct(p)) throw new DdlError(`expected "${p}" but found ${this.describe(this.peekTok())}`);
        this.i++;
    }
    private string(what: string): string {
        const t = this.peekTok();
        if (!t || t.kind !== "string") throw new DdlError(`expected a quoted ${what} but found ${this.describe(t)}`);
        this.i++;
        return t.text;
    }
    private name(what: string): string {
        const t = this.peekTok();
        if (!t || (t.kind !== "word" && t.kind !== "ident")) throw new DdlError(`expected ${what} but found ${this.describe(t)}`);
        this.i++;
        return t.text;
    }
    /** Consumes a balanced ( ... ) group and returns its top-level comma-separated items' tokens. */
    private group(): Tok[][] {
        this.expectPunct("(");
        const items: Tok[][] = [[]];
        let depth = 1;
        while (depth > 0) {
            const t = this.peekTok();
            if (!t) throw new DdlError('an unclosed "("');
            this.i++;
            if (t.kind === "punct" && (t.text === "(" || t.text === "[" || t.text === "<")) depth++;
            if (t.kind === "punct" && (t.text === ")" || t.text === "]" || t.text === ">")) depth--;
            if (depth === 0) break;
            if (depth === 1 && t.kind === "punct" && t.text === ",") items.push([]);
            else items[items.length - 1].push(t);
        }
        return items.filter((x) => x.length > 0);
    }
    /** `'k' = 'v', ...` (TBLPROPERTIES, SERDEPROPERTIES). */
    private stringProperties(): Record<string, string> {
        const out: Record<string, string> = {};
        for (const item of this.group()) {
            if (item.length !== 3 || item[0].kind !== "string" || item[1].text !== "=" || item[2].kind !== "string") {
                throw new DdlError(`expected 'key'='value' in a property list but found ${item.map((t) => this.describe(t)).join(" ")}`);
            }
            out[item[0].text] = item[2].text;
        }
        return out;
    }
    /** CTAS `WITH (key = value, ...)`: values are literals or ARRAY['a', 'b']. */
    private ctasProperties(): Record<string, PropValue> {
        const out: Record<string, PropValue> = {};
        for (const item of this.group()) {
            if (item.length < 3 || (item[0].kind !== "word" && item[0].kind !== "ident") || item[1].text !== "=") {
                throw new DdlError(`expected key = value in WITH (...) but found ${item.map((t) => this.describe(t)).join(" ")}`);
            }
            const value = item.slice(2);
            const key = item[0].text.toLowerCase();
            if (value.length === 1) out[key] = value[0].text;
            else if (value[0].kind === "word" && value[0].text.toUpperCase() === "ARRAY") {
                out[key] = value.filter((t) => t.kind === "string").map((t) => t.text);
            } else throw new DdlError(`unreadable value for ${key} in WITH (...)`);
        }
        return out;
    }

    statement(): DdlTable {
        this.expectWord("CREATE");
        if (this.isWord("OR")) this.expectWord("OR", "REPLACE");
        const external = this.isWord("EXTERNAL");
        if (external) this.i++;
        this.expectWord("TABLE");
        if (this.isWord("IF")) this.expectWord("IF", "NOT", "EXISTS");
        const parts = [this.name("a table name")];
        while (this.isPunct(".")) {
            this.i++;
            parts.push(this.name("a name after '.'"));
        }
        const table = parts[parts.length - 1];
        const database = parts.length >= 2 ? parts[parts.length - 2] : undefined;
        if (this.isPunct("(")) this.group();

        let partitions: string[] = [];
        let serde: { value: string; from: string } | undefined;
        let stored: { inputFormat: string; outputFormat: string; serde?: string; from: string } | undefined;
        let location: string | undefined;
        let tblproperties: Record<string, string> = {};
        let ctas: Record<string, PropValue> | undefined;
        let isCtas = false;
        while (this.i < this.toks.length) {
            if (this.isWord("COMMENT")) {
                this.i++;
                this.string("comment");
            } else if (this.isWord("PARTITIONED")) {
                this.expectWord("PARTITIONED", "BY");
                partitions = this.group().map((item) =>
                    item.length > 1 && item[1].text === "(" ? item.map((t) => t.text).join("") : item[0].text,
                );
            } else if (this.isWord("CLUSTERED")) {
                this.expectWord("CLUSTERED", "BY");
                this.group();
                if (this.isWord("SORTED")) {
                    this.expectWord("SORTED", "BY");
                    this.group();
                }
                this.expectWord("INTO");
                if (this.peekTok()?.kind !== "number") throw new DdlError("expected a bucket count after INTO");
                this.i++;
                this.expectWord("BUCKETS");
            } else if (this.isWord("ROW")) {
                this.expectWord("ROW", "FORMAT");
                if (this.isWord("SERDE")) {
                    this.i++;
                    const value = this.string("SerDe class");
                    serde = { value, from: `ROW FORMAT SERDE '${value}'` };
                } else if (this.isWord("DELIMITED")) {
                    this.i++;
                    // FIELDS/COLLECTION ITEMS/MAP KEYS/LINES TERMINATED BY 'c' [ESCAPED BY 'c'], NULL DEFINED AS 'c'
                    const sub = ["FIELDS", "COLLECTION", "ITEMS", "MAP", "KEYS", "LINES", "TERMINATED", "ESCAPED", "BY", "NULL", "DEFINED", "AS"];
                    while (this.peekTok() && (this.peekTok()!.kind === "string" || sub.some((w) => this.isWord(w)))) this.i++;
                    serde = { value: LAZY_SIMPLE, from: "ROW FORMAT DELIMITED (LazySimpleSerDe)" };
                } else throw new DdlError(`expected SERDE or DELIMITED after ROW FORMAT but found ${this.describe(this.peekTok())}`);
            } else if (this.isWord("WITH") && this.isWord("SERDEPROPERTIES", 1)) {
                this.i += 2;
                this.stringProperties();
            } else if (this.isWord("STORED") && this.isWord("BY", 1)) {
                throw new DdlError("STORED BY (a Hive storage handler) is not Athena DDL, so the table's format can't be read");
            } else if (this.isWord("STORED")) {
                this.expectWord("STORED", "AS");
                if (this.isWord("INPUTFORMAT")) {
                    this.i++;
                    const inputFormat = this.string("input format class");
                    this.expectWord("OUTPUTFORMAT");
                    const outputFormat = this.string("output format class");
                    stored = { inputFormat, outputFormat, from: `STORED AS INPUTFORMAT '${inputFormat}' OUTPUTFORMAT '${outputFormat}'` };
                } else {
                    const word = this.name("a file format after STORED AS").toUpperCase();
                    const known = STORED_AS[word];
                    if (!known) throw new DdlError(`STORED AS ${word} is not a file format Athena knows`);
                    stored = { ...known, from: `STORED AS ${word}` };
                }
            } else if (this.isWord("LOCATION")) {
                this.i++;
                location = this.string("LOCATION");
            } else if (this.isWord("TBLPROPERTIES")) {
                this.i++;
                tblproperties = { ...tblproperties, ...this.stringProperties() };
            } else if (this.isWord("WITH") && this.isPunct("(", 1)) {
                this.i++;
                ctas = this.ctasProperties();
            } else if (this.isWord("AS")) {
                isCtas = true;
                break; // the rest is the query
            } else {
                throw new DdlError(`unexpected ${this.describe(this.peekTok())} in the table definition`);
            }
        }
        if (isCtas) return this.ctasTable(database, table, ctas ?? {}, stored !== undefined || serde !== undefined);
        if (ctas) throw new DdlError("WITH (...) table properties without AS SELECT");
        return this.hiveTable(external, database, table, { partitions, serde, stored, location, tblproperties });
    }

    private hiveTable(
        external: boolean,
        database: string | undefined,
        table: string,
        d: {
            partitions: string[];
            serde?: { value: string; from: string };
            stored?: { inputFormat: string; outputFormat: string; serde?: string; from: string };
            location?: string;
            tblproperties: Record<string, string>;
        },
    ): DdlTable {
        const stored = d.stored ?? { ...STORED_AS.TEXTFILE, from: "no STORED AS clause (TEXTFILE, the default)" };
        const serde =
            d.serde ??
            (stored.serde !== undefined
                ? { value: stored.serde, from: stored.from }
                : { value: LAZY_SIMPLE, from: "no ROW FORMAT clause (LazySimpleSerDe, the default)" });
        const iceberg = d.tblproperties.table_type?.toUpperCase() === "ICEBERG";
        return {
            kind: external ? "CREATE EXTERNAL TABLE" : "CREATE TABLE",
            database,
            table,
            props: glueShape(database, table, {
                parameters: d.tblproperties,
                partitions: d.partitions,
                location: d.location,
                // An Iceberg table's files are described by Iceberg metadata, not Hive classes.
                classes: iceberg ? undefined : { inputFormat: stored.inputFormat, outputFormat: stored.outputFormat, serde: serde.value },
            }),
            evidence: iceberg
                ? {}
                : {
                      "storageDescriptor.inputFormat": stored.from,
                      "storageDescriptor.outputFormat": stored.from,
                      "storageDescriptor.serDeInfo.serializationLibrary": serde.from,
                  },
        };
    }

    private ctasTable(database: string | undefined, table: string, props: Record<string, PropValue>, hiveClauses: boolean): DdlTable {
        if (hiveClauses) throw new DdlError("Hive clauses (STORED AS/ROW FORMAT) before AS SELECT: Athena CTAS takes WITH (format = ...)");
        const one = (k: string) => (typeof props[k] === "string" ? (props[k] as string) : undefined);
        const list = (k: string) => (Array.isArray(props[k]) ? (props[k] as string[]) : []);
        const tableType = one("table_type")?.toUpperCase();
        const given = one("format");
        const format = (given ?? "PARQUET").toUpperCase();
        const classes = CTAS_FORMATS[format];
        if (!classes) throw new DdlError(`WITH (format = '${given}') is not a CTAS format (PARQUET, ORC, AVRO, JSON, TEXTFILE)`);
        const from = given === undefined ? "no format property (Parquet, the CTAS default)" : `WITH (format = '${given}')`;
        const iceberg = tableType === "ICEBERG";
        return {
            kind: "CREATE TABLE AS SELECT",
            database,
            table,
            props: glueShape(database, table, {
                parameters: iceberg ? { table_type: "ICEBERG" } : {},
                partitions: [...list("partitioned_by"), ...list("partitioning")],
                location: one("external_location") ?? one("location"),
                classes: iceberg ? undefined : { inputFormat: classes.inputFormat, outputFormat: classes.outputFormat, serde: classes.serde },
            }),
            evidence: iceberg
                ? {}
                : {
                      "storageDescriptor.inputFormat": from,
                      "storageDescriptor.outputFormat": from,
                      "storageDescriptor.serDeInfo.serializationLibrary": from,
                  },
        };
    }
}

function glueShape(
    database: string | undefined,
    table: string,
    d: { parameters: Record<string, string>; partitions: string[]; location?: string; classes?: { inputFormat: string; outputFormat: string; serde: string } },
): Record<string, unknown> {
    const storageDescriptor: Record<string, unknown> = {};
    if (d.location !== undefined) storageDescriptor.location = d.location;
    if (d.classes) {
        storageDescriptor.inputFormat = d.classes.inputFormat;
        storageDescriptor.outputFormat = d.classes.outputFormat;
        storageDescriptor.serDeInfo = { serializationLibrary: d.classes.serde };
    }
    const props: Record<string, unknown> = {
        name: table,
        parameters: d.parameters,
        partitionKeys: d.partitions.map((name) => ({ name })),
        storageDescriptor,
    };
    if (database !== undefined) props.databaseName = database;
    return props;
}
