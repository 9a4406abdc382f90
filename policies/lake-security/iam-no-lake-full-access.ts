import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { cfg, stringListSchema } from "../lib/config";
import { containsUnknown, readDocument, Statement, statementLabel, strings } from "../lib/policy-document";
import { isUnknown, list, peek, str, subject } from "../lib/props";
import { T } from "../lib/types";

/** What each AWS managed full-access policy grants (from the AWS managed policy reference), for messages. */
const MANAGED_GRANTS: Record<string, string> = {
    AdministratorAccess: '"*" on "*"',
    PowerUserAccess: 'every action except iam/organizations/account ones (NotAction) on "*"',
    AmazonS3FullAccess: 's3:* on "*"',
    AWSGlueConsoleFullAccess: 'glue:* on "*"',
    AWSGlueServiceRole: 'glue:* on "*"',
    AmazonAthenaFullAccess: 'athena:* on "*"',
    AWSLakeFormationDataAdmin: 'lakeformation:* on "*"',
};

export interface IamFullAccessConfig {
    services: string[];
    fullAccessManagedPolicies: string[];
    allowList: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        services: stringListSchema(
            ["s3", "glue", "athena", "lakeformation"],
            'Services whose whole-service wildcard (`<service>:*`) is flagged on lake data; `"*"` is always flagged.',
        ),
        fullAccessManagedPolicies: stringListSchema(
            Object.keys(MANAGED_GRANTS),
            "AWS managed policy names (the ARN's last segment) that grant whole-service or admin access; attaching one is flagged.",
        ),
        allowList: stringListSchema(
            [],
            "Accepted exceptions, e.g. a break-glass role: a resource's logical name, its `name`, the role/user/group it attaches to, or a policy ARN. Give the reason in the commit that adds the entry.",
        ),
    },
};

/** Types with a `policy` document, with a `policyArn`, and with a `policyArns` list. */
const DOCUMENT_TYPES: readonly string[] = [T.iamPolicy, T.iamRolePolicy, T.iamUserPolicy, T.iamGroupPolicy];
const ATTACHMENT_TYPES: readonly string[] = [T.iamRolePolicyAttachment, T.iamUserPolicyAttachment, T.iamGroupPolicyAttachment, T.iamPolicyAttachment];
const EXCLUSIVE_TYPES: readonly string[] = [T.iamRolePolicyAttachmentsExclusive, T.iamUserPolicyAttachmentsExclusive, T.iamGroupPolicyAttachmentsExclusive];

/** `arn:aws:iam::aws:policy/[path/]Name` -> Name; undefined for customer-managed policies. */
function awsManagedName(arn: string): string | undefined {
    return /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(arn)?.[1];
}

/** The service field of an ARN (`arn:aws:s3:::b` -> `s3`), or undefined for a non-ARN. */
const arnService = (r: string) => (r.startsWith("arn:") ? r.split(":")[2] : undefined);

/** Does a Resource list reach data of `services`? `"*"`, a service wildcard, or an ARN of one of them. */
function reachesLake(resources: string[], services: readonly string[], notResource: boolean): string[] {
    if (notResource) return ["everything but NotResource"];
    return resources.filter((r) => {
        if (r === "*") return true;
        const svc = arnService(r);
        return svc !== undefined && (/[*?]/.test(svc) || services.includes(svc.toLowerCase()));
    });
}

function statementProblems(s: Statement, i: number, services: readonly string[]): string | undefined {
    if (s.Effect !== "Allow") return undefined;
    // Computed actions or resources (preview): judged once known.
    if ([s.Action, s.NotAction, s.Resource, s.NotResource].some(containsUnknown)) return undefined;
    const resources = strings(s.Resource).values;
    const reached = reachesLake(resources, services, s.NotResource !== undefined);
    if (reached.length === 0) return undefined;
    let granted: string[];
    if (s.NotAction !== undefined) {
        // Allow + NotAction grants every action not listed: a service is fully granted unless `svc:*` or `*` is listed.
        const excluded = strings(s.NotAction).values.map((a) => a.toLowerCase());
        if (excluded.includes("*")) return undefined;
        granted = services.filter((svc) => !excluded.includes(`${svc}:*`)).map((svc) => `${svc}:* (via NotAction ${JSON.stringify(s.NotAction)})`);
    } else {
        granted = strings(s.Action).values.filter((a) => {
            if (a === "*") return true;
            const m = /^([a-z0-9-]+):\*+$/i.exec(a);
            return m !== null && services.includes(m[1].toLowerCase());
        });
    }
    if (granted.length === 0) return undefined;
    return `${statementLabel(s, i)} allows ${granted.join(", ")} on ${reached.map((r) => (r.startsWith("everything") ? r : `"${r}"`)).join(", ")}`;
}

