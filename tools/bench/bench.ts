/**
 * `npm run bench -- --datasets N [--json] [--dir DIR] [--keep]`: generates N dataset files in the realistic mix
 * (generate.ts) into a temporary copy of the stacks, plus one with N/10, and measures `dataset validate` (every
 * stack), `plan` and `check` of prod on each through the same CLI entry points CI runs (tools/dataset/cli.ts,
 * tools/lake/cli.ts, with the copy's packs and policies/config/prod.json). Per command: wall time, CPU of the whole
 * process tree (CLI, program, packs, type check), peak RSS per process and of all processes together, figures per
 * resource, and the ratio of N to N/10. A check whose type check ran cold (it checks the program's TypeScript, the
 * same work at any N) is printed and measured again with it cached; the ratio and targets take that second run.
 * Figures only: timing is never asserted in a test.
 *
 * CPU of the tree is exact on Linux: each command runs under a small subreaper (python3, prctl
 * PR_SET_CHILD_SUBREAPER) that reaps every descendant, including pack processes the CLI stops without waiting,
 * and reports getrusage(RUSAGE_CHILDREN); it samples /proc every 20 ms for per-process peaks (VmHWM) and the
 * concurrent sum of RSS. Without python3 the figures come from this process's own children only.
 */
import { spawnSync } from "child_process";
import { Command } from "commander";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { discoverPacks } from "@acme-lake/offline-engine";
import { REPO_ROOT as REPO } from "../lake/host";
import { generateLake } from "./generate";

type CommandName = "validate" | "plan" | "check";
const COMMANDS: CommandName[] = ["validate", "plan", "check"];

interface ProcessFigures {
    role: string;
    cpuMs: number;
    peakRssKb: number;
}

interface Figures {
    command: CommandName;
    datasets: number;
    /** Planned resources (validate: dataset files validated, in every stack). */
    resources: number;
    exitCode: number;
    wallMs: number;
    /** User + system CPU of every process of the command. */
    cpuMs: number;
    /** The largest single process. */
    peakRssKb: number;
    /** The largest sum of RSS over the processes alive at one time. */
    peakTogetherKb: number;
    processes: ProcessFigures[];
    cpuMsPerResource: number;
    /** check only: whether the type check was answered from its cache. */
    typeCheckCached?: boolean;
    /**
     * validate only: "cold" with an empty parsed-file cache (and, on a new lake copy, tsx compiling its TypeScript),
     * "warm" right after, with whatever the first run cached.
     */
    datasetCache?: "cold" | "warm";
}

// The subreaper: runs argv, reaps every descendant, prints one JSON line of figures on fd 3.
const REAPER = String.raw`
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
me = os.getpid()
t0 = time.monotonic()
child = subprocess.Popen(sys.argv[1:])
procs, together, code = {}, 0, None
def sample():
    global together
    total, parent = 0, {}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            with open('/proc/%s/stat' % p) as f: st = f.read()
            fields = st[st.rindex(')') + 2:].split()
            parent[int(p)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        except (OSError, ValueError): pass
    def mine(pid):
        seen = 0
        while pid in parent and seen < 64:
            pid, seen = parent[pid][0], seen + 1
            if pid == me: return True
        return False
    for pid, (_, ticks) in parent.items():
        if not mine(pid): continue
        try:
            with open('/proc/%d/status' % pid) as f: status = f.read()
            with open('/proc/%d/cmdline' % pid, 'rb') as f: cmd = f.read().replace(b'\0', b' ').decode(errors='replace')
        except OSError: continue
        vals = dict(l.split(':', 1) for l in status.splitlines() if ':' in l)
        rss = int(vals.get('VmRSS', '0 kB').split()[0]); hwm = int(vals.get('VmHWM', '0 kB').split()[0])
        total += rss
        e = procs.setdefault(pid, {'cmd': cmd[:400], 'hwm': 0, 'ticks': 0})
        e['hwm'] = max(e['hwm'], hwm); e['ticks'] = max(e['ticks'], ticks)
    together = max(together, total)
while True:
    sample()
    try:
        pid, status = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break
    if pid == child.pid: code = os.waitstatus_to_exitcode(status)
    if pid == 0: time.sleep(0.02)
wall = (time.monotonic() - t0) * 1000
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
tick = os.sysconf('SC_CLK_TCK')
out = {'code': code, 'wallMs': wall, 'cpuMs': (ru.ru_utime + ru.ru_stime) * 1000, 'maxRssKb': ru.ru_maxrss, 'togetherKb': together,
       'processes': [{'cmd': e['cmd'], 'hwmKb': e['hwm'], 'cpuMs': e['ticks'] * 1000 / tick} for e in procs.values()]}
os.write(3, (json.dumps(out) + '\n').encode())
`;

