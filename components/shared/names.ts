import type { Namer } from "../../contract";
import type { Dataset } from "../datasets";
import { MARKERS } from "../../contract";

/** Tag key for the dataset's owner contact (the stack-wide `owner` default tag names the platform team). */
export const OWNER_TAG = "lake:owner";

/** `<prefix>-<env>-<kind>-<dataset with hyphens>`, checked against the AWS limit for that resource. */
export function datasetResourceName(namer: Namer, kind: string, dataset: string, max: number): string {
    const name = `${namer.resource(kind)}-${dataset.replace(/_/g, "-")}`;
    if (name.length > max) {
        throw new Error(`dataset '${dataset}': derived ${kind} name '${name}' is ${name.length} chars, AWS allows ${max}; shorten the dataset name`);
    }
    return name;
}

/** Tags for a dataset's taggable resources (a Glue table takes none: its parameters carry the same markers). */
export function datasetTags(ds: Dataset): Record<string, string> {
    return { [OWNER_TAG]: ds.owner, [MARKERS.dataset]: ds.name, [MARKERS.domain]: ds.domain, [MARKERS.classification]: ds.classification };
}
