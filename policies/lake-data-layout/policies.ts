import type { Policies } from "@pulumi/policy";
import { curatedColumnarFormat } from "./curated-columnar-format";
import { firehoseColumnarConversion } from "./firehose-columnar-conversion";
import { partitionProjectionConsistency } from "./partition-projection-consistency";
import { curatedTablePartitioning } from "./curated-table-partitioning";

export const packName = "lake-data-layout";
export const description =
    "Data layout guardrails for the lake: columnar formats and partitioning in silver/gold, consistent Athena partition projection, Firehose record conversion.";

/** Importable without starting a policy server (index.ts does that). */
export const policies: Policies = [
    curatedColumnarFormat,
    curatedTablePartitioning,
    partitionProjectionConsistency,
    firehoseColumnarConversion,
];
