/**
 * Iceberg table input for Glue's CreateTable (`openTableFormatInput.icebergInput.icebergTableInput`):
 * the dataset's Hive column types mapped to the Iceberg table spec's JSON schema, and partition keys as
 * identity-partitioned columns (Iceberg has no separate partition columns; Athena's DDL does the same).
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { Column, Dataset, HiveType, parseHiveType } from "../datasets";

type IcebergTableInput = pulumi.Unwrap<aws.types.input.glue.CatalogTableOpenTableFormatInputIcebergInputIcebergTableInput>;
type IcebergType = string | Record<string, unknown>;

/** Iceberg table properties every lake Iceberg table gets: Parquet data files, compressed. */
export const ICEBERG_PROPERTIES: Readonly<Record<string, string>> = {
    "write.format.default": "parquet",
    "write.parquet.compression-codec": "zstd",
};

/**
 * Field ids are unique across the whole schema, nested fields included (Iceberg spec, "Schemas and Data Types").
 * Top-level fields take 1..n so partition specs can refer to them; nested ids follow.
 */
class Ids {
    constructor(private next: number) {}
    take(): number {
        return this.next++;
    }
}

/** Hive/Athena type -> Iceberg type (primitive name, or a nested struct/list/map object). */
export function icebergType(t: HiveType, ids: Ids): IcebergType {
    switch (t.kind) {
        case "primitive":
            return { tinyint: "int", smallint: "int", int: "int", bigint: "long", float: "float", double: "double",
                string: "string", boolean: "boolean", binary: "binary", date: "date", timestamp: "timestamp" }[t.name];
        case "decimal":
            return `decimal(${t.precision},${t.scale})`;
        case "char":
        case "varchar":
            return "string";
        case "array":
            return { type: "list", "element-id": ids.take(), element: icebergType(t.element, ids), "element-required": false };
        case "map": {
            const keyId = ids.take();
            const valueId = ids.take();
            return { type: "map", "key-id": keyId, key: icebergType(t.key, ids), "value-id": valueId, value: icebergType(t.value, ids), "value-required": false };
        }
        case "struct": {
            const fieldIds = t.fields.map(() => ids.take());
            return {
                type: "struct",
                fields: t.fields.map((f, i) => ({ id: fieldIds[i], name: f.name, required: false, type: icebergType(f.type, ids) })),
            };
        }
    }
}

/** The Glue `icebergTableInput`: schema (all fields optional), identity partition spec on the partition keys. */
export function icebergTableInput(ds: Pick<Dataset, "columns" | "partitionKeys">, location: string): IcebergTableInput {
    const all: Column[] = [...ds.columns, ...ds.partitionKeys];
    const ids = new Ids(all.length + 1);
    const fields = all.map((c, i) => ({
        id: i + 1,
        name: c.name,
        required: false,
        // The provider takes each field type as JSON text ("\"long\"" or a nested object).
        type: JSON.stringify(icebergType(parseHiveType(c.type), ids)),
        ...(c.comment ? { doc: c.comment.slice(0, 255) } : {}),
    }));
    const input: IcebergTableInput = {
        location,
        schema: { schemaId: 0, type: "struct", fields },
        properties: { ...ICEBERG_PROPERTIES },
    };
    if (ds.partitionKeys.length > 0) {
        input.partitionSpec = {
            specId: 0,
            fields: ds.partitionKeys.map((k, i) => ({
                name: k.name,
                sourceId: ds.columns.length + i + 1,
                fieldId: 1000 + i,
                transform: "identity",
            })),
        };
    }
    return input;
}
