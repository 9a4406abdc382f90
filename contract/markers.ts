/**
 * The contract between the platform's components and its policy packs.
 *
 * Components stamp these markers on what they create; the packs read them to decide which rules
 * apply. Programs that don't use our components carry no markers, so the packs fall back to name
 * patterns (see policies/lib). Renaming a key is a breaking change for every deployed stack.
 */

/** The lake's storage layers. "raw" and "bronze" are the same layer; the platform says bronze. */
export const LAYERS = ["bronze", "silver", "gold"] as const;
export type Layer = (typeof LAYERS)[number];

/** Layers where only columnar formats (Parquet, ORC, Iceberg) are allowed. */
export const CURATED_LAYERS: readonly Layer[] = ["silver", "gold"];

/**
 * Marker keys. Used as Glue database/table `parameters` keys and as AWS tag keys
 * (S3 buckets, Firehose streams), so they stay within both alphabets.
 */
export const MARKERS = {
    /** bronze | silver | gold */
    layer: "lake:layer",
    /** Written reason why a silver/gold table has no partitions (e.g. a small dimension). */
    unpartitionedReason: "lake:unpartitioned-reason",
    /** Dataset name, as in its dataset file. */
    dataset: "lake:dataset",
    /** Owning domain/team. */
    domain: "lake:domain",
    /** public | internal | confidential | pii */
    classification: "lake:classification",
} as const;

/**
 * Shortest written reason accepted for an exemption (`lake:unpartitioned-reason`). The dataset schema, the loader
 * and the partitioning policy's default all use it, so a file that validates also passes the policy.
 */
export const MIN_EXEMPTION_REASON_LENGTH = 20;
