import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { ETL_MARKERS, MIN_EXEMPTION_REASON_LENGTH } from "../../contract";
import { cfg } from "../lib/config";
import { detectLayer, isCurated, LayerPatterns, layerPatternsSchema } from "../lib/layers";
import { peek, str, subject, UNKNOWN } from "../lib/props";
import { T } from "../lib/types";

export interface GlueJobBookmarksConfig {
    layerPatterns: LayerPatterns;
    minReasonLength: number;
}

const bookmarksSchema: PolicyConfigSchema = {
    properties: {
        layerPatterns: layerPatternsSchema,
        minReasonLength: {
            type: "integer",
            minimum: 1,
            default: MIN_EXEMPTION_REASON_LENGTH,
            description: `Shortest accepted reason in the job's "${ETL_MARKERS.bookmarkReason}" tag.`,
        },
    },
};

const ENABLE = "job-bookmark-enable";

/**
 * Glue Spark jobs writing silver or gold read incrementally with job bookmarks, or say in a tag why they don't
 * (an Iceberg MERGE, a full recompute): a job without either rereads every input file on each run, and with
 * partition overwrite or appends that duplicates or loses rows without anyone having decided so.
 */
export const glueJobBookmarksOrReason: ResourceValidationPolicy = {
    name: "glue-job-bookmarks-or-reason",
    description: `Glue Spark jobs writing silver or gold set --job-bookmark-option to ${ENABLE}, or carry a "${ETL_MARKERS.bookmarkReason}" tag saying why not.`,
    severity: "medium",
    tags: ["data-quality", "glue"],
    configSchema: bookmarksSchema,
    remediationSteps: `Set defaultArguments["--job-bookmark-option"] = "${ENABLE}" (and use transformation_ctx, job.init/job.commit), or tag the job "${ETL_MARKERS.bookmarkReason}" with why it reads in full.`,
    validateResource: (args, report) => {
        if (args.type !== T.glueJob) return;
        const { layerPatterns, minReasonLength } = cfg<GlueJobBookmarksConfig>(args, bookmarksSchema);
        const tags = peek(args.props, "tags");
        const defaults = peek(args.props, "defaultArguments");
        if (tags === UNKNOWN || defaults === UNKNOWN) return;
        const tagMap = (tags && typeof tags === "object" ? tags : {}) as Record<string, string>;
        const verdict = detectLayer(
            [{ where: "job tag", values: tagMap }],
            [
                { what: "job name", text: str(args.props, "name") },
                { what: "--target_database argument", text: str(args.props, "defaultArguments", "--target_database") },
            ],
            layerPatterns,
        );
        if (!verdict || !isCurated(verdict.layer)) return;
        const option = str(args.props, "defaultArguments", "--job-bookmark-option");
        if (option === ENABLE) return;
        const reason = tagMap[ETL_MARKERS.bookmarkReason];
        if (reason !== undefined && reason.trim().length >= minReasonLength) return;
        const state = option === undefined ? "not set (job-bookmark-disable)" : `"${option}"`;
        const why = reason === undefined ? `and no "${ETL_MARKERS.bookmarkReason}" tag says why` : `and its "${ETL_MARKERS.bookmarkReason}" tag "${reason}" is ${reason.trim().length} characters, under the minimum of ${minReasonLength}`;
        report(
            `${subject(args)} writes the ${verdict.layer} layer (${verdict.because}) with --job-bookmark-option ${state}, ${why}. ` +
                `Fix: set defaultArguments["--job-bookmark-option"] = "${ENABLE}" for incremental sources, or tag "${ETL_MARKERS.bookmarkReason}" with the reason (e.g. Iceberg MERGE INTO on a key, a full recompute).`,
        );
    },
};
