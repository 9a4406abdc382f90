/**
 * Item 2 of issue 10: every name a dataset derives is checked in `validate` (and before the first resource), at the
 * field to change, with how long it may be in that stack; not in the middle of a plan.
 */
import { expect } from "chai";
import { DEV_CONNECTIONS, expectProblem, loadTexts, problemsOf, toYaml, validDataset, validLake } from "./helpers";

const fileOf = (d: Record<string, any>) => `stacks/datasets/${d.domain}/${d.name}.yaml`;
/** Not job-written: a job's role (64 chars) would be its tightest name (test/datasets/lineage.test.ts covers that). */
const notJob = (): Record<string, any> => ({ ...validDataset(), source: { type: "s3" } });

describe("datasets: derived names within AWS limits, up front", () => {
    it("a 120-char dataset name: its IAM-mode policies and named queries exceed 128 chars", () => {
        const d = { ...notJob(), name: "t".repeat(120) };
        const texts = [{ file: fileOf(d), text: toYaml(d) }];
        const problems = problemsOf(() => loadTexts(texts));
        expect(problems).to.have.length(1);
        const p = expectProblem(problems, texts, {
            file: fileOf(d),
            field: "name",
            line: "name: ttt",
            message: /^derived IAM writer policy \(IAM mode\) name 'acme-lake-dev-write-t+\.\.\.' is 140 chars, IAM allows 128 \(so would the IAM reader policy \(IAM mode\), Athena named query\): shorten the dataset name to at most 108 chars in stack 'dev'$/,
            value: d.name,
        });
        expect(p.message).to.not.include("t".repeat(100));
    });

    it("a pipeline across two 120-char domains: its Glue workflow and start trigger exceed 255, reported at each job's domain", () => {
        const [raw, clean, daily] = validLake();
        const lake = [raw, { ...clean, domain: "b".repeat(120) }, { ...daily, domain: "c".repeat(120) }];
        const texts = lake.map((d) => ({ file: fileOf(d), text: toYaml(d) }));
        const problems = problemsOf(() => loadTexts(texts));
        expect(problems.map((p) => p.file)).to.deep.equal([fileOf(lake[1]), fileOf(lake[1]), fileOf(lake[2]), fileOf(lake[2])].sort());
        expectProblem(problems, texts, {
            file: fileOf(lake[2]),
            field: "domain",
            line: "domain: ccc",
            message: /^derived Glue workflow name 'acme-lake-dev-etl-b+\.\.\.' of pipeline 'b+-c+' \(the domains of its jobs\) is 259 chars, Glue allows 255: shorten the domain in stack 'dev'$/,
            value: lake[2].domain,
        });
    });

    it("a 250-char domain: the Glue database <prefix>_<env>_<layer>_<domain> exceeds 255", () => {
        const d = { ...validDataset(), domain: "d".repeat(250) };
        const texts = [{ file: fileOf(d), text: toYaml(d) }];
        const problems = problemsOf(() => loadTexts(texts));
        expectProblem(problems, texts, { file: fileOf(d), field: "domain", line: "domain: ddd", message: /^derived Glue database name 'acme_lake_dev_gold_d+\.\.\.' is 269 chars, Glue allows 255: shorten the domain to at most 236 chars in stack 'dev'$/, value: d.domain });
    });

    it("depends on the stack: a 108-char name fits dev's names and not prod's", () => {
        const d = { ...notJob(), name: "n".repeat(108) };
        const texts = [{ file: fileOf(d), text: toYaml(d) }];
        expect(loadTexts(texts, { stack: "dev" }).datasets).to.have.length(1);
        const problems = problemsOf(() => loadTexts(texts, { stack: "prod" }));
        expectProblem(problems, texts, { file: fileOf(d), field: "name", line: "name: nnn", message: /acme-lake-prod-write-n+\.\.\.' is 129 chars, IAM allows 128.*at most 107 chars in stack 'prod'$/, value: d.name });
    });

    it("a connection name whose secret and Glue connection names exceed the platform's 64", () => {
        const name = `crm_${"x".repeat(60)}`;
        const connections = [{ ...DEV_CONNECTIONS, text: DEV_CONNECTIONS.text.replace("name: crm_sqlserver", `name: ${name}`) }];
        const problems = problemsOf(() => loadTexts([], { connections }));
        expectProblem(problems, connections, {
            file: DEV_CONNECTIONS.file,
            field: "connections[0].name",
            line: `name: ${name}`,
            message: /derived Secrets Manager secret name 'acme-lake-dev-jdbc-crm-x+' is 83 chars, the platform \(IAM role names\) allows 64: shorten the connection name to at most 45 chars/,
            value: name,
        });
    });
});
