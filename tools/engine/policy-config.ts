/**
 * Policy pack configuration, reconciled the way the Pulumi CLI does it (pkg/resource/analyzer/config.go):
 * defaults from each policy's schema and enforcement level, then the pack's initial config, then the
 * file given with --policy-config; "all" sets every policy's level; keys naming policies the pack does
 * not have are skipped (one file serves every pack); the result is validated against each schema.
 */
import Ajv from "ajv";
import * as fs from "fs";
import { EngineError } from "./errors";
import type { EnforcementLevel } from "./types";

export interface PolicyConfig {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

/** What GetAnalyzerInfo says about one policy. */
export interface PolicyMeta {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    type: "resource" | "stack" | "unknown";
    configSchema?: { properties: Record<string, Record<string, unknown>>; required?: string[] };
    severity?: string;
    remediationSteps?: string;
    url?: string;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function level(file: string, key: string, value: unknown): EnforcementLevel {
    if (typeof value !== "string" || !LEVELS.includes(value as EnforcementLevel)) {
        throw new EngineError(
            `${file}: parsing enforcement level for "${key}": ${JSON.stringify(value)} is not a valid enforcement level ` +
                `(use one of ${LEVELS.join(", ")})`,
        );
    }
    return value as EnforcementLevel;
}

/** Parses a policy config file: `{"all": "advisory", "name": "mandatory", "other": {"enforcementLevel": ..., "prop": 1}}`. */
export function loadPolicyConfigFile(file: string): Record<string, PolicyConfig> {
    let raw: unknown;
    try {
        const text = fs.readFileSync(file, "utf8");
        if (text.trim() === "") return {};
        raw = JSON.parse(text);
    } catch (err) {
        throw new EngineError(`${file}: cannot read policy config: ${(err as Error).message}`);
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new EngineError(`${file}: policy config must be a JSON object, got ${JSON.stringify(raw)}`);
    }
    const result: Record<string, PolicyConfig> = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof value === "string") {
            result[key] = { enforcementLevel: level(file, key, value) };
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            const config: PolicyConfig = {};
            if (enforcementLevel !== undefined) config.enforcementLevel = level(file, key, enforcementLevel);
            if (Object.keys(properties).length > 0) config.properties = properties;
            if (config.enforcementLevel || config.properties) result[key] = config;
        } else {
            throw new EngineError(`${file}: parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
    }
    return result;
}

function apply(result: Map<string, PolicyConfig>, given: Record<string, PolicyConfig>): void {
    const all = given.all?.enforcementLevel;
    if (all) for (const [name, config] of result) result.set(name, { ...config, enforcementLevel: all });
    for (const [name, config] of Object.entries(given)) {
        const current = result.get(name);
        if (!current) continue;
        const properties =
            config.properties && Object.keys(config.properties).length > 0
                ? { ...(current.properties ?? {}), ...config.properties }
                : current.properties;
        result.set(name, { enforcementLevel: config.enforcementLevel ?? current.enforcementLevel, properties });
    }
}

const ajv = new Ajv({ allErrors: true, strict: false });

function describeValue(config: Record<string, unknown>, instancePath: string): string {
    if (!instancePath) return "";
    let value: unknown = config;
    for (const part of instancePath.split("/").slice(1)) value = (value as any)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    return ` (got ${JSON.stringify(value)})`;
}

/**
 * The config each policy of one pack gets. Throws EngineError (exit 2) naming the pack, policy, property
 * and value when the result does not satisfy a policy's configSchema.
 */
export function reconcilePolicyConfig(
    pack: string,
    policies: PolicyMeta[],
    initial: Record<string, PolicyConfig>,
    given: Record<string, PolicyConfig>,
    source: string,
): Map<string, PolicyConfig> {
    const result = new Map<string, PolicyConfig>();
    for (const policy of policies) {
        let properties: Record<string, unknown> | undefined;
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if ("default" in schema) (properties ??= {})[key] = schema.default;
        }
        result.set(policy.name, { enforcementLevel: policy.enforcementLevel, properties });
    }
    apply(result, initial);
    apply(result, given);

    const errors: string[] = [];
    for (const policy of policies) {
        if (!policy.configSchema) continue;
        const schema: Record<string, unknown> = { type: "object" };
        if (Object.keys(policy.configSchema.properties).length > 0) schema.properties = policy.configSchema.properties;
        if (policy.configSchema.required?.length) schema.required = policy.configSchema.required;
        const props = result.get(policy.name)?.properties ?? {};
        const validate = ajv.compile(schema);
        if (validate(props)) continue;
        for (const e of validate.errors ?? []) {
            const property = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : (e.params as any).missingProperty;
            errors.push(`${policy.name}: property '${property ?? "(root)"}' ${e.message}${describeValue(props, e.instancePath)}`);
        }
    }
    if (errors.length > 0) {
        throw new EngineError(`policy pack '${pack}': invalid configuration from ${source}:\n  ${errors.join("\n  ")}`);
    }
    return result;
}
