/** Redshift Serverless rules: start from the platform's own namespace and workgroup (passing), flip one field. */
import { expect } from "chai";
import { WORKGROUP_PARAMETERS } from "../../components/warehouse";
import { prodDataProtection } from "../../policies/lake-hygiene/prod-data-protection";
import { redshiftEncryption } from "../../policies/lake-security/redshift-encryption";
import { redshiftNotPublic } from "../../policies/lake-security/redshift-not-public";
import { T } from "../../policies/lib/types";
import { flip, runResource } from "./helpers";

const KEY_ARN = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const NET = { requireEnhancedVpcRouting: true, requireSsl: true };

const namespace = {
    namespaceName: "acme-lake-prod-warehouse",
    dbName: "dev",
    manageAdminPassword: true,
    adminPasswordSecretKmsKeyId: KEY_ARN,
    kmsKeyId: KEY_ARN,
    logExports: ["userlog", "connectionlog", "useractivitylog"],
};
const workgroup = {
    workgroupName: "acme-lake-prod-warehouse-wg",
    namespaceName: "acme-lake-prod-warehouse",
    publiclyAccessible: false,
    enhancedVpcRouting: true,
    configParameters: Object.entries(WORKGROUP_PARAMETERS).map(([parameterKey, parameterValue]) => ({ parameterKey, parameterValue })),
};
const net = (props: object, config: Record<string, unknown> = NET) => runResource(redshiftNotPublic, T.redshiftServerlessWorkgroup, props as Record<string, unknown>, { name: "warehouse", config });
const withParameter = (key: string, value: string | undefined) => ({
    ...workgroup,
    configParameters: [
        ...workgroup.configParameters.filter((p) => p.parameterKey !== "require_ssl"),
        ...(value === undefined ? [] : [{ parameterKey: key, parameterValue: value }]),
    ],
});

describe("policies: Redshift Serverless (namespace CMK, not public, require_ssl, enhanced VPC routing)", () => {
    it("the platform's namespace and workgroup pass, protected in prod", async () => {
        expect(await runResource(redshiftEncryption, T.redshiftServerlessNamespace, namespace)).to.deep.equal([]);
        expect(await net(workgroup)).to.deep.equal([]);
        expect(await runResource(prodDataProtection, T.redshiftServerlessNamespace, namespace, { config: { enforceProtection: true }, opts: { protect: true } })).to.deep.equal([]);
    });

    it("a namespace without the lake key (AWS-owned key) is refused", async () => {
        expect((await runResource(redshiftEncryption, T.redshiftServerlessNamespace, flip(namespace, "kmsKeyId", undefined)))[0]!.message).to.contain("AWS-owned key");
    });

    it("a public workgroup is refused", async () => {
        expect((await net(flip(workgroup, "publiclyAccessible", true))).map((v) => v.message)).to.deep.equal([
            "aws.redshiftserverless.Workgroup 'warehouse': publiclyAccessible is true, so its endpoint gets a public IP. Fix: set publiclyAccessible: false and connect from inside the VPC.",
        ]);
    });

    it("enhanced VPC routing off is refused where required", async () => {
        const off = flip(workgroup, "enhancedVpcRouting", false);
        expect(await net(off, {})).to.deep.equal([]);
        expect((await net(off))[0]!.message).to.contain("enhancedVpcRouting is false");
    });

    it("require_ssl false, missing, or written camelCase is refused where required", async () => {
        expect((await net(withParameter("require_ssl", "false")))[0]!.message).to.contain('require_ssl is "false"');
        expect((await net(withParameter("require_ssl", undefined)))[0]!.message).to.contain("require_ssl is not set");
        const camel = await net(withParameter("requireSsl", "true"));
        expect(camel[0]!.message).to.contain("a camelCase requireSsl key is not a Redshift parameter");
        expect(await net(withParameter("require_ssl", "false"), {})).to.deep.equal([]);
    });

    it("an unprotected namespace in prod is refused", async () => {
        expect(await runResource(prodDataProtection, T.redshiftServerlessNamespace, namespace, { config: { enforceProtection: true } })).to.have.length(1);
    });
});
