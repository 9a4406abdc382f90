/**
 * The crawler role's policy, a pure function of resolved names and ARNs.
 */
import { doc, GLUE_PARTITION_WRITE, GLUE_READ, glueArn, PolicyDocument, s3Statements, S3Prefix, Statement, tableArns, uniq } from "../shared/iam";
import type { ArnContext } from "../../contract";

export interface CrawlerPolicyInput extends ArnContext {
    kmsKeyArn: string;
    /** Prefixes of the S3 datasets crawled through their catalog table. */
    crawledPrefixes: S3Prefix[];
    /** Tables the S3 crawlers update (catalog targets). */
    crawledTables: { database: string; table: string }[];
    /** Databases the JDBC crawlers write source tables into, with the table prefix they use. */
    jdbcTargets: { database: string; tablePrefix: string }[];
    connectionNames: string[];
    secretArns: string[];
    /** Subnets and security groups of the JDBC connections the crawlers use. */
    networks: { subnetIds: string[]; securityGroupIds: string[] }[];
    lakeFormation: boolean;
}

/** The crawler role's only permissions (instead of AWSGlueServiceRole, which reads every `aws-glue-*` bucket). */
export function crawlerPolicy(p: CrawlerPolicyInput): PolicyDocument {
    const s: Statement[] = [...s3Statements(p, "ReadCrawledData", p.crawledPrefixes, ["s3:GetObject"])];
    s.push({ Sid: "LakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [p.kmsKeyArn] });
    s.push({
        Sid: "CrawlerLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
        // The security configuration's CSE-KMS makes Glue log to /aws-glue/crawlers-role/<role>-<security configuration>.
        Resource: [
            `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:/aws-glue/crawlers*`,
            `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:/aws-glue/crawlers*:log-stream:*`,
        ],
    });
    // glue:GetSecurityConfiguration supports no resource-level permissions (no resource type for it): "*" only.
    s.push({ Sid: "SecurityConfiguration", Effect: "Allow", Action: ["glue:GetSecurityConfiguration"], Resource: "*" });
    if (p.crawledTables.length > 0) {
        s.push({
            Sid: "UpdateDefinedTables",
            Effect: "Allow",
            Action: [...GLUE_READ, "glue:UpdateTable", ...GLUE_PARTITION_WRITE],
            Resource: uniq(p.crawledTables.flatMap((t) => tableArns(p, t.database, t.table))),
        });
    }
    if (p.jdbcTargets.length > 0) {
        s.push({
            Sid: "WriteSourceTables",
            Effect: "Allow",
            Action: [...GLUE_READ, "glue:CreateTable", "glue:UpdateTable", ...GLUE_PARTITION_WRITE],
            Resource: uniq(p.jdbcTargets.flatMap((t) => tableArns(p, t.database, `${t.tablePrefix}*`))),
        });
        s.push({
            Sid: "Connections",
            Effect: "Allow",
            Action: ["glue:GetConnection"],
            Resource: [glueArn(p, "catalog"), ...p.connectionNames.map((n) => glueArn(p, `connection/${n}`))],
        });
        s.push({ Sid: "ConnectionSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: p.secretArns });
        // Glue puts an ENI in each connection's subnet to reach the database: creating one is scoped to the
        // connections' subnets and security groups, deleting to ENIs in those subnets (the ec2:Subnet condition key).
        const ec2 = (resource: string) => `arn:${p.partition}:ec2:${p.region}:${p.accountId}:${resource}`;
        const subnets = uniq(p.networks.flatMap((n) => n.subnetIds)).map((id) => ec2(`subnet/${id}`));
        s.push({
            Sid: "CreateNetworkInterfacesInConnectionSubnets",
            Effect: "Allow",
            Action: ["ec2:CreateNetworkInterface"],
            Resource: [ec2("network-interface/*"), ...subnets, ...uniq(p.networks.flatMap((n) => n.securityGroupIds)).map((id) => ec2(`security-group/${id}`))],
        });
        s.push({
            Sid: "DeleteNetworkInterfacesInConnectionSubnets",
            Effect: "Allow",
            Action: ["ec2:DeleteNetworkInterface"],
            Resource: [ec2("network-interface/*")],
            Condition: { ArnEquals: { "ec2:Subnet": subnets } },
        });
        // EC2's Describe* actions support no resource-level permissions: "*" is the only value IAM accepts.
        s.push({
            Sid: "DescribeNetworks",
            Effect: "Allow",
            Action: [
                "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcEndpoints", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
                "ec2:DescribeVpcs", "ec2:DescribeRouteTables", "ec2:DescribeVpcAttribute",
            ],
            Resource: "*",
        });
        s.push({
            Sid: "TagGlueNetworkInterfaces",
            Effect: "Allow",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: [`arn:${p.partition}:ec2:${p.region}:${p.accountId}:network-interface/*`],
            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["aws-glue-service-resource"] } },
        });
    }
    // lakeformation:GetDataAccess has no resource type in the Service Authorization Reference: Lake Formation itself
    // decides per registered location and grant, so "*" is the only value.
    if (p.lakeFormation) s.push({ Sid: "LakeFormationData", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: "*" });
    return doc(s);
}

