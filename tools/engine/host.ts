/**
 * What a host (a repository, a CI wrapper) passes in. The engine knows nothing of any particular repo:
 * where the packs live, which policy config a stack uses, what counts as a waiver and what the
 * reports are called all come from here. Every field is optional; without a host the engine works on
 * the current directory and needs `--policy-pack`.
 */
import * as path from "path";
import type { PlannedResource } from "./types";

/** A waiver declared on a resource, as a host's `exemptions` hook reports it. */
export interface DeclaredExemption {
    /** The policy it waives. */
    policy: string;
    urn: string;
    name: string;
    reason: string;
    /** false: not a waiver (e.g. the reason is too short), so it is left out of reports. @default true */
    valid?: boolean;
}

/** What one policy could and could not judge, as a host's `coverage` hook reports it. */
export interface PolicyCoverage {
    policy: string;
    /** The pack holding the policy; when omitted the engine looks the policy up in the packs it ran. */
    pack?: string;
    judged: number;
    unjudged: { urn: string; reason: string }[];
}

export interface EngineHost {
    /** SARIF `tool.driver` name and version. @default the engine package's name and version */
    tool?: { name: string; version: string };
    /**
     * The default `--program`, and what SARIF paths are relative to for programs under it (programs
     * elsewhere: their own directory). @default process.cwd()
     */
    root?: string;
    /** Default packs: each directory under it holding PulumiPolicy.yaml. Without it `check` needs `--policy-pack`. */
    packsRoot?: string;
    /** Default `--policy-config` for a stack. The file must exist: a stack without one is an error unless `--policy-config` is given. */
    policyConfig?: (stack: string) => string;
    /** Waivers declared on the planned resources, listed in the text, JSON, Markdown reports. */
    exemptions?: (resources: readonly PlannedResource[]) => readonly DeclaredExemption[];
    /**
     * What each policy could not judge on the planned resources (e.g. a value unknown offline), with the
     * reason: the JSON report's `unjudged`, summarised in text and Markdown. Without it the reports say nothing
     * of coverage.
     */
    coverage?: (resources: PlannedResource[]) => readonly PolicyCoverage[];
    /** Markdown: what follows the exemption count. @default "waived by a written reason" */
    exemptionsNote?: string;
    /**
     * node_modules directories that programs and packs resolve packages from (NODE_PATH), so programs
     * without node_modules run. The engine's own node_modules is always added after these.
     */
    nodePath?: string[];
    /** Environment variable holding extra node flags for the program and pack processes. @default "OFFLINE_ENGINE_NODE_FLAGS" */
    nodeFlagsEnv?: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ENGINE_PACKAGE: { name: string; version: string; dependencies: Record<string, string> } = require("./package.json");

export const DEFAULT_TOOL = { name: ENGINE_PACKAGE.name.replace(/^@[^/]+\//, ""), version: ENGINE_PACKAGE.version };
export const DEFAULT_EXEMPTIONS_NOTE = "waived by a written reason";

export function hostRoot(host: EngineHost | undefined): string {
    return path.resolve(host?.root ?? process.cwd());
}

/**
 * The node_modules directory the engine's own @pulumi/pulumi lives in (the workspace root's when
 * hoisted): programs and packs elsewhere resolve the SDK from there.
 */
function engineNodeModules(): string {
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    return path.resolve(sdk, "..", "..");
}

/** NODE_PATH entries for child processes: the host's, the engine's, then the caller's own NODE_PATH. */
export function childNodePath(host: EngineHost | undefined): string[] {
    const inherited = (process.env.NODE_PATH ?? "").split(path.delimiter).filter(Boolean);
    return [...new Set([...(host?.nodePath ?? []).map((p) => path.resolve(p)), engineNodeModules(), ...inherited])];
}

/** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (NODE_OPTIONS refuses those). */
export function childNodeFlags(host: EngineHost | undefined): string[] {
    return (process.env[host?.nodeFlagsEnv ?? "OFFLINE_ENGINE_NODE_FLAGS"] ?? "").split(/\s+/).filter(Boolean);
}

/** tsx's require hook: TypeScript programs and packs load through esbuild, not tsc. */
export function tsxHook(): string {
    return require.resolve("tsx/cjs");
}
