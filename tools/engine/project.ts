/**
 * Reads a Pulumi project directory the way the CLI does: Pulumi.yaml (name, main, project config
 * defaults) and Pulumi.<stack>.yaml (stack config), producing the PULUMI_CONFIG the runtime expects.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { EngineError } from "./errors";

export interface LoadedProject {
    dir: string;
    name: string;
    /** Absolute entry point (file or directory). */
    main: string;
    stack: string;
    /** `project:key` -> string value, as the engine passes it in PULUMI_CONFIG. */
    config: Record<string, string>;
    secretKeys: string[];
    region: string;
    /** Non-fatal notes, e.g. secure values replaced by placeholders. */
    warnings: string[];
}

function readYaml(file: string): Record<string, any> {
    let doc: unknown;
    try {
        doc = parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new EngineError(`${file}: invalid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== "object" || Array.isArray(doc)) {
        throw new EngineError(`${file}: expected a mapping at the top level, got ${JSON.stringify(doc)}`);
    }
    return doc as Record<string, any>;
}

/** The engine passes every config value as a string; structured values as JSON. */
function configString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function resolveMain(dir: string, declared: unknown, file: string): string {
    if (declared !== undefined) {
        if (typeof declared !== "string" || declared === "") {
            throw new EngineError(`${file}: field 'main' must be a path, got ${JSON.stringify(declared)}`);
        }
        const full = path.resolve(dir, declared);
        if (!fs.existsSync(full)) throw new EngineError(`${file}: field 'main' points to '${declared}', which does not exist`);
        return full;
    }
    const pkgFile = path.join(dir, "package.json");
    if (fs.existsSync(pkgFile)) {
        const pkgMain = JSON.parse(fs.readFileSync(pkgFile, "utf8")).main;
        if (typeof pkgMain === "string" && fs.existsSync(path.resolve(dir, pkgMain))) return path.resolve(dir, pkgMain);
    }
    for (const candidate of ["index.ts", "index.js"]) {
        if (fs.existsSync(path.join(dir, candidate))) return path.join(dir, candidate);
    }
    throw new EngineError(`${dir}: no program entry: set 'main' in Pulumi.yaml or add index.ts`);
}

export function loadProject(dirArg: string, stack: string): LoadedProject {
    const dir = path.resolve(dirArg);
    const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!projectFile) throw new EngineError(`${dir}: no Pulumi.yaml found (pass --program DIR)`);
    const project = readYaml(projectFile);
    if (typeof project.name !== "string" || !project.name) {
        throw new EngineError(`${projectFile}: field 'name' is required, got ${JSON.stringify(project.name)}`);
    }
    const name: string = project.name;
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const warnings: string[] = [];

    // Project-level config: `key: value` or `key: { type, default | value, secret }`.
    for (const [key, decl] of Object.entries((project.config ?? {}) as Record<string, unknown>)) {
        const value =
            decl !== null && typeof decl === "object" && !Array.isArray(decl)
                ? ((decl as any).value ?? (decl as any).default)
                : decl;
        if (value !== undefined && value !== null) config[qualify(name, key)] = configString(value);
    }

    const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(stackFile)) {
        const stackDoc = readYaml(stackFile);
        const entries = stackDoc.config ?? {};
        if (typeof entries !== "object" || Array.isArray(entries)) {
            throw new EngineError(`${stackFile}: field 'config' must be a mapping, got ${JSON.stringify(entries)}`);
        }
        for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
            const full = qualify(name, key);
            if (value !== null && typeof value === "object" && "secure" in (value as object)) {
                // Ciphertext can't be decrypted without the stack's secrets provider: use a marked placeholder.
                config[full] = `offline-secret-${full.replace(/[^A-Za-z0-9]/g, "-")}`;
                secretKeys.push(full);
                warnings.push(`${stackFile}: '${key}' is a secure value; using a placeholder offline`);
            } else if (value !== null && value !== undefined) {
                config[full] = configString(value);
            }
        }
    }
    const region = config["aws:region"] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
    return { dir, name, main: resolveMain(dir, project.main, projectFile), stack, config, secretKeys, region, warnings };
}
