/**
 * Which input changes make the provider replace a resource instead of updating it in place.
 *
 * The authoritative source is the provider's Pulumi schema (`willReplaceOnChanges` on an input property, the
 * bridged Terraform provider's `ForceNew`). @pulumi/aws does not ship its schema in the npm package (it lives in
 * the provider plugin, which isn't installed here), so `loadReplaceOn` reads a schema.json when one is found and
 * otherwise falls back to CURATED: the types the lake and its fixtures use, written from the Terraform AWS
 * provider's "Forces new resource" arguments. test/diff/replace-on.test.ts proves every property listed exists
 * in the SDK's `<Type>Args` interface, so a rename in the SDK fails a test instead of silently never matching.
 */
import * as fs from "fs";
import * as path from "path";

/** type token -> top-level input properties whose change replaces the resource. */
export type ReplaceOnTable = Record<string, readonly string[]>;

/**
 * `region` (@pulumi/aws v7 per-resource region) moves a resource to another region: always a new resource.
 * IAM is global and has no `region` input.
 */
const R = "region";

export const CURATED: ReplaceOnTable = {
    // S3: a bucket's name (and how it is named) is its identity; object lock can only be chosen at creation.
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "bucketNamespace", "objectLockEnabled", R],
    "aws:s3/bucketV2:BucketV2": ["bucket", "bucketPrefix", "objectLockEnabled", R],
    "aws:s3/bucketPolicy:BucketPolicy": ["bucket", R],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["bucket", R],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["bucket", R],
    "aws:s3/bucketVersioning:BucketVersioning": ["bucket", "expectedBucketOwner", R],
    "aws:s3/bucketLogging:BucketLogging": ["bucket", "expectedBucketOwner", R],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["bucket", "expectedBucketOwner", R],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["bucket", "expectedBucketOwner", R],
    // KMS: key spec, usage, multi-region and key store are immutable; an alias is its name.
    "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId", R],
    "aws:kms/alias:Alias": ["name", "namePrefix", R],
    "aws:kms/keyPolicy:KeyPolicy": ["keyId", R],
    // Glue: catalog objects are addressed by (catalog, database, name).
    "aws:glue/catalogDatabase:CatalogDatabase": ["name", "catalogId", R],
    "aws:glue/catalogTable:CatalogTable": ["name", "databaseName", "catalogId", R],
    "aws:glue/crawler:Crawler": ["name", R],
    "aws:glue/connection:Connection": ["name", "catalogId", R],
    // A security configuration cannot be updated at all (Glue has no UpdateSecurityConfiguration).
    "aws:glue/securityConfiguration:SecurityConfiguration": ["name", "encryptionConfiguration", R],
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings": ["catalogId", R],
    // Lake Formation: a permission is granted/revoked, never updated; a registration is re-registered.
    "aws:lakeformation/permissions:Permissions": [
        "principal", "permissions", "permissionsWithGrantOptions", "catalogId", "catalogResource", "database", "table",
        "tableWithColumns", "dataLocation", "dataCellsFilter", "lfTag", "lfTagPolicy", R,
    ],
    "aws:lakeformation/resource:Resource": ["arn", "roleArn", "useServiceLinkedRole", "hybridAccessEnabled", "withFederation", "withPrivilegedAccess", R],
    "aws:lakeformation/dataLakeSettings:DataLakeSettings": ["catalogId", R],
    // Athena: a workgroup is its name; a named query cannot be updated in the Terraform provider.
    "aws:athena/workgroup:Workgroup": ["name", R],
    "aws:athena/namedQuery:NamedQuery": ["name", "query", "database", "workgroup", "description", R],
    "aws:secretsmanager/secret:Secret": ["name", "namePrefix", R],
    // IAM (global): names and paths are identity; a policy's description is immutable in IAM.
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/policy:Policy": ["name", "namePrefix", "path", "description"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
    // ETL: Glue jobs, workflows and triggers are addressed by name; a trigger's type and workflow are fixed.
    "aws:glue/job:Job": ["name", R],
    "aws:glue/workflow:Workflow": ["name", R],
    "aws:glue/trigger:Trigger": ["name", "type", "workflowName", R],
    "aws:s3/bucketObjectv2:BucketObjectv2": ["bucket", "key", R],
    // Alerts: a topic is its name (and FIFO-ness); a subscription is (topic, protocol, endpoint).
    "aws:sns/topic:Topic": ["name", "namePrefix", "fifoTopic", R],
    "aws:sns/topicPolicy:TopicPolicy": ["arn", R],
    "aws:sns/topicSubscription:TopicSubscription": ["topic", "protocol", "endpoint", "endpointAutoConfirms", "confirmationTimeoutInMinutes", R],
    "aws:cloudwatch/eventRule:EventRule": ["name", "namePrefix", "eventBusName", R],
    "aws:cloudwatch/eventTarget:EventTarget": ["rule", "targetId", "eventBusName", R],
    // Streaming: streams are names; a delivery stream's destination and Kinesis source are chosen at creation.
    "aws:kinesis/stream:Stream": ["name", R],
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": ["name", "destination", "kinesisSourceConfiguration", "mskSourceConfiguration", R],
    "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass", R],
    "aws:cloudwatch/logStream:LogStream": ["name", "logGroupName", R],
    // Warehouse: namespaces and workgroups are names; every Redshift Data API statement field replaces it.
    "aws:redshiftserverless/namespace:Namespace": ["namespaceName", "dbName", R],
    "aws:redshiftserverless/workgroup:Workgroup": ["workgroupName", "namespaceName", R],
    "aws:redshiftserverless/usageLimit:UsageLimit": ["resourceArn", "usageType", "period", R],
    "aws:redshiftdata/statement:Statement": ["clusterIdentifier", "database", "dbUser", "parameters", "secretArn", "sql", "statementName", "withEvent", "workgroupName", R],
    "aws:ec2/vpcEndpoint:VpcEndpoint": ["vpcId", "serviceName", "vpcEndpointType", R],
    "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "vpcId", "description", R],
    // BI: QuickSight objects are (account, id); a data source's type and a folder's type and parent are fixed.
    "aws:quicksight/group:Group": ["groupName", "awsAccountId", "namespace", R],
    "aws:quicksight/folder:Folder": ["folderId", "awsAccountId", "folderType", "parentFolderArn", R],
    "aws:quicksight/folderMembership:FolderMembership": ["folderId", "memberId", "memberType", "awsAccountId", R],
    "aws:quicksight/dataSource:DataSource": ["dataSourceId", "awsAccountId", "type", R],
    "aws:quicksight/dataSet:DataSet": ["dataSetId", "awsAccountId", R],
    "aws:quicksight/refreshSchedule:RefreshSchedule": ["dataSetId", "scheduleId", "awsAccountId", R],
    "aws:quicksight/template:Template": ["templateId", "awsAccountId", R],
    "aws:quicksight/dashboard:Dashboard": ["dashboardId", "awsAccountId", R],
};

