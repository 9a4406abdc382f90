/**
 * The dependency rules hold (dependency-cruiser with .dependency-cruiser.cjs): contract/ is a leaf, components
 * never import infra/ or tools/, policies import only contract/, tools/engine imports nothing outside itself.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

describe("dependency rules (.dependency-cruiser.cjs)", function () {
    this.timeout(120_000);
    let run: { status: number | null; out: string };
    before(() => {
        const r = spawnSync(process.execPath, [CLI, "--config", ".dependency-cruiser.cjs", "--output-type", "err", "contract", "infra", "components", "policies", "tools"], {
            cwd: ROOT,
            encoding: "utf8",
        });
        run = { status: r.status, out: `${r.stdout}${r.stderr}` };
    });

    it("cruises the product and tool code and finds no violation", () => {
        expect(run.out, run.out).to.match(/no dependency violations found/);
        expect(run.status, run.out).to.equal(0);
    });

    it("the rules bite: each forbidden direction is reported in a small tree", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-deps-"));
        const files: Record<string, string> = {
            "tsconfig.json": JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }),
            "contract/index.ts": 'import { x } from "../components/a";\nexport const y = x;\n',
            "components/a.ts": 'import { z } from "../infra/b";\nexport const x = z;\n',
            "infra/b.ts": 'import { t } from "../tools/c";\nexport const z = t;\n',
            "tools/c.ts": "export const t = 1;\n",
            "policies/p.ts": 'import { x } from "../components/a";\nexport const p = x;\n',
            "tools/engine/e.ts": 'import { p } from "../../policies/p";\nexport const e = p;\n',
        };
        for (const [f, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
            fs.writeFileSync(path.join(dir, f), text);
        }
        const r = spawnSync(process.execPath, [CLI, "--config", path.join(ROOT, ".dependency-cruiser.cjs"), "--output-type", "err", "contract", "components", "infra", "policies", "tools"], {
            cwd: dir,
            encoding: "utf8",
        });
        fs.rmSync(dir, { recursive: true, force: true });
        const out = `${r.stdout}${r.stderr}`;
        for (const rule of ["contract-is-a-leaf", "components-not-infra", "product-not-tools", "policies-only-contract", "engine-self-contained"]) {
            expect(out, out).to.include(rule);
        }
        expect(r.status).to.not.equal(0);
    });
});
