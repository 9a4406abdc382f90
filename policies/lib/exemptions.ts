import { MARKERS, MIN_EXEMPTION_REASON_LENGTH } from "../../contract";
import { parseTableDdl } from "./ddl";
import { QUERY_FIELDS } from "./tables";
import { T } from "./types";
import { str, stringMap } from "./props";

/** Shortest reason accepted for a partitioning exemption (policy default; configurable). */
export const DEFAULT_MIN_REASON_LENGTH = MIN_EXEMPTION_REASON_LENGTH;

export interface Exemption {
    urn: string;
    type: string;
    name: string;
    /** The policy the exemption waives. */
    policy: string;
    marker: string;
    reason: string;
    /** false when the reason is blank or shorter than the minimum: the policy still reports it. */
    valid: boolean;
}

/** Anything resource-shaped: a policy PolicyResource (`props`) or an engine PlannedResource (`inputs`). */
export interface ResourceLike {
    urn: string;
    type: string;
    name: string;
    props?: Record<string, unknown>;
    inputs?: Record<string, unknown>;
}

/**
 * Every exemption declared in a stack, for reports and for the "every exemption carries a reason"
 * test. Pure; reads the `lake:unpartitioned-reason` parameter of Glue tables, and the same key in the
 * TBLPROPERTIES of tables created by DDL in Athena saved queries (reported on the query resource).
 */
export function listExemptions(resources: readonly ResourceLike[], minReasonLength = DEFAULT_MIN_REASON_LENGTH): Exemption[] {
    const out: Exemption[] = [];
    for (const r of resources) {
        const props = r.props ?? r.inputs;
        const field = QUERY_FIELDS[r.type];
        const sql = field ? str(props, field) : undefined;
        const paramSets =
            r.type === T.glueCatalogTable
                ? [stringMap(props, "parameters")]
                : sql === undefined
                  ? []
                  : parseTableDdl(sql).flatMap((s) => (s.kind === "table" ? [stringMap(s.table.props, "parameters")] : []));
        for (const params of paramSets) {
            const reason = params[MARKERS.unpartitionedReason];
            if (reason === undefined) continue;
            out.push({
                urn: r.urn,
                type: r.type,
                name: r.name,
                policy: "curated-table-partitioning",
                marker: MARKERS.unpartitionedReason,
                reason,
                valid: reason.trim().length >= minReasonLength,
            });
        }
    }
    return out;
}