function role(cmd: string): string {
    if (cmd.includes("child/runner.ts")) return "program";
    if (cmd.includes("child/type-check.ts")) return "type check";
    if (cmd.includes("child/pack-group.ts")) return "packs (one process)";
    if (cmd.includes("child/pack-host.ts")) {
        const pack = /\/policies\/([\w-]+)/.exec(cmd)?.[1];
        return `pack ${pack ?? "?"}`;
    }
    if (cmd.includes("tools/lake/cli.ts") || cmd.includes("tools/dataset/cli.ts")) return "cli";
    if (cmd.includes("esbuild")) return "esbuild";
    return cmd.split(" ")[0] ? path.basename(cmd.split(" ")[0]!) : "other";
}

function hasPython(): boolean {
    return process.platform === "linux" && spawnSync("python3", ["-c", "import ctypes"], { stdio: "ignore" }).status === 0;
}

/** Runs the CLI once under the subreaper (or plainly) and returns its figures. */
function runMeasured(argv: string[], reaper: boolean, extraEnv: Record<string, string>): { code: number; wallMs: number; cpuMs: number; peakRssKb: number; peakTogetherKb: number; processes: ProcessFigures[] } {
    const env = { ...process.env, CI: "true", ...extraEnv };
    if (reaper) {
        const r = spawnSync("python3", ["-c", REAPER, ...argv], { cwd: REPO, env, stdio: ["ignore", "ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
        const line = (r.output[3] as Buffer | null)?.toString().trim();
        if (!line) throw new Error(`bench: the measuring wrapper failed: ${r.stderr?.toString().trim()}`);
        const m = JSON.parse(line) as { code: number; wallMs: number; cpuMs: number; maxRssKb: number; togetherKb: number; processes: { cmd: string; hwmKb: number; cpuMs: number }[] };
        if (m.code !== 0 && m.code !== 1) throw new Error(`bench: ${argv.slice(3).join(" ")} failed (exit ${m.code}):\n${r.stderr?.toString().trim()}`);
        const processes = m.processes.filter((p) => p.cpuMs > 0 || p.hwmKb > 0).map((p) => ({ role: role(p.cmd), cpuMs: p.cpuMs, peakRssKb: p.hwmKb }));
        return { code: m.code, wallMs: m.wallMs, cpuMs: m.cpuMs, peakRssKb: Math.max(m.maxRssKb, ...processes.map((p) => p.peakRssKb)), peakTogetherKb: m.togetherKb, processes };
    }
    const before = childCpuMs();
    const started = Date.now();
    const r = spawnSync(argv[0]!, argv.slice(1), { cwd: REPO, env, stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0 && r.status !== 1) throw new Error(`bench: ${argv.slice(3).join(" ")} failed (exit ${r.status}):\n${r.stderr.toString().trim()}`);
    const cpu = childCpuMs() - before;
    return { code: r.status, wallMs: Date.now() - started, cpuMs: cpu, peakRssKb: NaN, peakTogetherKb: NaN, processes: [] };
}

/** User+system CPU of this process's waited-for children (Linux /proc/self/stat cutime+cstime), in ms. */
function childCpuMs(): number {
    try {
        const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
        return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
    } catch {
        return NaN;
    }
}

/**
 * Every command of one lake reads its dataset files through one parsed-file cache of the bench's own
 * (components/datasets/yaml-source.ts; it holds the files the plain-YAML reader declines): empty for the first
 * `validate` (cold), as the first run left it for the second (warm) and for `plan` and `check`, as in a CI run that
 * keeps the cache (.github/workflows).
 */
function measure(command: CommandName, lake: string, datasets: number, reaper: boolean, datasetCache: string, cache?: "cold" | "warm"): Figures {
    if (cache === "cold") fs.rmSync(datasetCache, { recursive: true, force: true });
    const tsx = require.resolve("tsx/cjs", { paths: [REPO] });
    const reports = path.join(lake, "reports");
    fs.mkdirSync(reports, { recursive: true });
    const stats = path.join(reports, `${command}-stats.json`);
    fs.rmSync(stats, { force: true });
    let args: string[];
    if (command === "validate") {
        // The copy's own dataset CLI: validate and the copy's program load the files with the same code.
        const own = path.join(lake, "tools", "dataset", "cli.ts");
        args = [fs.existsSync(own) ? own : path.join(REPO, "tools", "dataset", "cli.ts"), "--root", lake, "validate"];
    } else {
        args = [path.join(REPO, "tools", "lake", "cli.ts"), command, "--program", lake, "--stack", "prod", "--format", "json", "--out", path.join(reports, `${command}.json`), "--stats", stats];
        if (command === "check") {
            for (const p of discoverPacks(path.join(lake, "policies"))) args.push("--policy-pack", p);
            args.push("--policy-config", path.join(lake, "policies", "config", "prod.json"));
        }
    }
    const run = runMeasured([process.execPath, "--require", tsx, ...args], reaper, { LAKE_DATASET_CACHE_DIR: datasetCache });
    const s = fs.existsSync(stats) ? JSON.parse(fs.readFileSync(stats, "utf8")) : {};
    const resources = command === "validate" ? datasets : Number(s.resources);
    return {
        command,
        datasets,
        resources,
        exitCode: run.code,
        wallMs: Math.round(run.wallMs),
        cpuMs: Math.round(run.cpuMs),
        peakRssKb: run.peakRssKb,
        peakTogetherKb: run.peakTogetherKb,
        processes: run.processes,
        cpuMsPerResource: run.cpuMs / resources,
        ...(command === "check" && s.typeCheck ? { typeCheckCached: Boolean(s.typeCheck.cached) } : {}),
        ...(cache ? { datasetCache: cache } : {}),
    };
}

/** The run of `command` that the ratios and targets take: the cold validate; the check with its type check cached. */
function comparable(figures: Figures[], command: CommandName, datasets: number): Figures | undefined {
    const runs = figures.filter((f) => f.command === command && f.datasets === datasets);
    return command === "validate" ? runs.find((f) => f.datasetCache !== "warm") : (runs.find((f) => f.typeCheckCached !== false) ?? runs[0]);
}

const mb = (kb: number) => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : "n/a");
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Processes of one role added up (three packs: "pack" per pack; esbuild helpers and the like: "other"). */
function byRole(processes: ProcessFigures[]): string {
    const roles = new Map<string, ProcessFigures>();
    for (const p of processes) {
        const r = roles.get(p.role) ?? { role: p.role, cpuMs: 0, peakRssKb: 0 };
        r.cpuMs += p.cpuMs;
        r.peakRssKb = Math.max(r.peakRssKb, p.peakRssKb);
        roles.set(p.role, r);
    }
    return [...roles.values()].map((r) => `${r.role} ${sec(r.cpuMs)} / ${mb(r.peakRssKb)}`).join(", ");
}

async function main(): Promise<void> {
    const opts = new Command("bench")
        .description("validate, plan and check of prod on N generated dataset files (and N/10), in a temporary copy of the stacks")
        .option("--datasets <n>", "dataset files in the large lake; the small one has n/10", "1000")
        .option("--json", "print the figures as JSON", false)
        .option("--dir <dir>", "where the lakes are generated (kept; an existing lake-<n> there is reused as is, so runs compare the very same files)")
        .option("--keep", "keep the generated lakes", false)
        .option("--no-small", "skip the lake of n/10 datasets (no ratios)")
        .option("--only <commands>", "measure only these of validate,plan,check (comma-separated)", COMMANDS.join(","))
        .parse(process.argv)
        .opts<{ datasets: string; json: boolean; dir?: string; keep: boolean; only: string; small: boolean }>();
    const commands = COMMANDS.filter((c) => opts.only.split(",").includes(c));
    const large = Number(opts.datasets);
    if (!Number.isInteger(large) || large < 10) throw new Error(`--datasets ${opts.datasets}: expected a whole number of at least 10`);
    const sizes = opts.small ? [Math.round(large / 10), large] : [large];
    const root = opts.dir ? path.resolve(opts.dir) : fs.mkdtempSync(path.join(os.tmpdir(), "lake-bench-"));
    fs.mkdirSync(root, { recursive: true });
    const reaper = hasPython();
    const header = {
        cores: os.cpus().length,
        node: process.version,
        loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
        cpuOfWholeTree: reaper,
        root,
    };
    const log = (line: string) => !opts.json && console.log(line);
    log(`bench: ${header.cores} cores, node ${header.node}, load average ${header.loadAverage.join(" ")}${reaper ? "" : " (no python3: CPU of waited-for children only)"}`);
    const figures: Figures[] = [];
    try {
        for (const datasets of sizes) {
            const lake = path.join(root, `lake-${datasets}`);
            if (!fs.existsSync(path.join(lake, "Pulumi.yaml"))) generateLake(REPO, lake, datasets);
            const datasetCache = path.join(root, `dataset-cache-${datasets}`);
            const runs = commands.flatMap((command): { command: CommandName; cache?: "cold" | "warm" }[] =>
                command === "validate" ? [{ command, cache: "cold" }, { command, cache: "warm" }] : [{ command }],
            );
            const measured: Figures[] = [];
            for (const { command, cache } of runs) {
                const f = measure(command, lake, datasets, reaper, datasetCache, cache);
                measured.push(f);
                // The type check costs the same at any number of datasets (it checks the program's TypeScript): a check
                // that ran it cold is printed, then measured again with it cached, the figure the ratio and targets take.
                if (f.typeCheckCached === false) measured.push(measure(command, lake, datasets, reaper, datasetCache, cache));
            }
            for (const f of measured) {
                const command = f.command;
                figures.push(f);
                const unit = command === "validate" ? "files" : "resources";
                log(
                    `${command.padEnd(8)} ${String(datasets).padStart(5)} datasets ${String(f.resources).padStart(6)} ${unit.padEnd(9)} ` +
                        `wall ${sec(f.wallMs).padStart(8)}  cpu ${sec(f.cpuMs).padStart(8)} (${f.cpuMsPerResource.toFixed(2)} ms/${unit === "files" ? "file" : "resource"})  ` +
                        `peak ${mb(f.peakRssKb)} one process, ${mb(f.peakTogetherKb)} together` +
                        (f.typeCheckCached !== undefined ? `  type check ${f.typeCheckCached ? "cached" : "ran"}` : "") +
                        (f.datasetCache ? `  ${f.datasetCache} parsed-file cache` : ""),
                );
                if (f.processes.length) log(`         ${byRole(f.processes)}`);
            }
        }
        const ratios = commands.map((command) => {
            const [s, l] = [comparable(figures, command, sizes[0]!), comparable(figures, command, sizes[1]!)];
            return s && l ? { command, resources: l.resources / s.resources, wall: l.wallMs / s.wallMs, cpu: l.cpuMs / s.cpuMs } : undefined;
        }).filter((r): r is NonNullable<typeof r> => r !== undefined);
        log("");
        for (const r of ratios) log(`${r.command.padEnd(8)} ${sizes[1]} vs ${sizes[0]} datasets (x${r.resources.toFixed(1)} ${r.command === "validate" ? "files" : "resources"}): cpu x${r.cpu.toFixed(2)}, wall x${r.wall.toFixed(2)}`);
        const check = comparable(figures, "check", large);
        // The ratio and the target take the cold validate; the warm one is printed beside it.
        const validate = comparable(figures, "validate", large);
        const warmValidate = figures.find((f) => f.command === "validate" && f.datasets === large && f.datasetCache === "warm");
        const checkRatio = ratios.find((r) => r.command === "check" && Number.isFinite(r.cpu));
        const targets = [
            ...(check
                ? [
                      { target: `check of ${large} datasets <= 1.2 ms CPU per resource`, value: `${check.cpuMsPerResource.toFixed(2)} ms`, met: check.cpuMsPerResource <= 1.2 },
                      { target: "check <= 1 GiB peak across processes", value: mb(check.peakTogetherKb), met: check.peakTogetherKb <= 1024 * 1024 },
                  ]
                : []),
            ...(checkRatio ? [{ target: "check t(N)/t(N/10) <= 4 in CPU", value: `x${checkRatio.cpu.toFixed(2)}`, met: checkRatio.cpu <= 4 }] : []),
            ...(validate ? [{ target: `validate of ${large} files <= 2 s CPU (empty parsed-file cache)`, value: sec(validate.cpuMs), met: validate.cpuMs <= 2000 }] : []),
            ...(warmValidate ? [{ target: `validate of ${large} files <= 2 s CPU (run again)`, value: sec(warmValidate.cpuMs), met: warmValidate.cpuMs <= 2000 }] : []),
        ];
        log("\ntargets (issue 16):");
        for (const t of targets) log(`  ${t.met ? "met   " : "missed"}  ${t.target}: ${t.value}`);
        if (opts.json) console.log(JSON.stringify({ ...header, sizes, figures, ratios, targets }, null, 2));
    } finally {
        if (!opts.keep && !opts.dir) fs.rmSync(root, { recursive: true, force: true });
        else log(`lakes kept in ${root}`);
    }
}

main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
});
