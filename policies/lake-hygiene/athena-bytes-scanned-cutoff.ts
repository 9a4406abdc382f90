import { PolicyConfigSchema, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { isUnknown, num, subject } from "../lib/props";
import { resourceClass, T } from "../lib/types";

/** Athena's smallest accepted per-query cutoff: 10 MB. */
export const ATHENA_MIN_CUTOFF = 10 * 1024 * 1024;

export interface AthenaCutoffConfig {
    maxBytesScannedCutoffPerQuery: number;
}

const configSchema: PolicyConfigSchema = {
    properties: {
        maxBytesScannedCutoffPerQuery: {
            type: "integer",
            minimum: ATHENA_MIN_CUTOFF,
            default: 1024 ** 4,
            description: "Highest accepted configuration.bytesScannedCutoffPerQuery, in bytes (default 1 TiB, about $5 per query).",
        },
    },
};

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(n < 1024 ** 3 ? 3 : 0)} GiB`;

/** Every Athena workgroup caps the bytes one query may scan, so a missing partition filter can't scan the lake. */
export const athenaBytesScannedCutoff: ResourceValidationPolicy = {
    name: "athena-bytes-scanned-cutoff",
    description: "Athena workgroups set a per-query bytes-scanned cutoff between 10 MB and the configured maximum.",
    severity: "medium",
    tags: ["hygiene", "cost", "athena"],
    configSchema,
    remediationSteps: "Set configuration.bytesScannedCutoffPerQuery on the aws.athena.Workgroup (e.g. 107374182400 for 100 GiB).",
    validateResource: validateResourceOfType(resourceClass(T.athenaWorkgroup), (_wg, args, report) => {
        const { maxBytesScannedCutoffPerQuery: max } = cfg<AthenaCutoffConfig>(args, configSchema);
        if (isUnknown(args.props, "configuration", "bytesScannedCutoffPerQuery")) return;
        const cutoff = num(args.props, "configuration", "bytesScannedCutoffPerQuery");
        if (cutoff === undefined) {
            const suggest = Math.min(100 * 1024 ** 3, max);
            report(`${subject(args)}: configuration.bytesScannedCutoffPerQuery is not set, so one query can scan the whole lake. Fix: set it, e.g. to ${suggest} (${gib(suggest)}); the allowed maximum is ${max} (${gib(max)}).`);
        } else if (cutoff < ATHENA_MIN_CUTOFF) {
            report(`${subject(args)}: configuration.bytesScannedCutoffPerQuery is ${cutoff}, below Athena's minimum of ${ATHENA_MIN_CUTOFF} (10 MB). Fix: set it to at least ${ATHENA_MIN_CUTOFF}.`);
        } else if (cutoff > max) {
            report(`${subject(args)}: configuration.bytesScannedCutoffPerQuery is ${cutoff} (${gib(cutoff)}), above the maximum of ${max} (${gib(max)}). Fix: lower it to ${max} or less.`);
        }
    }),
};
