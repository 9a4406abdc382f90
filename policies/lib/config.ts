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

/** Shorthand used by every policy: `cfg(args, schema)`. */
export function cfg<C extends object>(args: { getConfig<T extends object>(): T }, schema: PolicyConfigSchema): C {
    return configWithDefaults<C>(schema, args.getConfig<Partial<C>>());
}

/** A config property holding a list of unique non-empty strings (names, keys, ARNs), with its default. */
export function stringListSchema(dflt: readonly string[], description: string): PolicyConfigJSONSchema {
    return { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, default: [...dflt], description };
}
