/**
 * Packs on the engine's @pulumi/policy share one process (pack-runners.ts, child/pack-group.ts): the same
 * verdicts, messages and order as one process per pack, remediation included, each pack with its own
 * @pulumi/policy (config, "Already serving") and its own count of plain requests.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pack, pool, program, runCli } from "./helpers";

const EMPTY_CONFIG = pack("config/empty.json");
const PACKS = ["lake-fixture", "remediate", "echo-refs"].flatMap((p) => ["--policy-pack", pack(p)]);
/** The packs' own names (PolicyPack), in the order given. */
const NAMES = ["lake-fixture", "remediate-fixture", "echo-refs-fixture"];

describe("packs in one process", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-group-"));
    const stats = (name: string) => path.join(dir, `${name}.json`);
    const runs: Record<string, ReturnType<typeof runCli>> = {};

    before(() => {
        const limit = pool(2);
        const args = (name: string) => ["check", "--program", program("stack-policy"), ...PACKS, "--policy-config", EMPTY_CONFIG, "--format", "json", "--type-check", "off", "--stats", stats(name)];
        runs.shared = limit(() => runCli(args("shared")));
        runs.separate = limit(() => runCli(args("separate"), { OFFLINE_ENGINE_PACK_PROCESSES: "separate" }));
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("gives the same report as one process per pack", async () => {
        const [shared, separate] = await Promise.all([runs.shared, runs.separate]);
        expect(shared.code, shared.stderr).to.equal(separate.code);
        expect(shared.stdout).to.equal(separate.stdout);
        const report = JSON.parse(shared.stdout);
        expect(report.summary.packs.map((p: { name: string }) => p.name)).to.deep.equal(NAMES);
        // Remediation ran in the group: its diagnostics are there, at level remediate.
        expect(report.violations.some((v: { level: string }) => v.level === "remediate")).to.equal(true);
    });

    it("runs them in one process, each answering every request with plain objects", async () => {
        await runs.shared;
        const s = JSON.parse(fs.readFileSync(stats("shared"), "utf8"));
        const resources = s.resources as number;
        const rss = Object.values(s.packMaxRssKb as Record<string, number>);
        expect(new Set(rss).size, "one process: one peak for all").to.equal(1);
        for (const name of NAMES) {
            const plain = s.fastPaths.packs[name].paths["plain-requests"];
            expect(plain.active, name).to.equal(true);
            expect(plain.detail).to.contain("in one process with 2 other packs");
            expect(plain.fallbacks).to.equal(0);
            // Analyze per managed resource and one AnalyzeStack (the remediation pack also Remediates each).
            expect(plain.hits, name).to.be.at.least(resources);
        }
        const separate = JSON.parse(fs.readFileSync(stats("separate"), "utf8"));
        expect(new Set(Object.values(separate.packMaxRssKb as Record<string, number>)).size).to.equal(3);
        for (const name of NAMES) {
            expect(s.fastPaths.packs[name].paths["plain-requests"].hits, name).to.equal(separate.fastPaths.packs[name].paths["plain-requests"].hits);
        }
    });
});
