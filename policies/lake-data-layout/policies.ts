import type { Policies } from "@pulumi/policy";
import { curatedColumnarFormat } from "./curated-columnar-format";
import { firehoseColumnarConversion } from "./firehose-columnar-conversion";
import { firehoseErrorOutput } from "./firehose-error-output";
import { partitionProjectionConsistency } from "./partition-projection-consistency";
import { curatedTablePartitioning } from "./curated-table-partitioning";
import { lakeLayerDetermined } from "./lake-layer-determined";

export const packName = "lake-data-layout";
export const description =
    "Data layout guardrails for the lake: columnar formats and partitioning in silver/gold, consistent Athena partition projection, Firehose record conversion, and a determinable layer for every table and stream.";

/** Importable without starting a policy server (index.ts does that). */
export const policies: Policies = [
    curatedColumnarFormat,
    curatedTablePartitioning,
    partitionProjectionConsistency,
    firehoseColumnarConversion,
    firehoseErrorOutput,
    lakeLayerDetermined,
];
