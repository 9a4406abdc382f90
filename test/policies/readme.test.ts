import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { Policy } from "@pulumi/policy";
import * as layout from "../../policies/lake-data-layout/policies";
import * as hygiene from "../../policies/lake-hygiene/policies";
import * as security from "../../policies/lake-security/policies";

const ROOT = path.resolve(__dirname, "../..");
const PACKS = [layout, security, hygiene];

/** Level a stack config gives a policy: its own entry, else "all", else the pack default (advisory). */
function levelIn(stack: string, policy: string): string {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "policies/config", `${stack}.json`), "utf8"));
    const own = config[policy];
    return (typeof own === "string" ? own : own?.enforcementLevel) ?? config.all ?? "advisory";
}

describe("policies/README.md and policies/config", () => {
    const readme = fs.readFileSync(path.join(ROOT, "policies/README.md"), "utf8");
    const section = readme.split("## The policies")[1].split("### ")[0];
    const rows = section
        .split("\n")
        .filter((l) => l.startsWith("| `"))
        .map((l) => l.split(" | ").map((c) => c.replace(/^\| |`| \|$/g, "").trim()));

    it("lists every policy once, with its pack, severity and the dev/prod levels the config files give", () => {
        const expected = PACKS.flatMap((p) =>
            (p.policies as Policy[]).map((x) => [x.name, p.packName, x.severity, levelIn("dev", x.name), levelIn("prod", x.name)].join(" / ")),
        );
        const actual = rows.map((r) => [r[0], r[1], r[3], r[4], r[5]].join(" / "));
        expect(actual).to.deep.equal(expected);
    });

    it("the root README carries the same policy table", () => {
        const table = (text: string) => text.split("## The policies")[1].split("\n#")[0].split("\n").filter((l) => l.startsWith("| `")).join("\n");
        const root = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        expect(table(root)).to.equal(table(readme));
    });

    it("every policy has a kebab-case name, description, severity, remediation and a configSchema whose properties have defaults", () => {
        for (const p of PACKS.flatMap((x) => x.policies as Policy[])) {
            expect(p.name, p.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(p.description.length, p.name).to.be.greaterThan(30);
            expect(p.severity, p.name).to.be.oneOf(["low", "medium", "high", "critical"]);
            expect(p.remediationSteps, p.name).to.be.a("string");
            const props = Object.entries(p.configSchema?.properties ?? {});
            expect(props.length, `${p.name} has a configSchema`).to.be.greaterThan(0);
            for (const [k, v] of props) expect(v, `${p.name}.${k}`).to.have.property("default");
        }
    });

    it("each policy lives in a module named after it", () => {
        for (const pack of PACKS) {
            for (const p of pack.policies as Policy[]) {
                expect(fs.existsSync(path.join(ROOT, "policies", pack.packName, `${p.name}.ts`)), `${pack.packName}/${p.name}.ts`).to.equal(true);
            }
        }
    });

    it("config files only name policies that exist and only set properties their schema knows", () => {
        const byName = new Map(PACKS.flatMap((x) => x.policies as Policy[]).map((p) => [p.name, p]));
        for (const stack of ["dev", "prod"]) {
            const config = JSON.parse(fs.readFileSync(path.join(ROOT, "policies/config", `${stack}.json`), "utf8"));
            for (const [key, value] of Object.entries(config)) {
                if (key === "all") continue;
                const policy = byName.get(key);
                expect(policy, `${stack}.json: ${key}`).to.not.equal(undefined);
                if (typeof value !== "object" || value === null) continue;
                for (const prop of Object.keys(value)) {
                    if (prop === "enforcementLevel") continue;
                    expect(Object.keys(policy!.configSchema!.properties), `${stack}.json: ${key}.${prop}`).to.include(prop);
                }
            }
        }
    });
});
