import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * The policy's config with the schema's defaults filled in.
 *
 * The Pulumi CLI applies schema defaults before `Configure`, but unit tests, the offline engine and
 * older CLIs may hand over a partial object; reading defaults here makes every caller agree.
 */
export function configWithDefaults<C extends object>(
    schema: PolicyConfigSchema,
    given: Partial<C> | undefined,
): C {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema.properties)) {
        const d = (prop as { default?: unknown }).default;
        if (d !== undefined) out[key] = structuredClone(d);
    }
    for (const [key, value] of Object.entries(given ?? {})) {
        if (key !== "enforcementLevel" && value !== undefined) out[key] = value;
    }
    return out as C;
}

/** The last config a schema was completed for, by the values given (@pulumi/policy hands a new object per call). */
const lastConfig = new WeakMap<PolicyConfigSchema, { given: [string, unknown][]; config: object }>();

function sameValues(a: [string, unknown][], b: Record<string, unknown>): boolean {
    const keys = Object.keys(b);
    return keys.length === a.length && a.every(([k, v], i) => keys[i] === k && b[k] === v);
}

/**
 * Shorthand used by every policy: `cfg(args, schema)`. A policy asks once per resource, so the completed config
 * is kept while the values given stay the same ones (a pack's config changes only on Configure).
 */
export function cfg<C extends object>(args: { getConfig<T extends object>(): T }, schema: PolicyConfigSchema): C {
    const given = (args.getConfig<Partial<C>>() ?? {}) as Record<string, unknown>;
    const last = lastConfig.get(schema);
    if (last && sameValues(last.given, given)) return last.config as C;
    const config = configWithDefaults<C>(schema, given as Partial<C>);
    lastConfig.set(schema, { given: Object.entries(given), config });
    return config;
}

/** A config property holding a list of unique non-empty strings (names, keys, ARNs), with its default. */
export function stringListSchema(dflt: readonly string[], description: string): PolicyConfigJSONSchema {
    return { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, default: [...dflt], description };
}
