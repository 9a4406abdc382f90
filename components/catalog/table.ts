/**
 * The Glue table a dataset becomes, as plain CatalogTable inputs (pure: tests and `describe` can call it).
 * Hive-format tables carry their SerDe classes and partition keys; Iceberg tables go through
 * `openTableFormatInput` so Glue writes the first metadata file itself.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { MARKERS } from "../../contract";
import { Column, Dataset, formatTableParameters, projectionParameters, serdeFor } from "../datasets";
import { icebergTableInput } from "./iceberg";

export type TableInputs = pulumi.Unwrap<Omit<aws.glue.CatalogTableArgs, "databaseName">>;

/** Parameters Glue owns on an Iceberg table once it exists (and refuses on create). */
export const ICEBERG_MANAGED_PARAMETERS = ["table_type", "metadata_location", "previous_metadata_location"] as const;

/** Table parameters the policy packs and people read: layer, dataset, domain, classification, exemption. */
export function markerParameters(ds: Dataset): Record<string, string> {
    return {
        [MARKERS.layer]: ds.layer,
        [MARKERS.dataset]: ds.name,
        [MARKERS.domain]: ds.domain,
        [MARKERS.classification]: ds.classification,
        ...(ds.unpartitionedReason ? { [MARKERS.unpartitionedReason]: ds.unpartitionedReason } : {}),
    };
}

const glueColumn = (c: Column) => ({ name: c.name, type: c.type, ...(c.comment ? { comment: c.comment } : {}) });

/** Every CatalogTable input except `databaseName` (the caller passes the database resource's output). */
export function tableInputs(ds: Dataset, location: string): TableInputs {
    const common = {
        name: ds.name,
        description: ds.description,
        owner: ds.owner,
        tableType: "EXTERNAL_TABLE",
        ...(ds.retentionDays !== undefined ? { retention: ds.retentionDays } : {}),
    };
    if (ds.format === "iceberg") {
        return {
            ...common,
            // table_type/metadata_location are reserved on create: Glue sets them from openTableFormatInput.
            parameters: markerParameters(ds),
            openTableFormatInput: {
                icebergInput: { metadataOperation: "CREATE", version: "2", icebergTableInput: icebergTableInput(ds, location) },
            },
            // Same schema as a Hive view of the table, so Lake Formation column grants can name the columns.
            storageDescriptor: { location, columns: [...ds.columns, ...ds.partitionKeys].map(glueColumn) },
        };
    }
    const storage = serdeFor(ds.format)!;
    return {
        ...common,
        parameters: {
            EXTERNAL: "TRUE",
            ...formatTableParameters(ds),
            ...projectionParameters(ds, location),
            ...markerParameters(ds),
        },
        partitionKeys: ds.partitionKeys.map(glueColumn),
        storageDescriptor: {
            location,
            inputFormat: storage.inputFormat,
            outputFormat: storage.outputFormat,
            compressed: false,
            storedAsSubDirectories: false,
            serDeInfo: { name: ds.name, serializationLibrary: storage.serializationLibrary, parameters: storage.parameters },
            columns: ds.columns.map(glueColumn),
        },
    };
}
