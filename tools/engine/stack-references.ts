/**
 * Offline sources for `pulumi.StackReference`: the referenced stack's outputs come from a local JSON
 * file, since there is no backend to ask. A reference NAME (e.g. `acme/network/prod`) is answered by
 *
 *   1. `--stack-reference NAME=FILE.json` (CLI, repeatable; `stackReferences` in PlanOptions), else
 *   2. `stack-references/NAME.json` in the program directory (`/` in NAME are subdirectories).
 *
 * Neither is read by a real `pulumi up` (no config key, no file the CLI looks at), so the program and its
 * stack files stay exactly as deployed. The file holds what `pulumi stack output --json --stack NAME`
 * prints; a value "[secret]" (how the CLI prints a secret without --show-secrets) becomes a secret output
 * with a placeholder value, like a `secure:` config value.
 */
import * as fs from "fs";
import * as path from "path";
import { EngineError } from "./errors";

/** Where the program directory's own stack reference files live. */
export const STACK_REFERENCES_DIR = "stack-references";

/** What the CLI prints for a secret output without --show-secrets. */
const SECRET_MARK = "[secret]";

export interface StackReferenceOutputs {
    /** The file the outputs came from. */
    file: string;
    outputs: Record<string, unknown>;
    /** Output names whose values are secrets (placeholders offline). */
    secretOutputNames: string[];
}

/** Parses the `--stack-reference NAME=FILE` flags into NAME -> absolute file; each file must exist. */
export function parseStackReferenceFlags(flags: readonly string[], cwd = process.cwd()): Record<string, string> {
    const out: Record<string, string> = {};
    for (const flag of flags) {
        const eq = flag.indexOf("=");
        if (eq <= 0 || eq === flag.length - 1) {
            throw new EngineError(`--stack-reference ${JSON.stringify(flag)}: expected NAME=FILE.json (e.g. acme/network/prod=network-prod.json)`);
        }
        const name = flag.slice(0, eq);
        const file = path.resolve(cwd, flag.slice(eq + 1));
        if (!fs.existsSync(file)) throw new EngineError(`--stack-reference ${name}: ${file} does not exist`);
        out[name] = file;
    }
    return out;
}

/** The project-level file for `name` under `programDir`. */
export function stackReferenceFile(programDir: string, name: string): string {
    return path.join(programDir, STACK_REFERENCES_DIR, ...name.split("/")) + ".json";
}

/** The error for a reference with no source: names it and both ways to give one. */
export function missingStackReference(name: string, programDir: string): string {
    const rel = path.relative(programDir, stackReferenceFile(programDir, name)).split(path.sep).join("/");
    return (
        `stack reference '${name}' has no offline source: pass --stack-reference ${name}=FILE.json or add ${rel} to the program directory, ` +
        `holding the referenced stack's outputs (pulumi stack output --json --stack ${name})`
    );
}

/** Reads one outputs file; a broken file is an EngineError naming it. */
export function readStackReference(name: string, file: string): StackReferenceOutputs {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new EngineError(`stack reference '${name}': cannot read ${file}: ${(err as Error).message.split("\n")[0]}`);
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new EngineError(`stack reference '${name}': ${file} must hold a JSON object of stack outputs, got ${JSON.stringify(raw)?.slice(0, 60)}`);
    }
    const outputs: Record<string, unknown> = {};
    const secretOutputNames: string[] = [];
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (value === SECRET_MARK) {
            outputs[key] = `offline-secret-${`${name}-${key}`.replace(/[^A-Za-z0-9]/g, "-")}`;
            secretOutputNames.push(key);
        } else {
            outputs[key] = value;
        }
    }
    return { file, outputs, secretOutputNames };
}

/** Resolves a reference: the explicit file first, then the program's own; undefined when neither exists. */
export function resolveStackReference(name: string, explicit: Readonly<Record<string, string>>, programDir: string): StackReferenceOutputs | undefined {
    const file = explicit[name] ?? stackReferenceFile(programDir, name);
    if (!explicit[name] && !fs.existsSync(file)) return undefined;
    return readStackReference(name, file);
}
