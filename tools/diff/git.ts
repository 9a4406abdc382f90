/**
 * The git side of the offline diff: resolve refs and check a revision out into a temporary worktree, with the
 * repository's node_modules symlinked in (the base is planned with today's installed SDKs and engine), removed
 * again afterwards whatever happened.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export class GitError extends Error {}

export function git(cwd: string, args: string[]): string {
    try {
        return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch (e) {
        const err = e as { stderr?: Buffer | string; message: string };
        const stderr = String(err.stderr ?? "").trim();
        throw new GitError(`git ${args.join(" ")} failed in ${cwd}: ${stderr || err.message}`);
    }
}

/** The repository's top-level directory. */
export function repoRoot(dir: string): string {
    try {
        return git(dir, ["rev-parse", "--show-toplevel"]);
    } catch {
        throw new GitError(`${dir} is not inside a git repository (the diff plans revisions of one)`);
    }
}

/** The commit a ref names; a clear message when it doesn't resolve (a shallow CI clone, a typo). */
export function resolveCommit(root: string, ref: string): string {
    try {
        return git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
        const shallow = (() => {
            try {
                return git(root, ["rev-parse", "--is-shallow-repository"]) === "true";
            } catch {
                return false;
            }
        })();
        throw new GitError(
            `'${ref}' does not name a commit in ${root}` +
                (shallow ? " (this is a shallow clone: fetch the history, e.g. actions/checkout with fetch-depth: 0)" : ""),
        );
    }
}

/** Uncommitted changes to tracked files, or untracked files that aren't ignored. */
export function isDirty(root: string): boolean {
    return git(root, ["status", "--porcelain", "--untracked-files=normal"]) !== "";
}

export interface Worktree {
    dir: string;
    commit: string;
    remove(): void;
}

/**
 * `git worktree add --detach <tmp> <commit>` with `<root>/node_modules` symlinked into it when the repository has
 * one. `remove()` unlinks the symlink first (so nothing can follow it into the real node_modules), then removes
 * the worktree and its record.
 */
export function addWorktree(root: string, commit: string): Worktree {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "lake-diff-"));
    const dir = path.join(parent, "tree");
    git(root, ["worktree", "add", "--detach", dir, commit]);
    const link = path.join(dir, "node_modules");
    const modules = path.join(root, "node_modules");
    let linked = false;
    if (fs.existsSync(modules) && !fs.existsSync(link)) {
        fs.symlinkSync(modules, link, "dir");
        linked = true;
    }
    let removed = false;
    return {
        dir,
        commit,
        remove() {
            if (removed) return;
            removed = true;
            if (linked) fs.rmSync(link, { force: true });
            try {
                git(root, ["worktree", "remove", "--force", dir]);
            } catch {
                // Only when remove failed: delete the directory, then prune drops the record it left.
                fs.rmSync(dir, { recursive: true, force: true });
                try {
                    git(root, ["worktree", "prune"]);
                } catch {
                    // A record left behind is harmless (git prunes it itself later); not worth failing a diff for.
                }
            }
            fs.rmSync(parent, { recursive: true, force: true });
        },
    };
}
