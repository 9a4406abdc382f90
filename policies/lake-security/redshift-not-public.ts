import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { bool, peek, subject, UNKNOWN } from "../lib/props";
import { T } from "../lib/types";

export interface RedshiftNetworkConfig {
    requireEnhancedVpcRouting: boolean;
}

const netSchema: PolicyConfigSchema = {
    properties: {
        requireEnhancedVpcRouting: {
            type: "boolean",
            default: false,
            description: "Also require enhancedVpcRouting: true, so COPY/UNLOAD and Spectrum traffic to S3 stays in the VPC (needs an S3 gateway endpoint).",
        },
    },
};

/** Redshift clusters and Serverless workgroups are reachable only inside the VPC. */
export const redshiftNotPublic: ResourceValidationPolicy = {
    name: "redshift-not-public",
    description: "Redshift provisioned clusters and Redshift Serverless workgroups are not publicly accessible.",
    severity: "critical",
    tags: ["security", "network", "redshift"],
    configSchema: netSchema,
    remediationSteps: "Set publiclyAccessible: false and reach the endpoint through the VPC (VPN, bastion or QuickSight VPC connection).",
    validateResource: (args, report) => {
        if (args.type !== T.redshiftCluster && args.type !== T.redshiftServerlessWorkgroup) return;
        const v = peek(args.props, "publiclyAccessible");
        if (v !== UNKNOWN && bool(args.props, "publiclyAccessible") === true) {
            report(`${subject(args)}: publiclyAccessible is true, so its endpoint gets a public IP. Fix: set publiclyAccessible: false and connect from inside the VPC.`);
        }
        const { requireEnhancedVpcRouting } = cfg<RedshiftNetworkConfig>(args, netSchema);
        const evr = peek(args.props, "enhancedVpcRouting");
        if (requireEnhancedVpcRouting && evr !== UNKNOWN && bool(args.props, "enhancedVpcRouting") !== true) {
            report(`${subject(args)}: enhancedVpcRouting is ${bool(args.props, "enhancedVpcRouting") ?? "not set (false)"}, so its S3 traffic leaves the VPC. Fix: set enhancedVpcRouting: true and add an S3 gateway endpoint to the VPC.`);
        }
    },
};
