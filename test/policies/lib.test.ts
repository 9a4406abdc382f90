import { expect } from "chai";
import { MARKERS } from "../../contract";
import { listExemptions } from "../../policies/lib/exemptions";
import { detectLayer } from "../../policies/lib/layers";
import { peek, UNKNOWN } from "../../policies/lib/props";
import { T } from "../../policies/lib/types";
import { unknownCheckingProxy } from "@pulumi/policy";
// The sentinel is @internal (stripped from the d.ts) but is what the analyzer puts in props at preview.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownStringValue } = require("@pulumi/policy/proxy") as { unknownStringValue: unknown };

describe("policies/lib", () => {
    it("listExemptions lists every exemption with its reason and validity", () => {
        const resources = [
            { urn: "u1", type: T.glueCatalogTable, name: "dim_country", inputs: { parameters: { [MARKERS.unpartitionedReason]: "dimension table, 250 rows, replaced nightly" } } },
            { urn: "u2", type: T.glueCatalogTable, name: "dim_x", props: { parameters: { [MARKERS.unpartitionedReason]: "small" } } },
            { urn: "u3", type: T.glueCatalogTable, name: "facts", inputs: { parameters: {} } },
            { urn: "u4", type: T.bucket, name: "b", inputs: { tags: { [MARKERS.unpartitionedReason]: "not a table" } } },
        ];
        const ex = listExemptions(resources);
        expect(ex.map((e) => [e.name, e.valid])).to.deep.equal([["dim_country", true], ["dim_x", false]]);
        expect(ex[0]).to.include({ policy: "curated-table-partitioning", marker: MARKERS.unpartitionedReason });
    });

    it("detectLayer: marker first, then names in order; ambiguity errs to curated; raw means bronze", () => {
        expect(detectLayer([{ where: "tag", values: { [MARKERS.layer]: "raw" } }], [{ what: "n", text: "gold" }])?.layer).to.equal("bronze");
        expect(detectLayer([], [{ what: "n", text: "raw-to-gold" }])?.layer).to.equal("gold");
        expect(detectLayer([], [{ what: "n", text: "golden_retriever" }])).to.equal(undefined);
        expect(detectLayer([], [{ what: "db", text: undefined }, { what: "loc", text: "s3://acme/landing/x/" }])?.because).to.contain("loc");
    });

    it("peek turns preview-time unknowns into UNKNOWN instead of throwing", () => {
        const props = unknownCheckingProxy({ bucket: unknownStringValue, nested: { a: 1 } });
        expect(peek(props, "bucket")).to.equal(UNKNOWN);
        expect(peek(props, "nested", "a")).to.equal(1);
        expect(peek(props, "missing", "a")).to.equal(undefined);
    });
});
