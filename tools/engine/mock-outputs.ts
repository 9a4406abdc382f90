/**
 * Realistic mock outputs for AWS resources and invokes, for the offline engine and for unit tests.
 *
 * The values follow the formats AWS really uses (ARNs, ids, autonamed physical names), so programs that
 * parse or interpolate them run through. Everything is deterministic: the same resource name always
 * gets the same suffixes, so plans and snapshots are reproducible.
 *
 * Usage in a unit test:
 *
 * ```ts
 * import * as pulumi from "@pulumi/pulumi";
 * // createMocks comes from the engine package (tools/engine/index.ts) or its file tools/engine/mock-outputs.ts
 * pulumi.runtime.setMocks(createMocks({ region: "eu-west-1" }), "proj", "dev");
 * ```
 */

/** Same shape as `pulumi.runtime.MockResourceArgs`, restated so this module stays free of runtime imports. */
export interface MockResourceArgs {
    type: string;
    name: string;
    inputs: any;
    provider?: string;
    custom?: boolean;
    id?: string;
}

/** Same shape as `pulumi.runtime.MockCallArgs`. */
export interface MockCallArgs {
    token: string;
    inputs: any;
    provider?: string;
}

export interface MockEnv {
    /** @default "us-east-1" */
    region?: string;
    /** @default "123456789012" */
    account?: string;
}

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "us-east-1";

type State = Record<string, unknown>;
type Ctx = { region: string; account: string; name: string; inputs: State; resource: string };

/** FNV-1a, so suffixes are stable across runs and cheap at 10k resources. */
function hash(text: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}

function hex(text: string, length: number): string {
    let out = "";
    for (let round = 0; out.length < length; round++) {
        out += hash(`${round}:${text}`).toString(16).padStart(8, "0");
    }
    return out.slice(0, length);
}

