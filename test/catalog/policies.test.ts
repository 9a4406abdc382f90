/**
 * The catalog built from the committed dataset files of each stack, judged by every policy of the three packs
 * with that stack's policy config (prod: everything mandatory): the catalog alone must raise nothing.
 */
import type { Policies, PolicyResource } from "@pulumi/policy";
import { expect } from "chai";
import * as path from "path";

import { loadStackDatasets } from "../../components/datasets";
import { policies as layoutPolicies } from "../../policies/lake-data-layout/policies";
import { policies as hygienePolicies } from "../../policies/lake-hygiene/policies";
import { policies as securityPolicies } from "../../policies/lake-security/policies";
import { loadPolicyConfigFile } from "../../tools/engine/policy-config";
import { capture, Capture } from "../helpers/mocks";
import { Reported, res, runResource, runStack } from "../policies/helpers";
import { catalogArgs, catalogSet, DEV_ACCOUNT, PROD_ACCOUNT, rawTripsCsv, venueDim } from "./fixtures";

const ROOT = path.resolve(__dirname, "../..");
const ALL: Policies = [...layoutPolicies, ...hygienePolicies, ...securityPolicies];

async function stackCatalog(stack: "dev" | "prod"): Promise<Capture> {
    const accountId = stack === "prod" ? PROD_ACCOUNT : DEV_ACCOUNT;
    const { datasets, connections } = loadStackDatasets({ root: ROOT, stack, accountId });
    return capture(() => catalogSet("catalog", catalogArgs({ env: stack, datasets, connections })), {
        stack,
        mockEnv: { region: "eu-west-1", account: accountId },
    });
}

async function violations(stack: "dev" | "prod", c: Capture): Promise<string[]> {
    const config = loadPolicyConfigFile(path.join(ROOT, "policies/config", `${stack}.json`));
    const providerProps = { defaultTags: { tags: { owner: "data-platform@acme.example", "cost-center": "cc-1234", "data-classification": "internal", environment: stack } } };
    const byUrn = new Map<string, PolicyResource>();
    for (const r of c.resources.filter((x) => x.custom)) {
        byUrn.set(r.urn, res(r.type, r.name, unwrapSecrets(r.inputs), { opts: { protect: r.protect }, providerProps }));
    }
    const resources = [...byUrn.values()];
    const out: string[] = [];
    for (const policy of ALL) {
        const props = config[policy.name]?.properties ?? {};
        const found: Reported[] = "validateStack" in policy
            ? await runStack(policy, resources, props)
            : (await Promise.all(resources.map((r) => runResource(policy, r.type, r.props as Record<string, unknown>, { name: r.name, config: props, providerProps, opts: r.opts })))).flat();
        out.push(...found.map((v) => `${policy.name}: ${v.message}`));
    }
    return out;
}

/** Secret inputs arrive as Pulumi's secret envelope; policies see plain values. */
function unwrapSecrets(v: any): any {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") {
        if ("4dabf18193072939515e22adb298388d" in v) return unwrapSecrets(v.value);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

describe("LakeCatalog under the policy packs (committed dataset files)", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: every dataset becomes a table and no policy reports anything`, async () => {
            const c = await stackCatalog(stack);
            const { datasets } = loadStackDatasets({ root: ROOT, stack, accountId: stack === "prod" ? PROD_ACCOUNT : DEV_ACCOUNT });
            expect(c.ofType("aws:glue/catalogTable:CatalogTable").map((t) => t.inputs.name).sort()).to.deep.equal(datasets.map((d) => d.name).sort());
            expect(await violations(stack, c)).to.deep.equal([]);
        });
    }

    it("the check has teeth: a silver CSV table, an unexempted silver table and unprotected prod databases are reported", async () => {
        const csvInSilver = { ...rawTripsCsv(PROD_ACCOUNT), layer: "silver" as const };
        const noReason = { ...venueDim(PROD_ACCOUNT), unpartitionedReason: undefined };
        const c = await capture(
            () => catalogSet("catalog", catalogArgs({ env: "prod", datasets: [csvInSilver, noReason], connections: [], protectData: false })),
            { stack: "prod", mockEnv: { region: "eu-west-1", account: PROD_ACCOUNT } },
        );
        const found = (await violations("prod", c)).map((v) => v.split(":")[0]).sort();
        expect(found).to.include.members(["curated-columnar-format", "curated-table-partitioning", "prod-data-protection"]);
    });
});
