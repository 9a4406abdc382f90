import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { BI_MARKERS, MARKERS, MIN_EXEMPTION_REASON_LENGTH } from "../../contract";
import { cfg } from "../lib/config";
import { list, peek, str, stringMap, subject, UNKNOWN } from "../lib/props";

export const QUICKSIGHT_DATA_SET = "aws:quicksight/dataSet:DataSet";

export interface QuickSightDataSetConfig {
    classifications: string[];
    minReasonLength: number;
}

const dataSetSchema: PolicyConfigSchema = {
    properties: {
        classifications: {
            type: "array",
            items: { type: "string" },
            default: ["confidential", "pii"],
            description: `Values of the dataset's "${MARKERS.classification}" tag that need row- or column-level restrictions.`,
        },
        minReasonLength: {
            type: "integer",
            minimum: 1,
            default: MIN_EXEMPTION_REASON_LENGTH,
            description: `Shortest accepted reason in the "${BI_MARKERS.unrestrictedReason}" tag.`,
        },
    },
};

/** A row-level permission (dataset or tags) that is not switched off. */
function rowLevel(props: unknown): boolean | typeof UNKNOWN {
    for (const field of ["rowLevelPermissionDataSet", "rowLevelPermissionTagConfiguration"]) {
        const v = peek(props, field);
        if (v === UNKNOWN) return UNKNOWN;
        if (v && typeof v === "object" && str(props, field, "status") !== "DISABLED") return true;
    }
    return false;
}

/**
 * QuickSight datasets of confidential or pii data show each group only its rows or hide columns from those who
 * mustn't see them, or say why not: Lake Formation's column grants stop at the QuickSight role, which reads for
 * every user of the dataset.
 */
export const quicksightDatasetRestricted: ResourceValidationPolicy = {
    name: "quicksight-dataset-restricted",
    description: `QuickSight datasets of confidential or pii data have row-level permissions or column-level rules, or a "${BI_MARKERS.unrestrictedReason}" tag saying why not.`,
    severity: "high",
    tags: ["security", "quicksight", "privacy"],
    configSchema: dataSetSchema,
    remediationSteps: `In the dataset file: bi.rowLevelSecurity (rules per group) or bi.restrictedColumns, or bi.unrestrictedReason (tagged "${BI_MARKERS.unrestrictedReason}").`,
    validateResource: (args, report) => {
        if (args.type !== QUICKSIGHT_DATA_SET || str(args.props, "useAs") === "RLS_RULES") return;
        const { classifications, minReasonLength } = cfg<QuickSightDataSetConfig>(args, dataSetSchema);
        if (peek(args.props, "tags") === UNKNOWN) return;
        const tags = stringMap(args.props, "tags");
        const classification = tags[MARKERS.classification];
        if (classification === undefined || !classifications.includes(classification)) return;
        const rows = rowLevel(args.props);
        const columns = peek(args.props, "columnLevelPermissionRules");
        if (rows === UNKNOWN || columns === UNKNOWN || rows || list(args.props, "columnLevelPermissionRules").length > 0) return;
        const reason = tags[BI_MARKERS.unrestrictedReason];
        if (reason !== undefined && reason.trim().length >= minReasonLength) return;
        const why = reason === undefined ? `and no "${BI_MARKERS.unrestrictedReason}" tag says why` : `and its "${BI_MARKERS.unrestrictedReason}" tag "${reason}" is ${reason.trim().length} characters, under the minimum of ${minReasonLength}`;
        report(
            `${subject(args)} publishes ${classification} data to every group it is shared with: no row-level permissions, no column-level rules, ${why}. ` +
                `Fix: add bi.rowLevelSecurity or bi.restrictedColumns to the dataset file (rowLevelPermissionDataSet / columnLevelPermissionRules), or bi.unrestrictedReason.`,
        );
    },
};
