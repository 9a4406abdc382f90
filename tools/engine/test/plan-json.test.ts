/** `plan --format json`: the versioned contract (docs/engine.md), secrets masked in inputs and outputs. */
import { expect } from "chai";
import { secretPaths } from "../child/monitor";
import { runPlan } from "../plan";
import { maskSecrets, planJson, SECRET_MASK } from "../reports/plan-text";
import { program } from "./helpers";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };

describe("plan JSON", function () {
    this.timeout(120_000);

    it("finds secret inputs by property path, odd keys quoted", () => {
        expect(secretPaths({ a: SECRET, b: { c: [1, SECRET] }, "odd.key": SECRET, plain: "x" })).to.deep.equal(["a", "b.c[1]", '["odd.key"]']);
    });

    it("masks exactly those paths (and whole additional secret outputs), leaving the rest and the original alone", () => {
        const inputs = { a: "s", b: { c: [1, "s"] }, "odd.key": "s", plain: "x" };
        expect(maskSecrets(inputs, ["a", "b.c[1]", '["odd.key"]'], ["plain"])).to.deep.equal({ a: SECRET_MASK, b: { c: [1, SECRET_MASK] }, "odd.key": SECRET_MASK, plain: SECRET_MASK });
        expect(inputs.a).to.equal("s");
        expect(maskSecrets(inputs)).to.equal(inputs);
    });

    it("carries type, name, URN, parent, provider, inputs, outputs, dependencies, protect, retainOnDelete, aliases", async () => {
        const run = await runPlan({ programDir: program("secrets"), stack: "dev" });
        const json = planJson(run.plan);
        expect([json.version, json.project, json.stack]).to.deep.equal([1, "fixture-secrets", "dev"]);
        const version = json.resources.find((r) => r.name === "db-v1")!;
        const secret = json.resources.find((r) => r.name === "db")!;
        expect(version.type).to.equal("aws:secretsmanager/secretVersion:SecretVersion");
        expect(version.parent).to.equal(json.resources[0]!.urn);
        expect(version.inputs.secretString).to.equal(SECRET_MASK);
        // The mocks echo inputs: the echoed secret and the additional secret output are masked too.
        expect(version.outputs.secretString).to.equal(SECRET_MASK);
        expect(version.outputs.arn).to.equal(SECRET_MASK);
        // Ours, and the ones @pulumi/aws declares for the type.
        expect(version.additionalSecretOutputs).to.include.members(["arn", "secretString"]);
        expect(version.dependencies).to.deep.equal([secret.urn]);
        expect([version.protect, version.retainOnDelete, version.aliases, version.provider]).to.deep.equal([false, false, [], null]);
        expect(JSON.stringify(json)).not.to.contain("hunter2");
        const bucket = json.resources.find((r) => r.name === "logs")!;
        expect(bucket.inputs.tags).to.deep.equal({ owner: "data-platform", "odd.key": SECRET_MASK });
        // The plan itself (what policies see) keeps the values, as `pulumi preview` hands them to analyzers.
        expect(run.plan.resources.find((r) => r.name === "db-v1")!.inputs.secretString).to.equal("hunter2");
    });
});
