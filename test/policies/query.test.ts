/** Athena workgroup rules: start from the platform's own workgroup (passing), flip one field. */
import { expect } from "chai";
import { athenaBytesScannedCutoff } from "../../policies/lake-hygiene/athena-bytes-scanned-cutoff";
import { athenaWorkgroupEncryption } from "../../policies/lake-security/athena-workgroup-encryption";
import { T } from "../../policies/lib/types";
import { flip, runResource } from "./helpers";

const KEY_ARN = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const PROD = { requirePinnedEngineVersion: true };

/** What LakeQuery gives every workgroup. */
const wg = {
    name: "acme-lake-prod-sales",
    state: "ENABLED",
    configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        requesterPaysEnabled: false,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
            outputLocation: "s3://acme-lake-prod-query-results-222222222222/sales/",
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN },
        },
    },
};
const encryption = (props: object, config: Record<string, unknown> = PROD) => runResource(athenaWorkgroupEncryption, T.athenaWorkgroup, props as Record<string, unknown>, { name: "sales", config });
const cutoff = (props: object, config: Record<string, unknown> = {}) => runResource(athenaBytesScannedCutoff, T.athenaWorkgroup, props as Record<string, unknown>, { name: "sales", config });

describe("policies: Athena workgroups (engine v3, enforced, encrypted, cutoff)", () => {
    it("the platform's workgroup passes every rule, with the prod config", async () => {
        expect(await encryption(wg)).to.deep.equal([]);
        expect(await cutoff(wg, { maxBytesScannedCutoffPerQuery: 1024 ** 4 })).to.deep.equal([]);
    });

    it("engine v2 (retired) is refused", async () => {
        const v = await encryption(flip(wg, "configuration.engineVersion.selectedEngineVersion", "Athena engine version 2"));
        expect(v.map((r) => r.message)).to.deep.equal([
            'aws.athena.Workgroup \'sales\': configuration.engineVersion.selectedEngineVersion is "Athena engine version 2", not one of "Athena engine version 3". Fix: set configuration.engineVersion = { selectedEngineVersion: "Athena engine version 3" }.',
        ]);
    });

    it("AUTO is refused: an engine change is a reviewed change", async () => {
        const v = await encryption(flip(wg, "configuration.engineVersion.selectedEngineVersion", "AUTO"));
        expect(v).to.have.length(1);
        expect(v[0]!.message).to.contain('is "AUTO"');
    });

    it("an unset engine passes by default and is refused where the config pins it (prod)", async () => {
        const unset = flip(wg, "configuration.engineVersion", undefined);
        expect(await encryption(unset, {})).to.deep.equal([]);
        expect((await encryption(unset))[0]!.message).to.contain("is not set (AUTO)");
    });

    it("enforcement off is refused", async () => {
        expect((await encryption(flip(wg, "configuration.enforceWorkgroupConfiguration", false)))[0]!.message).to.contain("enforceWorkgroupConfiguration is false");
    });

    it("unencrypted results are refused", async () => {
        expect((await encryption(flip(wg, "configuration.resultConfiguration.encryptionConfiguration.encryptionOption", "SSE_S3")))[0]!.message).to.contain('encryptionOption is "SSE_S3"');
    });

    it("a cutoff above the stack's maximum is refused (dev's is stricter: 100 GiB)", async () => {
        const big = flip(wg, "configuration.bytesScannedCutoffPerQuery", 200 * 1024 ** 3);
        expect(await cutoff(big, { maxBytesScannedCutoffPerQuery: 1024 ** 4 })).to.deep.equal([]);
        expect((await cutoff(big, { maxBytesScannedCutoffPerQuery: 100 * 1024 ** 3 }))[0]!.message).to.contain("above the maximum of 107374182400");
    });

    it("no cutoff is refused", async () => {
        expect((await cutoff(flip(wg, "configuration.bytesScannedCutoffPerQuery", undefined)))[0]!.message).to.contain("is not set");
    });
});
