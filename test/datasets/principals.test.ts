/** Principal shorthands take the stack's partition from its region (aws-cn, aws-us-gov), full ARNs must be in it. */
import { expect } from "chai";
import { resolvePrincipal } from "../../components/datasets";
import { ACCOUNT, expectProblem, fileFor, loadObjects, problemsOf, textsOf, validDataset } from "./helpers";

const grantees = (region?: string, change: (d: Record<string, any>) => void = () => {}) => {
    const ds = { ...validDataset(), producers: ["role/etl", "user/loader"], consumers: [{ principal: "role/team/analyst" }] };
    change(ds);
    const d = loadObjects([ds], region ? { region } : {}).datasets[0]!;
    return [...d.producers, ...d.consumers.map((c) => c.principal)];
};

describe("datasets: principals and the stack's partition", () => {
    it("resolves role/ and user/ in a cn- region to arn:aws-cn", () => {
        expect(grantees("cn-north-1")).to.deep.equal([`arn:aws-cn:iam::${ACCOUNT}:role/etl`, `arn:aws-cn:iam::${ACCOUNT}:user/loader`, `arn:aws-cn:iam::${ACCOUNT}:role/team/analyst`]);
        expect(grantees("cn-northwest-1")[0]).to.equal(`arn:aws-cn:iam::${ACCOUNT}:role/etl`);
    });

    it("resolves them in a us-gov- region to arn:aws-us-gov, elsewhere (and without a region) to arn:aws", () => {
        expect(grantees("us-gov-west-1")[0]).to.equal(`arn:aws-us-gov:iam::${ACCOUNT}:role/etl`);
        expect(grantees("eu-west-1")[0]).to.equal(`arn:aws:iam::${ACCOUNT}:role/etl`);
        expect(grantees()[0]).to.equal(`arn:aws:iam::${ACCOUNT}:role/etl`);
    });

    it("keeps full ARNs of the stack's partition as written", () => {
        const arns = ["arn:aws-cn:iam::333333333333:role/partner", `arn:aws-cn:quicksight:cn-north-1:${ACCOUNT}:group/default/bi-authors`];
        expect(grantees("cn-north-1", (d) => (d.consumers = arns.map((principal) => ({ principal }))))).to.include.members(arns);
    });

    it("reports a full ARN of another partition than the stack's at its file, line, field and value", () => {
        const ds: Record<string, any> = { ...validDataset(), consumers: [{ principal: "role/analyst" }, { principal: "arn:aws:iam::333333333333:role/partner" }] };
        const problems = problemsOf(() => loadObjects([ds], { region: "cn-north-1" }));
        expectProblem(problems, textsOf([ds]), {
            file: fileFor(ds),
            field: "consumers[1].principal",
            line: "principal: arn:aws:iam",
            message: /^is in partition 'aws', but stack 'dev' deploys to cn-north-1 \(partition 'aws-cn'\): use arn:aws-cn:\.\.\.$/,
            value: "arn:aws:iam::333333333333:role/partner",
        });
        // Without a region the loader can't know the partition: ARNs are kept as before.
        expect(loadObjects([ds]).datasets).to.have.length(1);
    });

    it("resolvePrincipal takes the partition, aws by default", () => {
        expect(resolvePrincipal("role/x", ACCOUNT)).to.equal(`arn:aws:iam::${ACCOUNT}:role/x`);
        expect(resolvePrincipal("user/a/b", ACCOUNT, "aws-us-gov")).to.equal(`arn:aws-us-gov:iam::${ACCOUNT}:user/a/b`);
        expect(resolvePrincipal("analysts", ACCOUNT, "aws-cn")).to.equal(undefined);
    });
});
