import type { Namer } from "../../contract";
import type { Dataset } from "../datasets";
import { compose, datasetDerivedNames, DatasetNameKey, MARKERS, NameError, nameProblem } from "../../contract";

/** Tag key for the dataset's owner contact (the stack-wide `owner` default tag names the platform team). */
export const OWNER_TAG = "lake:owner";

/**
 * `<prefix>-<env>-<kind>-<dataset with hyphens>`, checked against the AWS limit for that resource. Composed by
 * contract/naming.ts (`compose.datasetResource`), the same function the loader checks every dataset's names with.
 */
export function datasetResourceName(namer: Namer, kind: string, dataset: string, max: number): string {
    namer.resource(kind);
    const name = compose.datasetResource(namer.args, kind, dataset);
    if (name.length > max) {
        throw new NameError(`dataset '${dataset}': derived ${kind} name '${name}' is ${name.length} chars, AWS allows ${max}; shorten the dataset name`);
    }
    return name;
}

/**
 * One of the names a dataset derives (its table, database, crawler, IAM-mode policies, named queries), from the
 * list the loader validated (`datasetDerivedNames`): what a component creates is what `validate` checked.
 */
export function datasetName(namer: Namer, ds: Pick<Dataset, "name" | "domain" | "layer">, key: DatasetNameKey): string {
    const derived = datasetDerivedNames(namer.args, ds)[key];
    const problem = nameProblem(derived);
    if (problem) throw new NameError(`dataset '${ds.name}': derived ${derived.what} name '${derived.name}' ${problem}; shorten the dataset name or domain`);
    return derived.name;
}

/** Tags for a dataset's taggable resources (a Glue table takes none: its parameters carry the same markers). */
export function datasetTags(ds: Dataset): Record<string, string> {
    return { [OWNER_TAG]: ds.owner, [MARKERS.dataset]: ds.name, [MARKERS.domain]: ds.domain, [MARKERS.classification]: ds.classification };
}