function uuid(text: string): string {
    const h = hex(text, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function chars(text: string, length: number, alphabet: string): string {
    let out = "";
    for (let i = 0; i < length; i++) {
        out += alphabet[hash(`${i}:${text}`) % alphabet.length];
    }
    return out;
}

/** Pulumi autonaming: logical name plus a 7-char random suffix (here: derived from the name). */
export function autoName(name: string, lowercase = false): string {
    const suffix = hex(name, 7);
    return `${lowercase ? name.toLowerCase() : name}-${suffix}`;
}

function str(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** The physical name: the explicit input, else prefix + suffix, else the autoname. */
function physical(ctx: Ctx, key = "name", lowercase = false): string {
    const explicit = str(ctx.inputs[key]);
    if (explicit) return explicit;
    const prefix = str(ctx.inputs[`${key}Prefix`]);
    if (prefix) return prefix + hex(ctx.name, 26);
    return autoName(ctx.name, lowercase);
}

function arn(ctx: Ctx, service: string, resource: string, regional = true, account = true): string {
    return `arn:aws:${service}:${regional ? ctx.region : ""}:${account ? ctx.account : ""}:${resource}`;
}

type Builder = (ctx: Ctx) => { id: string; state: State };

function bucket(ctx: Ctx): { id: string; state: State } {
    const name = physical(ctx, "bucket", true);
    return {
        id: name,
        state: {
            bucket: name,
            arn: `arn:aws:s3:::${name}`,
            bucketDomainName: `${name}.s3.amazonaws.com`,
            bucketRegionalDomainName: `${name}.s3.${ctx.region}.amazonaws.com`,
            hostedZoneId: "Z3AQBSTGFYJSTF",
            region: ctx.region,
        },
    };
}

/** S3 bucket configuration resources are identified by their bucket. */
function bucketConfig(ctx: Ctx): { id: string; state: State } {
    return { id: str(ctx.inputs.bucket) ?? ctx.name, state: {} };
}

function named(service: string, path: (name: string, ctx: Ctx) => string, idIsArn = false, key = "name"): Builder {
    return (ctx) => {
        const name = physical(ctx, key);
        const resourceArn = arn(ctx, service, path(name, ctx));
        return { id: idIsArn ? resourceArn : name, state: { [key]: name, arn: resourceArn } };
    };
}

const builders: Record<string, Builder> = {
    "aws:s3/bucket:Bucket": bucket,
    "aws:s3/bucketV2:BucketV2": bucket,
    "aws:kms/key:Key": (ctx) => {
        const keyId = uuid(`kms:${ctx.name}`);
        return { id: keyId, state: { keyId, arn: arn(ctx, "kms", `key/${keyId}`) } };
    },
    "aws:kms/alias:Alias": (ctx) => {
        const name = str(ctx.inputs.name) ?? `alias/${autoName(ctx.name)}`;
        const target = str(ctx.inputs.targetKeyId) ?? uuid(`kms:${ctx.name}`);
        const targetKeyArn = target.startsWith("arn:") ? target : arn(ctx, "kms", `key/${target}`);
        return { id: name, state: { name, arn: arn(ctx, "kms", name), targetKeyArn } };
    },
    "aws:iam/role:Role": (ctx) => {
        const name = physical(ctx);
        const path = str(ctx.inputs.path) ?? "/";
        return {
            id: name,
            state: {
                name,
                arn: arn(ctx, "iam", `role${path}${name}`, false),
                uniqueId: `AROA${chars(`role:${ctx.name}`, 17, UPPER_ALNUM)}`,
                createDate: "2024-01-01T00:00:00Z",
            },
        };
    },
    "aws:iam/policy:Policy": (ctx) => {
        const name = physical(ctx);
        const policyArn = arn(ctx, "iam", `policy${str(ctx.inputs.path) ?? "/"}${name}`, false);
        return {
            id: policyArn,
            state: { name, arn: policyArn, policyId: `ANPA${chars(`pol:${ctx.name}`, 17, UPPER_ALNUM)}` },
        };
    },
    "aws:iam/rolePolicy:RolePolicy": (ctx) => {
        const name = physical(ctx);
        return { id: `${str(ctx.inputs.role) ?? "role"}:${name}`, state: { name } };
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (ctx) => ({
        id: `${str(ctx.inputs.role) ?? "role"}-${hex(ctx.name, 20)}`,
        state: {},
    }),
    "aws:iam/user:User": named("iam", (n) => `user/${n}`, false),
    "aws:glue/catalogDatabase:CatalogDatabase": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx.name, true);
        const catalogId = str(ctx.inputs.catalogId) ?? ctx.account;
        return { id: `${catalogId}:${name}`, state: { name, catalogId, arn: arn(ctx, "glue", `database/${name}`) } };
    },
    "aws:glue/catalogTable:CatalogTable": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx.name, true);
        const db = str(ctx.inputs.databaseName) ?? "default";
        const catalogId = str(ctx.inputs.catalogId) ?? ctx.account;
        return {
            id: `${catalogId}:${db}:${name}`,
            state: { name, catalogId, databaseName: db, arn: arn(ctx, "glue", `table/${db}/${name}`) },
        };
    },
    "aws:glue/crawler:Crawler": named("glue", (n) => `crawler/${n}`),
    "aws:glue/job:Job": named("glue", (n) => `job/${n}`),
    "aws:glue/trigger:Trigger": named("glue", (n) => `trigger/${n}`),
    "aws:glue/connection:Connection": (ctx) => {
        const name = physical(ctx);
        const catalogId = str(ctx.inputs.catalogId) ?? ctx.account;
        return { id: `${catalogId}:${name}`, state: { name, catalogId, arn: arn(ctx, "glue", `connection/${name}`) } };
    },
    "aws:glue/securityConfiguration:SecurityConfiguration": (ctx) => {
        const name = physical(ctx);
        return { id: name, state: { name } };
    },
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings": (ctx) => ({
        id: str(ctx.inputs.catalogId) ?? ctx.account,
        state: { catalogId: str(ctx.inputs.catalogId) ?? ctx.account },
    }),
    "aws:athena/workgroup:Workgroup": named("athena", (n) => `workgroup/${n}`),
    "aws:athena/database:Database": (ctx) => ({ id: physical(ctx), state: { name: physical(ctx) } }),
    "aws:athena/namedQuery:NamedQuery": (ctx) => ({ id: uuid(`nq:${ctx.name}`), state: { name: physical(ctx) } }),
    "aws:athena/dataCatalog:DataCatalog": named("athena", (n) => `datacatalog/${n}`),
    "aws:lakeformation/resource:Resource": (ctx) => ({
        id: str(ctx.inputs.arn) ?? ctx.name,
        state: { lastModified: "2024-01-01T00:00:00Z" },
    }),
    "aws:lakeformation/permissions:Permissions": (ctx) => ({ id: String(hash(`lf:${ctx.name}`)), state: {} }),
    "aws:lakeformation/dataLakeSettings:DataLakeSettings": (ctx) => ({
        id: String(hash(`lfs:${ctx.name}`)),
        state: { catalogId: str(ctx.inputs.catalogId) ?? ctx.account },
    }),
    "aws:lakeformation/lfTag:LfTag": (ctx) => ({
        id: `${str(ctx.inputs.catalogId) ?? ctx.account}:${str(ctx.inputs.key) ?? ctx.name}`,
        state: { catalogId: str(ctx.inputs.catalogId) ?? ctx.account },
    }),
    "aws:secretsmanager/secret:Secret": (ctx) => {
        const name = physical(ctx);
        // Secrets Manager appends a hyphen and six random characters to the name in the ARN.
        const secretArn = arn(ctx, "secretsmanager", `secret:${name}-${chars(`sm:${ctx.name}`, 6, ALNUM)}`);
        return { id: secretArn, state: { name, arn: secretArn } };
    },
    "aws:secretsmanager/secretVersion:SecretVersion": (ctx) => {
        const versionId = uuid(`smv:${ctx.name}`);
        const secretId = str(ctx.inputs.secretId) ?? ctx.name;
        return { id: `${secretId}|${versionId}`, state: { arn: secretId, versionId, versionStages: ["AWSCURRENT"] } };
    },
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": named(
        "firehose",
        (n) => `deliverystream/${n}`,
        true,
    ),
    "aws:kinesis/stream:Stream": named("kinesis", (n) => `stream/${n}`, true),
    "aws:redshiftserverless/namespace:Namespace": (ctx) => {
        const namespaceName = str(ctx.inputs.namespaceName) ?? autoName(ctx.name, true);
        const namespaceId = uuid(`rsns:${ctx.name}`);
        return {
            id: namespaceName,
            state: { namespaceName, namespaceId, arn: arn(ctx, "redshift-serverless", `namespace/${namespaceId}`) },
        };
    },
    "aws:redshiftserverless/workgroup:Workgroup": (ctx) => {
        const workgroupName = str(ctx.inputs.workgroupName) ?? autoName(ctx.name, true);
        const workgroupId = uuid(`rswg:${ctx.name}`);
        const address = `${workgroupName}.${ctx.account}.${ctx.region}.redshift-serverless.amazonaws.com`;
        return {
            id: workgroupName,
            state: {
                workgroupName,
                workgroupId,
                arn: arn(ctx, "redshift-serverless", `workgroup/${workgroupId}`),
                endpoints: [{ address, port: 5439, vpcEndpoints: [] }],
            },
        };
    },
    "aws:cloudwatch/logGroup:LogGroup": named("logs", (n) => `log-group:${n}`),
    "aws:cloudwatch/eventRule:EventRule": named("events", (n) => `rule/${n}`),
    "aws:sns/topic:Topic": (ctx) => {
        const name = physical(ctx);
        const topicArn = arn(ctx, "sns", name);
        return { id: topicArn, state: { name, arn: topicArn } };
    },
    "aws:sqs/queue:Queue": (ctx) => {
        const name = physical(ctx);
        const url = `https://sqs.${ctx.region}.amazonaws.com/${ctx.account}/${name}`;
        return { id: url, state: { name, url, arn: arn(ctx, "sqs", name) } };
    },
    "aws:lambda/function:Function": (ctx) => {
        const name = physical(ctx);
        const fnArn = arn(ctx, "lambda", `function:${name}`);
        return {
            id: name,
            state: {
                name,
                arn: fnArn,
                qualifiedArn: `${fnArn}:$LATEST`,
                invokeArn: `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
                version: "$LATEST",
            },
        };
    },
    "aws:ec2/vpc:Vpc": (ctx) => {
        const id = `vpc-${hex(`vpc:${ctx.name}`, 17)}`;
        return { id, state: { arn: arn(ctx, "ec2", `vpc/${id}`), defaultSecurityGroupId: `sg-${hex(ctx.name, 17)}` } };
    },
    "aws:ec2/subnet:Subnet": (ctx) => {
        const id = `subnet-${hex(`subnet:${ctx.name}`, 17)}`;
        return { id, state: { arn: arn(ctx, "ec2", `subnet/${id}`) } };
    },
    "aws:ec2/securityGroup:SecurityGroup": (ctx) => {
        const id = `sg-${hex(`sg:${ctx.name}`, 17)}`;
        return { id, state: { name: physical(ctx), arn: arn(ctx, "ec2", `security-group/${id}`) } };
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": (ctx) => {
        const id = `vpce-${hex(`vpce:${ctx.name}`, 17)}`;
        return { id, state: { arn: arn(ctx, "ec2", `vpc-endpoint/${id}`), prefixListId: `pl-${hex(ctx.name, 8)}` } };
    },
    "aws:quicksight/dataSource:DataSource": (ctx) => {
        const dataSourceId = str(ctx.inputs.dataSourceId) ?? ctx.name;
        return {
            id: `${ctx.account},${dataSourceId}`,
            state: { arn: arn(ctx, "quicksight", `datasource/${dataSourceId}`), awsAccountId: ctx.account },
        };
    },
    "aws:quicksight/dataSet:DataSet": (ctx) => {
        const dataSetId = str(ctx.inputs.dataSetId) ?? ctx.name;
        return {
            id: `${ctx.account},${dataSetId}`,
            state: { arn: arn(ctx, "quicksight", `dataset/${dataSetId}`), awsAccountId: ctx.account },
        };
    },
    "awsx:ec2:Vpc": (ctx) => {
        const vpcId = `vpc-${hex(`vpc:${ctx.name}`, 17)}`;
        const subnets = (kind: string) =>
            [0, 1, 2].map((az) => `subnet-${hex(`${kind}:${az}:${ctx.name}`, 17)}`);
        return {
            id: vpcId,
            state: {
                vpcId,
                publicSubnetIds: subnets("public"),
                privateSubnetIds: subnets("private"),
                isolatedSubnetIds: [],
                subnets: [],
                publicSubnets: [],
                privateSubnets: [],
                isolatedSubnets: [],
                routeTables: [],
                routeTableAssociations: [],
                routes: [],
                natGateways: [],
                eips: [],
                vpcEndpoints: [],
                subnetLayout: [],
            },
        };
    },
};

/**
 * Remote components whose outputs the mocks model (a remote component's children are created by its
 * provider plugin, which does not run offline): what a report says the engine stands in with.
 */
const MODELLED_COMPONENTS: Record<string, string> = {
    "awsx:ec2:Vpc": "vpcId and three mock subnet ids each in publicSubnetIds and privateSubnetIds (isolatedSubnetIds and the subnet, route table, NAT gateway and endpoint lists are empty)",
};

/** What the mocks model of a remote component's outputs, or undefined (its inputs are echoed back). */
export function modelledComponentOutputs(type: string): string | undefined {
    return MODELLED_COMPONENTS[type];
}

/** `aws:s3/bucketVersioning:BucketVersioning` etc.: all keyed by their bucket. */
const BUCKET_CONFIG = /^aws:s3\/bucket[A-Z]\w*:Bucket\w+$/;

function context(type: string, name: string, inputs: unknown, env: MockEnv = {}): Ctx {
    const [, module = ""] = type.split(":");
    return {
        region: env.region ?? MOCK_REGION,
        account: env.account ?? MOCK_ACCOUNT,
        name,
        inputs: (inputs ?? {}) as State,
        resource: module.split("/")[1] ?? module,
    };
}

/**
 * Outputs for one resource registration: the inputs echoed back (as the real provider does), overlaid
 * with the computed outputs (`id`, `arn`, physical names, ...). Providers (`pulumi:providers:*`) and
 * components get an id too; the runtime ignores it for components.
 */
export function mockNewResource(args: MockResourceArgs, env: MockEnv = {}): { id: string; state: State } {
    const ctx = context(args.type, args.name, args.inputs, env);
    let built: { id: string; state: State };
    const builder = builders[args.type];
    if (builder) {
        built = builder(ctx);
    } else if (BUCKET_CONFIG.test(args.type) && !args.type.startsWith("aws:s3/bucketV2")) {
        built = bucketConfig(ctx);
    } else if (args.type.startsWith("pulumi:providers:")) {
        built = { id: uuid(`provider:${args.name}`), state: {} };
    } else if (args.type.startsWith("aws:")) {
        // Generic fallback: a service-scoped ARN and an id derived from the name.
        const service = args.type.slice(4).split("/")[0];
        const name = physical(ctx);
        built = {
            id: `${args.name}-id`,
            state: { arn: arn(ctx, service, `${ctx.resource.toLowerCase()}/${name}`), name },
        };
    } else {
        built = { id: `${args.name}-id`, state: {} };
    }
    const id = args.id || built.id;
    return { id, state: { ...ctx.inputs, ...built.state, id } };
}

type Statement = Record<string, any>;

function principals(list: Statement[] | undefined): Record<string, unknown> | undefined {
    if (!list?.length) return undefined;
    const out: Record<string, unknown> = {};
    for (const p of list) {
        const ids = Array.isArray(p.identifiers) ? p.identifiers : [p.identifiers];
        out[p.type] = ids.length === 1 ? ids[0] : ids;
    }
    return out;
}

function conditions(list: Statement[] | undefined): Record<string, unknown> | undefined {
    if (!list?.length) return undefined;
    const out: Record<string, Record<string, unknown>> = {};
    for (const c of list) {
        const values = Array.isArray(c.values) ? c.values : [c.values];
        (out[c.test] ??= {})[c.variable] = values.length === 1 ? values[0] : values;
    }
    return out;
}

function one(values: unknown): unknown {
    return Array.isArray(values) && values.length === 1 ? values[0] : values;
}

/** Renders `aws.iam.getPolicyDocument` inputs to the JSON AWS would return, so policies can inspect it. */
function policyDocument(inputs: State): string {
    const statements = ((inputs.statements as Statement[]) ?? []).map((s) => {
        const out: Record<string, unknown> = {};
        if (s.sid) out.Sid = s.sid;
        out.Effect = s.effect ?? "Allow";
        if (s.actions) out.Action = one(s.actions);
        if (s.notActions) out.NotAction = one(s.notActions);
        if (s.resources) out.Resource = one(s.resources);
        if (s.notResources) out.NotResource = one(s.notResources);
        const principal = principals(s.principals);
        if (principal) out.Principal = principal;
        const notPrincipal = principals(s.notPrincipals);
        if (notPrincipal) out.NotPrincipal = notPrincipal;
        const condition = conditions(s.conditions);
        if (condition) out.Condition = condition;
        return out;
    });
    return JSON.stringify({ Version: inputs.version ?? "2012-10-17", Statement: statements });
}

/** The invokes mockCall models; any other token gets its inputs echoed back (plus an id). */
const MODELLED_CALLS = new Set([
    "aws:index/getCallerIdentity:getCallerIdentity",
    "aws:index/getRegion:getRegion",
    "aws:index/getPartition:getPartition",
    "aws:index/getAvailabilityZones:getAvailabilityZones",
    "aws:iam/getPolicyDocument:getPolicyDocument",
]);

/** Does mockCall model `token`'s result (else it echoes the inputs back)? */
export function isModelledCall(token: string): boolean {
    return MODELLED_CALLS.has(token);
}

/** Results for provider functions (invokes), e.g. `aws.getCallerIdentity()`. Unknown tokens echo their inputs. */
export function mockCall(args: MockCallArgs, env: MockEnv = {}): Record<string, unknown> {
    const region = env.region ?? MOCK_REGION;
    const account = env.account ?? MOCK_ACCOUNT;
    const inputs = (args.inputs ?? {}) as State;
    switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: account,
                arn: `arn:aws:iam::${account}:user/pulumi-offline`,
                userId: "AIDAOFFLINEENGINE0001",
                id: account,
            };
        case "aws:index/getRegion:getRegion": {
            const name = str(inputs.region) ?? str(inputs.name) ?? region;
            return { name, region: name, id: name, description: name, endpoint: `ec2.${name}.amazonaws.com` };
        }
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {
                id: region,
                names: ["a", "b", "c"].map((z) => `${region}${z}`),
                zoneIds: [1, 2, 3].map((z) => `use1-az${z}`),
            };
        case "aws:iam/getPolicyDocument:getPolicyDocument": {
            const json = policyDocument(inputs);
            return { ...inputs, id: String(hash(json)), json, minifiedJson: json };
        }
        default:
            return { ...inputs, id: inputs.id ?? `${args.token.split(":").pop()}-id` };
    }
}

/** A `pulumi.runtime.Mocks` implementation built from the two functions above. */
export function createMocks(env: MockEnv = {}): {
    newResource(args: MockResourceArgs): { id: string; state: State };
    call(args: MockCallArgs): Record<string, unknown>;
} {
    return {
        newResource: (args) => mockNewResource(args, env),
        call: (args) => mockCall(args, env),
    };
}