export interface ReplaceOn {
    /** Where the table came from: a schema file (its path) or the curated table. */
    source: "schema" | "curated";
    schemaFile?: string;
    table: ReplaceOnTable;
    /** Replace-on properties of a type; undefined when the type is unknown to the table. */
    of(type: string): readonly string[] | undefined;
}

interface SchemaProperty {
    willReplaceOnChanges?: boolean;
}
interface PulumiSchema {
    resources?: Record<string, { inputProperties?: Record<string, SchemaProperty> }>;
}

/** Reads `willReplaceOnChanges` from a Pulumi package schema (e.g. `pulumi package get-schema aws > schema.json`). */
export function replaceOnFromSchema(schema: PulumiSchema): ReplaceOnTable {
    const table: Record<string, string[]> = {};
    for (const [token, res] of Object.entries(schema.resources ?? {})) {
        const props = Object.entries(res.inputProperties ?? {}).filter(([, p]) => p.willReplaceOnChanges).map(([name]) => name);
        if (props.length) table[token] = props;
    }
    return table;
}

/** Places a schema could be: LAKE_DIFF_SCHEMA, then inside the installed @pulumi/aws package. */
export function schemaCandidates(nodeModules: string[]): string[] {
    const env = process.env.LAKE_DIFF_SCHEMA ? [process.env.LAKE_DIFF_SCHEMA] : [];
    return [...env, ...nodeModules.flatMap((nm) => ["schema.json", "bin/schema.json"].map((f) => path.join(nm, "@pulumi", "aws", f)))];
}

/** The schema when one is found, else the curated table. Schema entries win; curated types it lacks stay. */
export function loadReplaceOn(nodeModules: string[]): ReplaceOn {
    const file = schemaCandidates(nodeModules).find((f) => fs.existsSync(f));
    const table: ReplaceOnTable = file ? { ...CURATED, ...replaceOnFromSchema(JSON.parse(fs.readFileSync(file, "utf8")) as PulumiSchema) } : CURATED;
    return { source: file ? "schema" : "curated", schemaFile: file, table, of: (type) => table[type] };
}

export function curatedReplaceOn(): ReplaceOn {
    return { source: "curated", table: CURATED, of: (type) => CURATED[type] };
}