const DOC_FIX =
    "list only the actions the principal needs (e.g. s3:GetObject and s3:ListBucket on the lake bucket and prefix ARNs, glue:GetTable/GetPartitions on the database and table ARNs, athena:StartQueryExecution on the lake workgroup ARN), or add this resource to allowList in the policy config";
const MANAGED_FIX =
    "attach a customer-managed policy scoped to the lake's buckets, prefixes, tables and workgroup instead (the platform's dataset grants and workgroup policy are such policies), or add this resource to allowList in the policy config";

/**
 * No IAM identity policy grants whole-service access (`s3:*`, `glue:*`, `athena:*`, `lakeformation:*` or `*`)
 * on lake data or on `"*"`, and no AWS managed full-access policy is attached: such grants include deleting
 * buckets, tables and catalog permissions, and defeat the per-dataset grants. Covers aws.iam.Policy,
 * RolePolicy, UserPolicy, GroupPolicy, Role (inlinePolicies, managedPolicyArns), the policy attachment
 * resources and their `*PolicyAttachmentsExclusive` forms. Wildcards inside an action name (`s3:Get*`) are not
 * whole-service grants and are left to review.
 */
export const iamNoLakeFullAccess: ResourceValidationPolicy = {
    name: "iam-no-lake-full-access",
    description:
        'IAM policies grant no whole-service access (s3:*, glue:*, athena:*, lakeformation:*, "*") on lake data or "*", and no AWS managed full-access policy (AdministratorAccess, AmazonS3FullAccess, AWSGlueConsoleFullAccess, AmazonAthenaFullAccess, ...) is attached.',
    severity: "high",
    tags: ["security", "iam"],
    configSchema,
    remediationSteps: `Replace the wildcard with the actions needed on the lake's ARNs, or ${MANAGED_FIX}.`,
    validateResource: (args, report) => {
        const isDocument = DOCUMENT_TYPES.includes(args.type);
        const isRole = args.type === T.iamRole;
        if (!isDocument && !isRole && !ATTACHMENT_TYPES.includes(args.type) && !EXCLUSIVE_TYPES.includes(args.type)) return;
        const { services, fullAccessManagedPolicies, allowList } = cfg<IamFullAccessConfig>(args, configSchema);
        const svc = services.map((s) => s.toLowerCase());
        const identities = [
            args.name,
            ...["name", "role", "user", "group", "roleName", "userName", "groupName", "policyArn"].map((k) => str(args.props, k)),
            ...["roles", "users", "groups"].flatMap((k) => list(args.props, k)),
        ].filter((v): v is string => typeof v === "string");
        if (identities.some((id) => allowList.includes(id))) return;

        const documents: { field: string; doc: unknown }[] = [];
        if (isDocument) documents.push({ field: "policy", doc: peek(args.props, "policy") });
        if (isRole) list(args.props, "inlinePolicies").forEach((p, i) => documents.push({ field: `inlinePolicies[${i}].policy`, doc: peek(p, "policy") }));
        for (const { field, doc } of documents) {
            if (doc === undefined || doc === null || doc === "") continue;
            const read = readDocument(doc);
            if (read.status !== "ok") continue;
            for (const [i, s] of read.statements.entries()) {
                const problem = statementProblems(s, i, svc);
                if (problem) {
                    report(`${subject(args)} ${field}: ${problem}: every action of the service, deletes and permission changes included. Fix: ${DOC_FIX}.`);
                }
            }
        }

        const arnFields: [string, unknown][] = [];
        if (ATTACHMENT_TYPES.includes(args.type)) arnFields.push(["policyArn", peek(args.props, "policyArn")]);
        if (isRole && !isUnknown(args.props, "managedPolicyArns")) list(args.props, "managedPolicyArns").forEach((a, i) => arnFields.push([`managedPolicyArns[${i}]`, a]));
        if (EXCLUSIVE_TYPES.includes(args.type) && !isUnknown(args.props, "policyArns")) list(args.props, "policyArns").forEach((a, i) => arnFields.push([`policyArns[${i}]`, a]));
        for (const [field, arn] of arnFields) {
            if (typeof arn !== "string" || allowList.includes(arn)) continue;
            const name = awsManagedName(arn);
            if (name === undefined || !fullAccessManagedPolicies.includes(name)) continue;
            const grants = MANAGED_GRANTS[name] ?? "whole-service access";
            report(`${subject(args)}: ${field} "${arn}" attaches the AWS managed policy ${name}, which grants ${grants}. Fix: ${MANAGED_FIX}.`);
        }
    },
};
