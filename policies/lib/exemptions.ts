import { MARKERS, MIN_EXEMPTION_REASON_LENGTH } from "../../contract";
import { T } from "./types";
import { stringMap } from "./props";

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
 * test. Pure; reads the `lake:unpartitioned-reason` parameter of Glue tables.
 */
export function listExemptions(resources: readonly ResourceLike[], minReasonLength = DEFAULT_MIN_REASON_LENGTH): Exemption[] {
    const out: Exemption[] = [];
    for (const r of resources) {
        if (r.type !== T.glueCatalogTable) continue;
        const params = stringMap(r.props ?? r.inputs, "parameters");
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
    return out;
}
