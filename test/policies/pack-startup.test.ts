/**
 * Each pack starts the way `pulumi preview --policy-pack policies/<pack>` starts it: the Pulumi CLI's
 * policy analyzer runs @pulumi/pulumi's run-policy-pack in the pack directory, which registers
 * ts-node with type checking and the pack's tsconfig.json, loads package.json's main and, once
 * `new PolicyPack` runs, prints the port of its analyzer gRPC server on stdout.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const RUNNER = path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js");

function startPack(pack: string): Promise<number> {
    return new Promise((resolve, reject) => {
        // The engine address is only used for logging; nothing connects to it here.
        const child = spawn(process.execPath, [RUNNER, "127.0.0.1:1", "."], { cwd: path.join(ROOT, "policies", pack) });
        let out = "";
        let err = "";
        const done = (fn: () => void) => {
            child.kill();
            fn();
        };
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) done(() => resolve(Number(m[1])));
        });
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("exit", (code) => reject(new Error(`${pack} exited with ${code} before serving: ${err || out}`)));
    });
}

const PACKS = ["lake-data-layout", "lake-security", "lake-hygiene"];

describe("policy packs start under Pulumi's own policy-pack runner (ts-node, type-checked)", function () {
    this.timeout(300_000);
    // All three at once, as the CLI starts them: each spends seconds type-checking, mostly waiting on one core.
    const ports = new Map<string, Promise<number>>();
    before(() => {
        for (const pack of PACKS) {
            const port = startPack(pack);
            port.catch(() => undefined);
            ports.set(pack, port);
        }
    });
    for (const pack of PACKS) {
        it(`${pack} serves the analyzer protocol`, async () => {
            expect(await ports.get(pack)!).to.be.greaterThan(0);
        });
    }
});
