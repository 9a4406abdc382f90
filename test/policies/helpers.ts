import type {
    Policy,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

/** A violation as the test sees it. */
export interface Reported {
    message: string;
    urn?: string;
}

class NotApplicable extends Error {}

const defaultOpts = (): PolicyResourceOptions => ({
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
});

const urnOf = (type: string, name: string) => `urn:pulumi:test::lake::${type}::${name}`;

type Ctor = { new (...rest: any[]): any };
const typeOf = (cls: Ctor): string | undefined => (cls as unknown as { __pulumiType?: string }).__pulumiType;

export interface ResourceOptions {
    name?: string;
    config?: Record<string, unknown>;
    opts?: Partial<PolicyResourceOptions>;
    /** Provider resource props, e.g. `{ defaultTags: { tags: {...} } }`. */
    providerProps?: Record<string, unknown>;
}

/** Runs a resource policy over one resource and returns what it reported. */
export async function runResource(
    policy: Policy,
    type: string,
    props: Record<string, unknown>,
    o: ResourceOptions = {},
): Promise<Reported[]> {
    const p = policy as ResourceValidationPolicy;
    const name = o.name ?? "subject";
    const args: ResourceValidationArgs = {
        type,
        props,
        urn: urnOf(type, name),
        name,
        opts: { ...defaultOpts(), ...o.opts },
        provider: o.providerProps
            ? { type: "pulumi:providers:aws", props: o.providerProps, urn: urnOf("pulumi:providers:aws", "default"), name: "default" }
            : undefined,
        stackTags: new Map(),
        isType: (cls: Ctor) => typeOf(cls) === type,
        asType: ((cls: Ctor) => (typeOf(cls) === type ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => (o.config ?? {}) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    const out: Reported[] = [];
    const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
    for (const v of validations) {
        try {
            await v!(args, (message: string) => out.push({ message }));
        } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
        }
    }
    return out;
}

/** Builds a stack resource; wire `parent`, `dependencies`, `propertyDependencies` afterwards or via `refs`. */
export function res(
    type: string,
    name: string,
    props: Record<string, unknown>,
    extra: {
        opts?: Partial<PolicyResourceOptions>;
        parent?: PolicyResource;
        /** property name -> resources that fed it; also added to dependencies. */
        refs?: Record<string, PolicyResource[]>;
        providerProps?: Record<string, unknown>;
    } = {},
): PolicyResource {
    const refs = extra.refs ?? {};
    return {
        type,
        name,
        props,
        urn: urnOf(type, name),
        opts: { ...defaultOpts(), ...extra.opts },
        parent: extra.parent,
        dependencies: [...new Set(Object.values(refs).flat())],
        propertyDependencies: refs,
        provider: extra.providerProps
            ? { type: "pulumi:providers:aws", props: extra.providerProps, urn: urnOf("pulumi:providers:aws", "default"), name: "default" }
            : undefined,
        isType: (cls: Ctor) => typeOf(cls) === type,
        asType: ((cls: Ctor) => (typeOf(cls) === type ? props : undefined)) as PolicyResource["asType"],
    };
}

/** Runs a stack policy and returns what it reported. */
export async function runStack(
    policy: Policy,
    resources: PolicyResource[],
    config: Record<string, unknown> = {},
): Promise<Reported[]> {
    const p = policy as StackValidationPolicy;
    const out: Reported[] = [];
    const args: StackValidationArgs = {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    try {
        await p.validateStack(args, (message: string, urn?: string) => out.push({ message, urn }));
    } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
    }
    return out;
}

/**
 * Deep copy with one change: `flip(obj, "a.b.c", value)`, or a path array when a key holds dots
 * (`["parameters", "projection.dt.range"]`); value undefined deletes the field.
 */
export function flip<T>(obj: T, path: string | string[], value: unknown): T {
    const copy = structuredClone(obj) as Record<string, unknown>;
    const parts = Array.isArray(path) ? path : path.split(".");
    let cur = copy;
    for (const part of parts.slice(0, -1)) {
        cur[part] ??= {};
        cur = cur[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (value === undefined) delete cur[last];
    else cur[last] = value;
    return copy as T;
}
