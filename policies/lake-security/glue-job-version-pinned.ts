import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg, stringListSchema } from "../lib/config";
import { peek, str, subject, UNKNOWN } from "../lib/props";
import { T } from "../lib/types";

export interface GlueJobVersionConfig {
    allowedVersions: string[];
}

const versionSchema: PolicyConfigSchema = {
    properties: {
        allowedVersions: stringListSchema(["5.0"], "Glue versions Spark jobs may run (Glue 5.0: Spark 3.5.4, Python 3.11, Java 17; what etl/tests run locally)."),
    },
};

/** Spark job types: Python shell and Ray jobs have their own version lines. */
const SPARK_COMMANDS = ["glueetl", "gluestreaming"];

/**
 * Spark Glue jobs pin a current Glue version: without `glueVersion` AWS runs the job on its oldest default, and a
 * version the jobs' tests don't run (Spark, Python and Iceberg differ per version) is a deploy-time surprise.
 */
export const glueJobVersionPinned: ResourceValidationPolicy = {
    name: "glue-job-version-pinned",
    description: "Glue Spark jobs (glueetl, gluestreaming) set glueVersion to one of the allowed current versions (default 5.0).",
    severity: "medium",
    tags: ["security", "glue", "supply-chain"],
    configSchema: versionSchema,
    remediationSteps: 'Set glueVersion: "5.0" on the aws.glue.Job (and run its tests on Spark 3.5.4).',
    validateResource: (args, report) => {
        if (args.type !== T.glueJob) return;
        const { allowedVersions } = cfg<GlueJobVersionConfig>(args, versionSchema);
        const command = peek(args.props, "command", "name");
        if (command === UNKNOWN || (typeof command === "string" && !SPARK_COMMANDS.includes(command))) return;
        const version = peek(args.props, "glueVersion");
        if (version === UNKNOWN) return;
        const v = str(args.props, "glueVersion");
        if (v !== undefined && allowedVersions.includes(v)) return;
        report(
            `${subject(args)}: glueVersion is ${v === undefined ? "not set (AWS then runs an old default version)" : `"${v}"`}, not one of ${allowedVersions.map((a) => `"${a}"`).join(", ")}. ` +
                `Fix: set glueVersion: "${allowedVersions[0]}".`,
        );
    },
};
