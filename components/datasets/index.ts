/** The dataset model and its loader: the public API the catalog component and the Pulumi program use. */
export * from "./model";
export { DatasetError, DatasetProblem, formatProblem } from "./problems";
export { loadStackDatasets, loadDatasetSources, findDatasetFiles, discoverStacks, connectionsFile, DATASETS_DIR, LoadedDatasets, SourceText, LoadSourcesOptions } from "./loader";
export { datasetLineage, Lineage, LineageEdge, LineageInput, LineageKind } from "./lineage";
export { DatasetFile, ConnectionsFile, OVERRIDABLE, publishedSchemas, datasetJsonSchema, connectionsJsonSchema } from "./shape";
export { serdeFor, StorageFormat, defaultLocation, defaultLocationTemplate, projectionParameters, formatTableParameters, avroSchema, renderDdl, previewQuery, partitionCountQuery } from "./format";
export { parseHiveType, normaliseHiveType, formatHiveType, HiveType, HiveTypeError } from "./hive-types";
export { resolvePrincipal } from "./principals";
export { cronProblems } from "./cron";
export { ATHENA_DDL_RESERVED, isReserved } from "./reserved";
