/** The dataset model and its loader: the public API the catalog component and the Pulumi program use. */
export * from "./model";
export { DatasetError, DatasetProblem, formatProblem } from "./problems";
export { loadStackDatasets, loadDatasetSources, findDatasetFiles, discoverStacks, connectionsFile, externalLocationsFile, readSource, DATASETS_DIR, LoadedDatasets, SourceText, LoadSourcesOptions, StackDatasetsOptions } from "./loader";
export { decodeSource, firstInvalidUtf8, ParseCache } from "./yaml-source";
export { lakeBuckets, LakeBuckets, pathProblem } from "./locations";
export { connectionSecretName } from "./connections";
export { datasetLineage, Lineage, LineageEdge, LineageInput, LineageKind, etlPipelines, EtlPipeline, jobPlan, JobPlan, JobScript, JOB_SCRIPTS, sqlFileOf } from "./lineage";
export { DatasetFile, ConnectionsFile, ExternalLocationsFile, OVERRIDABLE, publishedSchemas, datasetJsonSchema, connectionsJsonSchema, externalLocationsJsonSchema } from "./shape";
export { serdeFor, StorageFormat, datasetErrorPrefix, prefixBeforeExpression, defaultLocation, defaultLocationTemplate, projectionParameters, formatTableParameters, avroSchema, renderDdl, previewQuery, partitionCountQuery } from "./format";
export { parseHiveType, normaliseHiveType, formatHiveType, HiveType, HiveTypeError } from "./hive-types";
export { resolvePrincipal } from "./principals";
export { cronProblems } from "./cron";
export { defaultErrorPrefix, JSON_RECORD_FORMATS, streamDateTokens } from "./sources";
export { ATHENA_DDL_RESERVED, isReserved } from "./reserved";
export { quickSightType } from "./build";
