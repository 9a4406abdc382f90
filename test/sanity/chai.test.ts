import { expect } from "chai";
describe("toolchain", () => {
    it("loads chai under tsx", () => expect(1 + 1).to.equal(2));
});
