/**
 * lake-security rules added for what the public programs showed missing: Athena databases and saved queries,
 * public bucket policies, whole-service IAM grants. Each starts from a passing resource and flips one field.
 */
import { expect } from "chai";
import { athenaDatabaseEncryption } from "../../policies/lake-security/athena-database-encryption";
import { athenaNoPrimaryWorkgroup } from "../../policies/lake-security/athena-no-primary-workgroup";
import { iamNoLakeFullAccess } from "../../policies/lake-security/iam-no-lake-full-access";
import { s3BucketPolicyNotPublic } from "../../policies/lake-security/s3-bucket-policy-not-public";
import { T } from "../../policies/lib/types";
import { flip, res, runResource, runStack } from "./helpers";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0b7e4c1e-1111-2222-3333-444455556666";

describe("lake-security: coverage additions", () => {
    describe("athena-database-encryption", () => {
        const database = { name: "sales_gold", bucket: "acme-athena-results", encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKey: KEY_ARN } };
        const run = (props: object, extra: ReturnType<typeof res>[] = [], config: Record<string, unknown> = {}) =>
            runStack(athenaDatabaseEncryption, [...extra, res(T.athenaDatabase, "sales", props as Record<string, unknown>)], config);

        it("passes SSE_KMS with a customer-managed key, and CSE_KMS", async () => {
            expect(await run(database)).to.deep.equal([]);
            expect(await run(flip(database, "encryptionConfiguration.encryptionOption", "CSE_KMS"))).to.deep.equal([]);
        });
        it("flags SSE_S3: not a customer-managed key", async () => {
            const v = await run(flip(database, "encryptionConfiguration", { encryptionOption: "SSE_S3" }));
            expect(v).to.have.length(1);
            expect(v[0].urn).to.contain("sales");
            expect(v[0].message).to.contain(`aws.athena.Database 'sales': encryptionConfiguration.encryptionOption is "SSE_S3" (S3-managed keys, not a customer-managed KMS key). Fix: set encryptionConfiguration`);
        });
        it("flags no encryption configuration", async () => {
            const v = await run(flip(database, "encryptionConfiguration", undefined));
            expect(v[0].message).to.contain("encryptionConfiguration is not set and its workgroup is not set (primary)");
        });
        it("flags SSE_KMS without a key, and an AWS-managed key unless CMKs are optional", async () => {
            expect((await run(flip(database, "encryptionConfiguration.kmsKey", undefined)))[0].message).to.contain("kmsKey: no KMS key is set");
            const aws = flip(database, "encryptionConfiguration.kmsKey", "alias/aws/s3");
            expect((await run(aws))[0].message).to.contain('"alias/aws/s3" is an AWS-managed key');
            expect(await run(aws, [], { requireCustomerManagedKey: false })).to.deep.equal([]);
        });
        it("accepts no configuration in a stack workgroup that enforces KMS encryption, unless told not to", async () => {
            const wg = res(T.athenaWorkgroup, "analysts", {
                name: "lake-analysts",
                configuration: { resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN } } },
            });
            const inWg = flip(flip(database, "encryptionConfiguration", undefined), "workgroup", "lake-analysts");
            expect(await run(inWg, [wg])).to.deep.equal([]);
            expect((await run(inWg, [wg], { acceptEnforcedWorkgroup: false }))[0].message).to.contain("enforces KMS encryption, but acceptEnforcedWorkgroup is false");
            const open = res(T.athenaWorkgroup, "analysts", { name: "lake-analysts", configuration: { enforceWorkgroupConfiguration: false } });
            expect((await run(inWg, [open]))[0].message).to.contain("workgroup 'analysts' does not enforce");
            expect((await run(inWg))[0].message).to.contain('workgroup is "lake-analysts", not a workgroup of this stack');
        });
    });

    describe("athena-no-primary-workgroup", () => {
        const query = { name: "orders preview", database: "sales_gold", workgroup: "lake-analysts", query: "SELECT * FROM orders LIMIT 10" };
        const run = (type: string, props: object, config: Record<string, unknown> = {}) =>
            runResource(athenaNoPrimaryWorkgroup, type, props as Record<string, unknown>, { name: "preview", config });

        it("passes a named query in a lake workgroup", async () => {
            expect(await run(T.athenaNamedQuery, query)).to.deep.equal([]);
        });
        it("flags a named query without a workgroup (the provider's default is primary)", async () => {
            const v = await run(T.athenaNamedQuery, flip(query, "workgroup", undefined));
            expect(v).to.have.length(1);
            expect(v[0].message).to.contain(`aws.athena.NamedQuery 'preview': workgroup is not set, so it is saved in "primary"`).and.contain("Fix: set workgroup to the lake workgroup's name");
        });
        it("flags primary set explicitly, on prepared statements too", async () => {
            expect((await run(T.athenaNamedQuery, flip(query, "workgroup", "primary")))[0].message).to.contain('workgroup is "primary"');
            const ps = { name: "by_day", workgroup: "primary", queryStatement: "SELECT * FROM orders WHERE dt = ?" };
            expect((await run(T.athenaPreparedStatement, ps))[0].message).to.contain("aws.athena.PreparedStatement 'preview'");
            expect(await run(T.athenaPreparedStatement, flip(ps, "workgroup", "lake-analysts"))).to.deep.equal([]);
        });
        it("flags configured workgroups", async () => {
            expect(await run(T.athenaNamedQuery, query, { disallowedWorkgroups: ["primary", "lake-analysts"] })).to.have.length(1);
        });
    });

    describe("s3-bucket-policy-not-public", () => {
        const vpceRead = {
            Sid: "ReadThroughLakeEndpoint",
            Effect: "Allow",
            Principal: "*",
            Action: ["s3:GetObject"],
            Resource: "arn:aws:s3:::acme-lake-gold/*",
            Condition: { StringEquals: { "aws:SourceVpce": "vpce-0abc1234" } },
        };
        const doc = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
        const run = (statement: object, type: string = T.bucketPolicy, config: Record<string, unknown> = {}) =>
            runResource(s3BucketPolicyNotPublic, type, { bucket: "acme-lake-gold", policy: doc(statement) }, { name: "gold-policy", config });

        it("passes an Allow to * pinned to a VPC endpoint, and Allows to named principals", async () => {
            expect(await run(vpceRead)).to.deep.equal([]);
            expect(await run(flip(flip(vpceRead, "Principal", { AWS: "arn:aws:iam::123456789012:role/reader" }), "Condition", undefined))).to.deep.equal([]);
            expect(await run(flip(flip(vpceRead, "Principal", { Service: "logging.s3.amazonaws.com" }), "Condition", { StringEquals: { "aws:SourceAccount": "123456789012" } }))).to.deep.equal([]);
        });
        it("flags Principal * without a condition", async () => {
            const v = await run(flip(vpceRead, "Condition", undefined));
            expect(v).to.have.length(1);
            expect(v[0].message)
                .to.contain(`aws.s3.BucketPolicy 'gold-policy' policy: statement "ReadThroughLakeEndpoint" allows s3:GetObject on arn:aws:s3:::acme-lake-gold/* to Principal "*"`)
                .and.contain("anyone can make these requests")
                .and.contain("Fix: name the principals");
        });
        it("flags { AWS: '*' } and NotPrincipal", async () => {
            expect(await run(flip(flip(vpceRead, "Principal", { AWS: ["*"] }), "Condition", undefined))).to.have.length(1);
            const notPrincipal = { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:*", Resource: "*" };
            expect((await run(notPrincipal))[0].message).to.contain("everyone except NotPrincipal");
        });
        it("flags conditions that don't restrict: IfExists, negated, wildcard values, unrelated keys", async () => {
            const cases = [
                { StringEqualsIfExists: { "aws:SourceVpce": "vpce-0abc1234" } },
                { StringNotEquals: { "aws:SourceVpce": "vpce-0abc1234" } },
                { StringLike: { "aws:PrincipalOrgID": "*" } },
                { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } },
                { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } },
                { Bool: { "aws:SecureTransport": "true" } },
            ];
            for (const c of cases) expect(await run(flip(vpceRead, "Condition", c)), JSON.stringify(c)).to.have.length(1);
        });
        it("accepts organisation, account and CIDR pins", async () => {
            for (const c of [
                { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
                { StringEquals: { "aws:SourceAccount": "123456789012" } },
                { ArnLike: { "aws:SourceArn": "arn:aws:s3:::acme-lake-*" } },
                { IpAddress: { "aws:SourceIp": ["203.0.113.0/24"] } },
            ]) {
                expect(await run(flip(vpceRead, "Condition", c)), JSON.stringify(c)).to.deep.equal([]);
            }
        });
        it("ignores Deny statements (the TLS deny is Principal *)", async () => {
            expect(await run({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } })).to.deep.equal([]);
        });
        it("judges a bucket's inline policy, and honours configured keys", async () => {
            const v = await run(flip(vpceRead, "Condition", { StringEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN } }), T.bucket);
            expect(v[0].message).to.contain("aws.s3.Bucket 'gold-policy' policy (inline)");
            const keys = ["aws:SourceVpce", "s3:x-amz-server-side-encryption-aws-kms-key-id"];
            expect(await run(flip(vpceRead, "Condition", { StringEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN } }), T.bucket, { restrictingConditionKeys: keys })).to.deep.equal([]);
        });
        it("reads object documents too", async () => {
            const v = await runResource(s3BucketPolicyNotPublic, T.bucketPolicy, { bucket: "b", policy: { Version: "2012-10-17", Statement: [flip(vpceRead, "Condition", undefined)] } });
            expect(v).to.have.length(1);
        });
    });

    describe("iam-no-lake-full-access", () => {
        const scoped = {
            Sid: "ReadGold",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:ListBucket"],
            Resource: ["arn:aws:s3:::acme-lake-gold", "arn:aws:s3:::acme-lake-gold/*"],
        };
        const doc = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
        const run = (type: string, props: object, config: Record<string, unknown> = {}) =>
            runResource(iamNoLakeFullAccess, type, props as Record<string, unknown>, { name: "readers", config });

        it("passes a scoped policy on every policy type", async () => {
            for (const type of [T.iamPolicy, T.iamRolePolicy, T.iamUserPolicy, T.iamGroupPolicy]) {
                expect(await run(type, { name: "readers", policy: doc(scoped) }), type).to.deep.equal([]);
            }
        });
        it("flags s3:* on lake buckets", async () => {
            const v = await run(T.iamPolicy, { name: "readers", policy: doc(flip(scoped, "Action", "s3:*")) });
            expect(v).to.have.length(1);
            expect(v[0].message)
                .to.contain(`aws.iam.Policy 'readers' policy: statement "ReadGold" allows s3:* on "arn:aws:s3:::acme-lake-gold", "arn:aws:s3:::acme-lake-gold/*"`)
                .and.contain("Fix: list only the actions the principal needs");
        });
        it("flags glue:*, athena:*, lakeformation:* and * on \"*\", case-insensitively", async () => {
            for (const action of ["glue:*", "Athena:*", "lakeformation:*", "*"]) {
                const v = await run(T.iamRolePolicy, { role: "etl", policy: doc({ ...scoped, Action: action, Resource: "*" }) });
                expect(v, action).to.have.length(1);
            }
        });
        it("leaves non-lake services and in-name wildcards alone", async () => {
            expect(await run(T.iamPolicy, { policy: doc({ ...scoped, Action: "sqs:*", Resource: "*" }) })).to.deep.equal([]);
            expect(await run(T.iamPolicy, { policy: doc({ ...scoped, Action: "s3:Get*" }) })).to.deep.equal([]);
            expect(await run(T.iamPolicy, { policy: doc({ ...scoped, Action: "s3:*", Resource: "arn:aws:sqs:eu-west-1:123456789012:q" }) })).to.deep.equal([]);
        });
        it("flags Allow with NotAction, and NotResource", async () => {
            const v = await run(T.iamPolicy, { policy: doc({ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }) });
            expect(v[0].message).to.contain("s3:* (via NotAction");
            expect(await run(T.iamPolicy, { policy: doc({ ...scoped, Action: "glue:*", Resource: undefined, NotResource: "arn:aws:glue:*:*:catalog" }) })).to.have.length(1);
        });
        it("flags AWS managed full-access policies on every attachment form", async () => {
            const arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
            const v = await run(T.iamRolePolicyAttachment, { role: "etl", policyArn: arn });
            expect(v[0].message).to.contain(`aws.iam.RolePolicyAttachment 'readers': policyArn "${arn}" attaches the AWS managed policy AmazonS3FullAccess, which grants s3:* on "*"`).and.contain("Fix: attach a customer-managed policy");
            expect(await run(T.iamUserPolicyAttachment, { user: "u", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })).to.have.length(1);
            expect(await run(T.iamGroupPolicyAttachment, { group: "g", policyArn: "arn:aws:iam::aws:policy/AWSGlueConsoleFullAccess" })).to.have.length(1);
            expect(await run(T.iamPolicyAttachment, { roles: ["r"], policyArn: "arn:aws:iam::aws:policy/AmazonAthenaFullAccess" })).to.have.length(1);
            expect(await run(T.iamRolePolicyAttachmentsExclusive, { roleName: "r", policyArns: ["arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"] })).to.have.length(1);
            expect(await run(T.iamRole, { name: "r", managedPolicyArns: ["arn:aws-cn:iam::aws:policy/AdministratorAccess"] })).to.have.length(1);
            expect(await run(T.iamRolePolicyAttachment, { role: "etl", policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" })).to.deep.equal([]);
            expect(await run(T.iamRolePolicyAttachment, { role: "etl", policyArn: "arn:aws:iam::123456789012:policy/lake-readers" })).to.deep.equal([]);
        });
        it("judges a role's inline policies", async () => {
            const v = await run(T.iamRole, { name: "etl", inlinePolicies: [{ name: "all", policy: doc({ ...scoped, Action: "s3:*" }) }] });
            expect(v[0].message).to.contain("inlinePolicies[0].policy");
        });
        it("accepts allow-listed resources, principals and policy ARNs", async () => {
            const admin = { role: "break-glass", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" };
            expect(await run(T.iamRolePolicyAttachment, admin, { allowList: ["break-glass"] })).to.deep.equal([]);
            expect(await run(T.iamRolePolicyAttachment, admin, { allowList: ["readers"] })).to.deep.equal([]);
            expect(await run(T.iamRolePolicyAttachment, admin, { allowList: [admin.policyArn] })).to.deep.equal([]);
            expect(await run(T.iamRolePolicyAttachment, admin, { allowList: ["someone-else"] })).to.have.length(1);
        });
        it("ignores Deny statements", async () => {
            expect(await run(T.iamPolicy, { policy: doc({ Effect: "Deny", Action: "s3:*", Resource: "*" }) })).to.deep.equal([]);
        });
    });
});
