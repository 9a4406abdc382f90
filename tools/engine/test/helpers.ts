/**
 * Runs the engine's own CLI (bin.ts, no host) as a child process, like CI does, from the package
 * directory: SARIF paths are relative to it, and nothing of the repo around it is used.
 */
import { spawn } from "child_process";
import * as path from "path";

export const ENGINE = path.resolve(__dirname, "..");
export const FIXTURES = path.join(ENGINE, "test", "fixtures");
export const program = (name: string) => path.join(FIXTURES, "programs", name);
export const pack = (name: string) => path.join(FIXTURES, "packs", name);

export interface CliRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    const cli = path.join(ENGINE, "bin.ts");
    const tsx = require.resolve("tsx/cjs", { paths: [ENGINE] });
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--require", tsx, cli, ...args], {
            cwd: ENGINE,
            env: { ...process.env, CI: "true", ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c) => (stdout += c));
        child.stderr.on("data", (c) => (stderr += c));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** Starts every run at once but lets at most `limit` execute together (2 cores). */
export function pool(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
    let active = 0;
    const queue: (() => void)[] = [];
    const release = () => {
        active--;
        queue.shift()?.();
    };
    return <T>(task: () => Promise<T>) =>
        new Promise<T>((resolve, reject) => {
            const start = () => {
                active++;
                task().then(resolve, reject).finally(release);
            };
            if (active < limit) start();
            else queue.push(start);
        });
}
