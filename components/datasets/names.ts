/**
 * Every name a dataset derives in a stack (contract/naming.ts `datasetDerivedNames`: table, database, crawler,
 * IAM-mode policies, named queries), checked against its AWS limit before anything is registered, and reported at
 * the field to change (the dataset name or its domain) with how long that field may be in this stack.
 */
import { datasetDerivedNames, invalidNames, NamerArgs, pipelineDerivedNames } from "../../contract";
import { etlPipelines } from "./lineage";
import type { Dataset } from "./model";
import { DatasetProblem } from "./problems";
import { SourceFile } from "./yaml-source";

const short = (s: string) => (s.length > 72 ? `${s.slice(0, 69)}...` : s);

export function derivedNameProblems(ds: { name: string; domain: string; layer: string }, naming: NamerArgs, stack: string, src: SourceFile): DatasetProblem[] {
    const out: DatasetProblem[] = [];
    const invalid = invalidNames(Object.values(datasetDerivedNames(naming, ds)));
    for (const field of ["name", "domain"] as const) {
        const value = ds[field];
        // One problem per field: the tightest name says how long the field may be; the others are listed.
        const mine = invalid
            .filter(({ name: n }) => (n.from.includes("dataset") ? "name" : "domain") === field)
            .map((x) => ({ ...x, room: x.name.rule.max - (x.name.name.length - value.length) }))
            .sort((a, b) => a.room - b.room);
        const first = mine[0];
        if (!first) continue;
        const others = [...new Set(mine.slice(1).map((x) => x.name.what))].filter((w) => w !== first.name.what);
        const fix = first.name.name.length > first.name.rule.max ? `: shorten the ${field === "name" ? "dataset name" : "domain"} to at most ${first.room} chars in stack '${stack}'` : "";
        out.push(src.problem([field], `derived ${first.name.what} name '${short(first.name.name)}' ${first.problem}${others.length ? ` (so would the ${others.join(", ")})` : ""}${fix}`, value));
    }
    return out;
}

/**
 * The names each ETL pipeline derives (its Glue workflow and start trigger), named after the domains of its jobs:
 * a too-long one is reported at the `domain` of each job dataset of that pipeline. Call it on a sound lineage only
 * (no missing inputs, no cycles), as the pipelines are derived from it.
 */
export function pipelineNameProblems(loaded: readonly { ds: Dataset; src: SourceFile }[], naming: NamerArgs, stack: string): DatasetProblem[] {
    const srcOf = new Map(loaded.map((l) => [l.ds.name, l.src]));
    return etlPipelines(loaded.map((l) => l.ds)).flatMap((pipeline) =>
        invalidNames(Object.values(pipelineDerivedNames(naming, pipeline.name))).flatMap(({ name, problem }) =>
            pipeline.jobs.map((job) => {
                const ds = loaded.find((l) => l.ds.name === job.dataset)!.ds;
                return srcOf.get(ds.name)!.problem(["domain"], `derived ${name.what} name '${short(name.name)}' of pipeline '${pipeline.name}' (the domains of its jobs) ${problem}: shorten the domain in stack '${stack}'`, ds.domain);
            }),
        ),
    );
}
