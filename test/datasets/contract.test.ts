import { expect } from "chai";
import { MIN_EXEMPTION_REASON_LENGTH } from "../../contract";
import datasetSchema from "../../stacks/schema/dataset.schema.json";
import { curatedTablePartitioning } from "../../policies/lake-data-layout/curated-table-partitioning";

describe("dataset files and policies agree", () => {
    it("a reason the dataset schema accepts is one the partitioning policy accepts", () => {
        const policy = curatedTablePartitioning as unknown as { configSchema: { properties: Record<string, { default: unknown }> } };
        const defaults = Object.values(policy.configSchema.properties).map((p) => p.default);
        expect((datasetSchema as any).properties.unpartitionedReason.minLength).to.equal(MIN_EXEMPTION_REASON_LENGTH);
        expect(defaults).to.include(MIN_EXEMPTION_REASON_LENGTH);
    });
});
