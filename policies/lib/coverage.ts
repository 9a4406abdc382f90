import type { PolicyResource } from "@pulumi/policy";
import { tableFormat } from "./formats";
import { explainNoLayer, LayerEvidence, layerOf } from "./layers";
import { firehoseEvidence, tableEvidence } from "./lake";
import { isUnknown, str } from "./props";
import { lakeTables, TableSubject } from "./tables";
import { T } from "./types";

/**
 * What the layer-aware rules judged in a plan and what they could not, so a stack whose tables sit in
 * `analytics_dw` shows "2 tables unjudged: no lake:layer marker ..." in the report instead of a silent pass.
 *
 * Same detection as the policies (policies/lib/lake.ts `tableEvidence`/`firehoseEvidence`, the same table
 * subjects from policies/lib/tables.ts), with the default `layerPatterns`. Covered policies:
 *  - curated-columnar-format, curated-table-partitioning: Glue tables and tables created by saved Athena DDL;
 *    judged when a layer is found; unjudged when none is, when the DDL can't be read, or when evidence is computed;
 *  - firehose-columnar-conversion: Firehose streams with an `extended_s3` destination (other destinations have
 *    no lake layer and are out of its scope, so they are not counted);
 *  - lake-layer-determined: the same tables and streams; it judges every one it can read.
 * `partition-projection-consistency` is not listed: it judges every table's projection whatever its layer.
 * Counts are of tables and streams (a saved query holding two CREATE TABLE statements counts twice).
 *
 * Input: the engine's planned resources (`inputs`; `provider` as the `urn::id` reference). When the caller's
 * objects also carry them, as the engine's PlannedResource does, `outputs` are overlaid on the inputs (what the
 * engine's stack analysis hands the packs: a bucket's `arn` is an output) and `dependencies`/`parent` URNs are
 * resolved. Not seen: the stack config's `aws:defaultTags` on a default provider (the engine adds those).
 */

export interface CoverageResource {
    urn: string;
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    provider?: string;
}

export interface PolicyCoverage {
    policy: string;
    judged: number;
    unjudged: { urn: string; reason: string }[];
}

export function coverage(
    resources: readonly { urn: string; type: string; name: string; inputs: Record<string, unknown>; provider?: string }[],
): { policy: string; judged: number; unjudged: { urn: string; reason: string }[] }[] {
    const prs = asPolicyResources(resources);
    const { tables, unread } = lakeTables(prs);
    const tableEv = tableEvidence(prs);
    const streamEv = firehoseEvidence(prs);
    const unreadEntries = unread.map((u) => ({ urn: u.resource.urn, reason: u.reason }));

    const columnar = entry("curated-columnar-format");
    const partitioning = entry("curated-table-partitioning");
    const determined = entry("lake-layer-determined");
    for (const t of tables) {
        const ev = tableEv(t.table);
        const pending = waits(ev);
        if (pending) {
            for (const e of [columnar, partitioning, determined]) e.unjudged.push({ urn: t.resource.urn, reason: about(t, pending) });
            continue;
        }
        determined.judged++;
        if (!layerOf(ev)) {
            const reason = about(t, explainNoLayer(ev));
            columnar.unjudged.push({ urn: t.resource.urn, reason });
            partitioning.unjudged.push({ urn: t.resource.urn, reason });
            continue;
        }
        if (tableFormat(t.table.props).unknown) columnar.unjudged.push({ urn: t.resource.urn, reason: about(t, "its storage format is unknown until apply") });
        else columnar.judged++;
        if (isUnknown(t.table.props, "partitionKeys")) partitioning.unjudged.push({ urn: t.resource.urn, reason: about(t, "its partitionKeys are unknown until apply") });
        else partitioning.judged++;
    }
    for (const e of [columnar, partitioning, determined]) e.unjudged.push(...unreadEntries);

    const firehose = entry("firehose-columnar-conversion");
    for (const stream of prs.filter((r) => r.type === T.firehose && str(r.props, "destination") === "extended_s3")) {
        const ev = streamEv(stream);
        const pending = waits(ev);
        if (pending) {
            firehose.unjudged.push({ urn: stream.urn, reason: pending });
            determined.unjudged.push({ urn: stream.urn, reason: pending });
            continue;
        }
        determined.judged++;
        if (layerOf(ev)) firehose.judged++;
        else firehose.unjudged.push({ urn: stream.urn, reason: explainNoLayer(ev) });
    }
    return [columnar, partitioning, firehose, determined];
}

function entry(policy: string): PolicyCoverage {
    return { policy, judged: 0, unjudged: [] };
}

/** A reason when the decision waits for computed evidence (only a verdict from known evidence is final). */
function waits(ev: LayerEvidence): string | undefined {
    if (ev.pending.length === 0 || layerOf(ev)) return undefined;
    return `its layer evidence ${ev.pending.join(", ")} is unknown until apply`;
}

/** Reasons for DDL-created tables name the table, since the URN is the saved query's. */
function about(t: TableSubject, reason: string): string {
    return t.ddl ? `${t.label}: ${reason}` : reason;
}

const OPTS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

function outputsOf(r: CoverageResource): Record<string, unknown> {
    const outputs = (r as { outputs?: unknown }).outputs;
    return outputs !== null && typeof outputs === "object" && !Array.isArray(outputs) ? (outputs as Record<string, unknown>) : {};
}

/** Planned resources as the policy readers see them: `inputs` as props, references resolved to objects. */
function asPolicyResources(resources: readonly CoverageResource[]): PolicyResource[] {
    const out = resources.map(
        (r) =>
            ({
                urn: r.urn,
                type: r.type,
                name: r.name,
                props: { ...(r.inputs ?? {}), ...outputsOf(r) },
                opts: OPTS,
                dependencies: [],
                propertyDependencies: {},
                isType: () => false,
                asType: () => undefined,
            }) as unknown as PolicyResource,
    );
    const byUrn = new Map(out.map((r) => [r.urn, r]));
    resources.forEach((r, i) => {
        const extra = r as { dependencies?: unknown; parent?: unknown };
        if (Array.isArray(extra.dependencies)) {
            out[i].dependencies = extra.dependencies.flatMap((u) => (typeof u === "string" && byUrn.has(u) ? [byUrn.get(u)!] : []));
        }
        if (typeof extra.parent === "string") out[i].parent = byUrn.get(extra.parent);
        if (r.provider) {
            // `urn::id`: the URN itself contains "::", so the id is what follows the last one.
            const cut = r.provider.lastIndexOf("::");
            const p = byUrn.get(r.provider) ?? (cut > 0 ? byUrn.get(r.provider.slice(0, cut)) : undefined);
            // The engine gives packs a provider's inputs (defaultTags is one).
            if (p) out[i].provider = { type: p.type, name: p.name, urn: p.urn, props: resources[out.indexOf(p)].inputs ?? {} };
        }
    });
    return out;
}
