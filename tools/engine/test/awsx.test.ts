import { expect } from "chai";
import * as path from "path";
import { runPlan } from "../plan";

describe("engine mocks for awsx components", function () {
    this.timeout(120_000);

    it("runs a program that builds on an awsx.ec2.Vpc's outputs", async () => {
        const run = await runPlan({ programDir: path.join(__dirname, "fixtures", "programs", "awsx-vpc"), stack: "dev" });
        const byType = (t: string) => run.plan.resources.filter((r) => r.type === t);
        expect(byType("awsx:ec2:Vpc")).to.have.length(1);
        const vpcId = String(run.plan.outputs.vpcId);
        const subnets = run.plan.outputs.privateSubnetIds as string[];
        expect(vpcId).to.match(/^vpc-[0-9a-f]+$/);
        expect(subnets).to.have.length.greaterThan(1);
        for (const s of subnets) expect(s).to.match(/^subnet-[0-9a-f]+$/);
        expect(byType("aws:ec2/securityGroup:SecurityGroup")[0].inputs.vpcId).to.equal(vpcId);
        const connection = byType("aws:glue/connection:Connection")[0];
        expect((connection.inputs.physicalConnectionRequirements as { subnetId: string }).subnetId).to.equal(subnets[0]);
    });
});
