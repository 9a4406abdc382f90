import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { peek, str, subject, UNKNOWN } from "../lib/props";
import { T } from "../lib/types";

export interface FirehoseErrorOutputConfig {
    requireErrorOutputType: boolean;
}

const ERROR_TYPE = "!{firehose:error-output-type}";

const configSchema: PolicyConfigSchema = {
    properties: {
        requireErrorOutputType: {
            type: "boolean",
            default: true,
            description: `The error prefix contains ${ERROR_TYPE}, so conversion, partitioning and delivery failures land apart (AWS requires it with dynamic partitioning).`,
        },
    },
};

/** The static part of a Firehose prefix: up to the last '/' before its first expression. */
const staticPart = (prefix: string) => (prefix.includes("!{") ? prefix.slice(0, prefix.lastIndexOf("/", prefix.indexOf("!{")) + 1) : prefix);

/**
 * Firehose S3 and Iceberg destinations set an error output prefix, and it lies outside the data prefix. Without
 * one, records Firehose can't convert or partition are written under the data prefix (S3) or a default
 * `processing-failed/` folder, where Athena reads them as rows of the table or nobody finds them.
 */
export const firehoseErrorOutput: ResourceValidationPolicy = {
    name: "firehose-error-output",
    description: "Firehose S3 and Iceberg destinations set errorOutputPrefix (with !{firehose:error-output-type}) outside the data prefix.",
    severity: "medium",
    tags: ["data-layout", "streaming"],
    configSchema,
    remediationSteps: `Set errorOutputPrefix: "_errors/<domain>/<name>/${ERROR_TYPE}/!{timestamp:yyyy/MM/dd}/" (outside the table's location).`,
    validateResource: (args, report) => {
        if (args.type !== T.firehose) return;
        const { requireErrorOutputType } = cfg<FirehoseErrorOutputConfig>(args, configSchema);
        const destination = str(args.props, "destination");
        const at =
            destination === "extended_s3"
                ? ["extendedS3Configuration"]
                : destination === "iceberg"
                  ? ["icebergConfiguration", "s3Configuration"]
                  : undefined;
        if (!at) return;
        const field = `${at.join(".")}.errorOutputPrefix`;
        const raw = peek(args.props, ...at, "errorOutputPrefix");
        if (raw === UNKNOWN) return;
        const errorPrefix = str(args.props, ...at, "errorOutputPrefix");
        if (!errorPrefix) {
            report(`${subject(args)}: ${field} is not set, so failed records are written beside the data (or under a default folder). Fix: set ${field} outside the table's location, with ${ERROR_TYPE}.`);
            return;
        }
        if (requireErrorOutputType && !errorPrefix.includes(ERROR_TYPE)) {
            report(`${subject(args)}: ${field} "${errorPrefix}" has no ${ERROR_TYPE}, so conversion, partitioning and delivery failures are mixed. Fix: add ${ERROR_TYPE}/ to it.`);
        }
        const prefix = destination === "extended_s3" ? str(args.props, "extendedS3Configuration", "prefix") : undefined;
        const data = prefix ? staticPart(prefix) : undefined;
        if (data && errorPrefix.startsWith(data)) {
            report(`${subject(args)}: ${field} "${errorPrefix}" is inside the data prefix "${data}", so Athena reads failed records as rows. Fix: move it outside, e.g. _errors/${data}${ERROR_TYPE}/.`);
        }
    },
};
