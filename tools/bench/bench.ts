/**
 * `npm run bench [-- --sizes 1000,10000 --pack DIR]`: plan and check synthetic lake programs through
 * the same CLI child-process path CI uses (the lake's CLI, tools/lake/cli.ts, over the engine
 * package), with every pack under policies/ unless --pack is given,
 * and print wall time, CPU time and peak RSS per run, plus
 * the large/small ratios. Figures only: timing is never asserted in a test.
 */
import { spawn } from "child_process";
import { Command } from "commander";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { discoverPacks } from "@acme-lake/offline-engine";
import { LAKE_PACKS, REPO_ROOT as REPO } from "../lake/host";
import { generateProgram } from "./generate";

interface Figures {
    size: number;
    resources: number;
    wallMs: number;
    cpuMs: number;
    /** Largest single process; `totalRssKb` adds up program, packs and CLI (they overlap in time). */
    peakRssKb: number;
    totalRssKb: number;
}

function runCli(args: string[]): Promise<{ code: number | null; wallMs: number; stderr: string }> {
    const started = Date.now();
    const tsx = require.resolve("tsx/cjs", { paths: [REPO] });
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--require", tsx, path.join(REPO, "tools", "lake", "cli.ts"), ...args], {
            cwd: REPO,
            env: { ...process.env, CI: "true" },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (c) => (stderr += c));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, wallMs: Date.now() - started, stderr }));
    });
}

async function measure(command: "plan" | "check", dir: string, size: number, packs: string[], config: string): Promise<Figures> {
    const statsFile = path.join(dir, `${command}-stats.json`);
    const args = [command, "--program", dir, "--stack", "dev", "--out", path.join(dir, `${command}.out`), "--stats", statsFile];
    if (command === "check") {
        for (const p of packs) args.push("--policy-pack", p);
        args.push("--policy-config", config, "--format", "json");
    }
    const cpuBefore = cpuOfChildren();
    const run = await runCli(args);
    if (run.code !== 0 && run.code !== 1) throw new Error(`${command} of ${size} resources failed (exit ${run.code}):\n${run.stderr}`);
    const stats = JSON.parse(fs.readFileSync(statsFile, "utf8"));
    const packRss = Object.values((stats.packMaxRssKb ?? {}) as Record<string, number | undefined>).map((v) => v ?? 0);
    const processes = [stats.programMaxRssKb, stats.cliMaxRssKb, ...packRss];
    return {
        size,
        resources: stats.resources,
        wallMs: run.wallMs,
        cpuMs: cpuOfChildren() - cpuBefore,
        peakRssKb: Math.max(...processes),
        totalRssKb: processes.reduce((a, b) => a + b, 0),
    };
}

/**
 * User+system CPU of finished descendants that were waited for (Linux /proc/self/stat cutime+cstime),
 * in ms: the CLI and the program child; pack processes only when reaped before the CLI exits.
 */
function cpuOfChildren(): number {
    try {
        const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
        const ticks = Number(fields[13]) + Number(fields[14]);
        return (ticks * 1000) / 100;
    } catch {
        return NaN;
    }
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
    const opts = new Command("bench")
        .option("--sizes <list>", "resource counts", "1000,10000")
        .option("--pack <dir>", "policy pack for check (repeatable; default: every pack under policies/)", (v: string, acc: string[]) => [...acc, v], [] as string[])
        .option("--keep", "keep the generated programs", false)
        .parse(process.argv)
        .opts();
    const sizes = String(opts.sizes).split(",").map(Number);
    // The target is about real checks: by default the repo's own packs, as `npm run check` runs them.
    const packs: string[] = opts.pack.length ? opts.pack.map((p: string) => path.resolve(p)) : discoverPacks(LAKE_PACKS);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lake-bench-"));
    const config = path.join(root, "policy-config.json");
    fs.writeFileSync(config, "{}\n");
    console.log(`bench: ${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    console.log(`packs: ${packs.map((p) => path.relative(REPO, p)).join(", ")}\n`);
    const results: Record<string, Figures[]> = { plan: [], check: [] };
    try {
        for (const size of sizes) {
            const dir = path.join(root, `lake-${size}`);
            generateProgram(dir, size);
            for (const command of ["plan", "check"] as const) {
                const f = await measure(command, dir, size, packs, config);
                results[command].push(f);
                console.log(
                    `${command.padEnd(5)} ${String(f.resources).padStart(6)} resources  wall ${s(f.wallMs).padStart(8)}  ` +
                        `cpu ${s(f.cpuMs).padStart(8)}  peak RSS ${mb(f.peakRssKb).padStart(7)} (all processes ${mb(f.totalRssKb)})`,
                );
            }
        }
        if (sizes.length >= 2) {
            console.log("");
            for (const command of ["plan", "check"] as const) {
                const [small, large] = [results[command][0], results[command][results[command].length - 1]];
                const n = large.resources / small.resources;
                console.log(
                    `${command.padEnd(5)} ratio ${large.resources}/${small.resources} resources (x${n.toFixed(1)}): ` +
                        `wall x${(large.wallMs / small.wallMs).toFixed(2)}, cpu x${(large.cpuMs / small.cpuMs).toFixed(2)}, ` +
                        `peak RSS x${(large.peakRssKb / small.peakRssKb).toFixed(2)}; ` +
                        `per resource at ${large.resources}: ${(large.wallMs / large.resources).toFixed(2)} ms`,
                );
            }
            const largest = results.check[results.check.length - 1];
            console.log(
                `\ntarget (10k planned and checked in <= 10 s, <= 1 GiB): ` +
                    `${s(largest.wallMs)}, ${mb(largest.peakRssKb)} peak process, ${mb(largest.totalRssKb)} all processes`,
            );
        }
    } finally {
        if (!opts.keep) fs.rmSync(root, { recursive: true, force: true });
        else console.log(`programs kept in ${root}`);
    }
}

main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
});
