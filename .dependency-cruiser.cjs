/**
 * The dependency rules of the platform (test/architecture/dependencies.test.ts runs them in CI):
 *   contract/   imports nothing of ours (components, policies and tools all import it);
 *   components/ never import infra/ (the composition root) nor tools/;
 *   policies/   import only contract/ and themselves (packs are bundled and published on their own);
 *   product code (infra, components, policies, contract) never imports tools/;
 *   tools/engine/ is its own package: it imports nothing outside itself.
 */
const OURS = "^(contract|components|infra|policies|stacks|tools)/";
module.exports = {
    forbidden: [
        { name: "contract-is-a-leaf", severity: "error", comment: "contract/ is shared by every side: it imports nothing of ours", from: { path: "^contract/" }, to: { path: OURS, pathNot: "^contract/" } },
        { name: "components-not-infra", severity: "error", comment: "components/ never import the composition root", from: { path: "^components/" }, to: { path: "^infra/" } },
        { name: "policies-only-contract", severity: "error", comment: "policies/ import only contract/ and policies/ (a pack is published alone)", from: { path: "^policies/" }, to: { path: OURS, pathNot: "^(policies|contract)/" } },
        { name: "product-not-tools", severity: "error", comment: "product code never imports tools/", from: { path: "^(infra|components|policies|contract)/" }, to: { path: "^tools/" } },
        { name: "engine-self-contained", severity: "error", comment: "tools/engine is its own package: the lake's specifics are passed in, not imported", from: { path: "^tools/engine/" }, to: { path: OURS, pathNot: "^tools/engine/" } },
        { name: "no-circular-components", severity: "error", comment: "capabilities depend on each other in one direction", from: { path: "^components/" }, to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } } },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "(^|/)node_modules/|^test/fixtures/|^dist/" },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        moduleSystems: ["cjs", "es6"],
    },
};
