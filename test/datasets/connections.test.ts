/**
 * Item 4 of issue 10: connection entries are judged one by one. A bad entry is reported where it is; datasets using
 * it say so briefly and point at it; the others load. Credentials in the file get their own message, never echoed.
 */
import { expect } from "chai";
import { formatProblem, SourceText } from "../../components/datasets";
import { DEV_CONNECTIONS, expectProblem, loadTexts, problemsOf, textsOf, validDataset } from "./helpers";

const jdbc = (name: string, connection: string, path: string): Record<string, any> => {
    const d: Record<string, any> = { ...validDataset(), name, layer: "bronze", source: { type: "jdbc", connection, path } };
    delete d.projection;
    return d;
};
const withConnections = (text: string): SourceText[] => [{ file: DEV_CONNECTIONS.file, text }];

describe("datasets: connections, entry by entry", () => {
    const datasets = () => [jdbc("customer", "crm_sqlserver", "crm/dbo/customer"), jdbc("orders", "shop_mysql", "shop/orders")];

    it("a bad entry breaks only the datasets using it, which point at the entry's own problem", () => {
        const connections = withConnections(DEV_CONNECTIONS.text.replace("engine: sqlserver", "engine: oracle"));
        const texts = textsOf(datasets());
        const problems = problemsOf(() => loadTexts(texts, { connections }));
        expect(problems.map((p) => `${p.file}:${p.field}`)).to.deep.equal([
            "stacks/datasets/mobility/customer.yaml:source.connection",
            "stacks/dev/connections.yaml:connections[0].engine",
        ]);
        expectProblem(problems, texts, {
            file: "stacks/datasets/mobility/customer.yaml",
            field: "source.connection",
            line: "connection: crm_sqlserver",
            message: /^connection 'crm_sqlserver' is declared in stacks\/dev\/connections.yaml:2 but that entry is invalid \(connections\[0\]\.engine: must be one of postgresql, mysql, sqlserver\); fix it there$/,
            value: "crm_sqlserver",
        });
        expectProblem(problems, connections, { file: DEV_CONNECTIONS.file, field: "connections[0].engine", line: "engine: oracle", message: /must be one of postgresql, mysql, sqlserver/, value: "oracle" });
    });

    it("the valid entries still load (the other dataset has no problem)", () => {
        const connections = withConnections(DEV_CONNECTIONS.text.replace("engine: sqlserver", "engine: oracle"));
        const problems = problemsOf(() => loadTexts(textsOf([jdbc("orders", "shop_mysql", "shop/orders")]), { connections }));
        expect(problems.map(formatProblem)).to.have.length(1);
        expect(problems[0]!.file).to.equal(DEV_CONNECTIONS.file);
    });

    it("an undeclared connection is still 'no connection', with a suggestion", () => {
        const texts = textsOf([jdbc("customer", "crm_sqlsrv", "crm/dbo/customer")]);
        const problems = problemsOf(() => loadTexts(texts));
        expectProblem(problems, texts, { file: "stacks/datasets/mobility/customer.yaml", field: "source.connection", line: "connection: crm_sqlsrv", message: /^no connection 'crm_sqlsrv' in stacks\/dev\/connections.yaml; did you mean 'crm_sqlserver'\?$/, value: "crm_sqlsrv" });
    });

    for (const field of ["password", "user", "username", "secret", "Password"]) {
        it(`'${field}:' in a connection: secrets live in Secrets Manager, with the secret's name and how to fill it (the value never echoed)`, () => {
            const connections = withConnections(DEV_CONNECTIONS.text.replace("    database: crm\n", `    database: crm\n    ${field}: hunter2\n`));
            const texts = textsOf(datasets());
            const problems = problemsOf(() => loadTexts(texts, { connections }));
            const p = expectProblem(problems, connections, {
                file: DEV_CONNECTIONS.file,
                field: `connections[0].${field}`,
                line: `${field}: hunter2`,
                message: /^credentials never go in a connection file \(it is committed to git\): the platform creates the KMS-encrypted Secrets Manager secret 'acme-lake-dev-jdbc-crm-sqlserver' for this connection .*aws secretsmanager put-secret-value --secret-id acme-lake-dev-jdbc-crm-sqlserver --secret-string '\{"username":"\.\.\.","password":"\.\.\."\}'/,
            });
            expect(p.value).to.equal(undefined);
            expect(problems.map(formatProblem).join("\n")).to.not.include("hunter2").and.not.include("unknown field");
            expect(problems.find((q) => q.field === "source.connection")!.message).to.match(/connection 'crm_sqlserver' is declared in .* but that entry is invalid/);
        });
    }

    it("a file without a connections list is one problem, and the datasets say 'no connection'", () => {
        const texts = textsOf([jdbc("customer", "crm_sqlserver", "crm/dbo/customer")]);
        const problems = problemsOf(() => loadTexts(texts, { connections: withConnections("connection: []\n") }));
        expect(problems.map((p) => p.field)).to.include.members(["connections", "connection", "source.connection"]);
    });
});
