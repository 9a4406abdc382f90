import { peek, str, UNKNOWN } from "./props";

/**
 * Storage formats of a Glue catalog table, judged from the real Hive/Glue class names.
 *
 * A table's format is what its storage descriptor's three classes say (input format, output format,
 * SerDe) or, for an Iceberg table, its `openTableFormatInput` / `table_type` parameter.
 */

export type Family = "parquet" | "orc" | "avro" | "csv" | "json" | "text";
export const COLUMNAR: readonly Family[] = ["parquet", "orc"];

export const PARQUET = {
    inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
} as const;

export const ORC = {
    inputFormat: "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
    serializationLibrary: "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
} as const;

const TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

/** Input/output format class -> family. Text formats carry CSV, JSON and plain text alike. */
const FORMAT_CLASSES: Record<string, Family> = {
    [PARQUET.inputFormat]: "parquet",
    [PARQUET.outputFormat]: "parquet",
    "parquet.hive.DeprecatedParquetInputFormat": "parquet",
    "parquet.hive.DeprecatedParquetOutputFormat": "parquet",
    [ORC.inputFormat]: "orc",
    [ORC.outputFormat]: "orc",
    "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat": "avro",
    "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat": "avro",
    [TEXT_INPUT]: "text",
    [TEXT_OUTPUT]: "text",
    "org.apache.hadoop.mapred.SequenceFileInputFormat": "text",
    "org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat": "text",
    "com.amazon.ionhiveserde.formats.IonInputFormat": "json",
    "com.amazon.ionhiveserde.formats.IonOutputFormat": "json",
};

/** SerDe class -> family. */
const SERDE_CLASSES: Record<string, Family> = {
    [PARQUET.serializationLibrary]: "parquet",
    "parquet.hive.serde.ParquetHiveSerDe": "parquet",
    [ORC.serializationLibrary]: "orc",
    "org.apache.hadoop.hive.serde2.avro.AvroSerDe": "avro",
    "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe": "csv",
    "org.apache.hadoop.hive.serde2.OpenCSVSerde": "csv",
    "org.openx.data.jsonserde.JsonSerDe": "json",
    "org.apache.hive.hcatalog.data.JsonSerDe": "json",
    "com.amazon.ionhiveserde.IonHiveSerDe": "json",
    "org.apache.hadoop.hive.serde2.RegexSerDe": "text",
    "com.amazonaws.glue.serde.GrokSerDe": "text",
};

export interface FormatSlot {
    /** Property path for messages, e.g. `storageDescriptor.inputFormat`. */
    field: string;
    value: string | undefined;
    /** undefined when the value is not set or is a class we don't know. */
    family: Family | undefined;
}

export interface TableFormat {
    /** Iceberg evidence, when the table is an Iceberg table. */
    iceberg?: string;
    /** Some format field is computed (preview): the rules wait for the known values. */
    unknown?: boolean;
    slots: FormatSlot[];
}

/** Reads a CatalogTable's format evidence from its props (inputs or outputs; both have these fields). */
export function tableFormat(props: unknown): TableFormat {
    const slots: FormatSlot[] = [
        slot("storageDescriptor.inputFormat", str(props, "storageDescriptor", "inputFormat"), FORMAT_CLASSES),
        slot("storageDescriptor.outputFormat", str(props, "storageDescriptor", "outputFormat"), FORMAT_CLASSES),
        slot(
            "storageDescriptor.serDeInfo.serializationLibrary",
            str(props, "storageDescriptor", "serDeInfo", "serializationLibrary"),
            SERDE_CLASSES,
        ),
    ];
    const paths = [
        ["storageDescriptor"],
        ["storageDescriptor", "inputFormat"],
        ["storageDescriptor", "outputFormat"],
        ["storageDescriptor", "serDeInfo", "serializationLibrary"],
        ["openTableFormatInput"],
        ["parameters", "table_type"],
    ];
    if (paths.some((p) => peek(props, ...p) === UNKNOWN)) return { unknown: true, slots };
    if (peek(props, "openTableFormatInput", "icebergInput") !== undefined) {
        return { iceberg: "openTableFormatInput.icebergInput", slots };
    }
    const tableType = str(props, "parameters", "table_type");
    if (tableType?.toUpperCase() === "ICEBERG") return { iceberg: `parameters.table_type="${tableType}"`, slots };
    return { slots };
}

function slot(field: string, value: string | undefined, classes: Record<string, Family>): FormatSlot {
    return { field, value, family: value === undefined ? undefined : classes[value] };
}

/** The families the set slots agree on (deduplicated), e.g. ["parquet"] or ["text", "csv"]. */
export function familiesOf(f: TableFormat): Family[] {
    return [...new Set(f.slots.map((s) => s.family).filter((x): x is Family => x !== undefined))];
}
