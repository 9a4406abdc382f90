/**
 * `npm run plan|check|graph`: the engine's CLI with the lake wired in (packs under policies/, config
 * policies/config/<stack>.json, exemptions from dataset files, this repo as the default program).
 * `graph --view lineage` draws the data flow from the dataset files instead (tools/lake/lineage-view.ts).
 */
import { runCli } from "@acme-lake/offline-engine";
import { LAKE_HOST, REPO_ROOT } from "./host";

const args = process.argv.slice(2);
const view = args[0] === "graph" && args.includes("--view") ? args[args.indexOf("--view") + 1] : undefined;
if (view === "lineage") {
    // Loaded here only: plan and check never load the dataset model's renderer.
    (require("./lineage-view") as typeof import("./lineage-view")).lineageCommand(REPO_ROOT, args).catch((e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 2;
    });
} else if (view !== undefined && view !== "resources") {
    process.stderr.write(`--view ${view}: use resources (the plan's resource graph, the default) or lineage (the data flow of the dataset files)\n`);
    process.exitCode = 2;
} else {
    // --view resources is the engine's own graph.
    const i = args.indexOf("--view");
    void runCli(LAKE_HOST, i >= 0 ? [...process.argv.slice(0, 2), ...args.filter((_, k) => k !== i && k !== i + 1)] : process.argv);
}
