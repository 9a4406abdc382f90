/**
 * An in-process resource monitor: what the Pulumi engine is to a program, minus gRPC and providers.
 *
 * The runtime talks to `settings.monitor` through the generated gRPC client's method shapes
 * (`registerResource(req, callback)` etc.), so this class implements exactly those methods and answers
 * with objects that have the getters the runtime reads. Struct conversion is short-circuited by the
 * runner (see installFastPaths), so `req.getObject().toJavaScript()` is the runtime's own object.
 */
import { mockCall, mockNewResource } from "../mock-outputs";
import type { PlannedResource } from "../types";
import type { RunnerOptions } from "./protocol";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SPECIAL_SIG = "4dabf18193072939515e22adb298388d";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

type Callback = (err: Error | null, resp?: unknown) => void;

/** Secrets unwrapped, unknowns dropped: the shape PlannedResource.inputs promises. */
export function plain(value: unknown): unknown {
    if (value === UNKNOWN) return undefined;
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SPECIAL_SIG] === SECRET_SIG) return plain(obj.value);
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(obj)) {
            const v = plain(obj[key]);
            if (v !== undefined) out[key] = v;
        }
        return out;
    }
    return value;
}

function struct(value: Record<string, unknown>): { toJavaScript(): Record<string, unknown> } {
    return { toJavaScript: () => value };
}

export class FastMonitor {
    /** Engine-level failures (duplicate URNs), in the engine's wording. */
    readonly errors: string[] = [];
    readonly warnings: string[] = [];
    private readonly byUrn = new Map<string, PlannedResource>();
    private readonly ordered: PlannedResource[] = [];
    /** Called for every resource as it is registered (the runner streams them to the parent). */
    onRecord?: (resource: PlannedResource) => void;

    constructor(
        private readonly options: RunnerOptions,
        private readonly stack: () => string,
        private readonly project: () => string,
    ) {}

    resources(): PlannedResource[] {
        return this.ordered;
    }

    /** The engine's URN rule: the parent's qualified type is prefixed, except for the root stack. */
    private urn(parent: string, type: string, name: string, stack = this.stack(), project = this.project()): string {
        let qualified = type;
        if (parent) {
            const parentType = parent.split("::")[2];
            if (parentType !== ROOT_STACK_TYPE) qualified = `${parentType}$${type}`;
        }
        return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
    }

    /**
     * Alias URNs as the engine computes them (step_generator's generateAliases): each alias (a URN, or a spec whose
     * blanks default to this resource's name, type, stack, project and parent), then every alias of the parent
     * multiplied out, with a child name that starts with the parent's name renamed after the parent's alias.
     */
    private aliases(req: any, urn: string, type: string, name: string, parent: string): string[] {
        const out = new Set<string>();
        const own: string[] = [];
        for (const a of req.getAliasesList?.() ?? []) {
            const direct: string = a.getUrn?.() ?? "";
            if (direct) {
                own.push(direct);
                continue;
            }
            const spec = a.getSpec?.();
            if (!spec) continue;
            const aliasParent = spec.getNoparent() ? "" : spec.getParenturn() || parent;
            own.push(this.urn(aliasParent, spec.getType() || type, spec.getName() || name, spec.getStack() || undefined, spec.getProject() || undefined));
        }
        for (const u of req.getAliasurnsList?.() ?? []) own.push(u);
        own.forEach((u) => out.add(u));
        const parentName = parent ? parent.slice(parent.lastIndexOf("::") + 2) : "";
        for (const parentAlias of (parent && this.byUrn.get(parent)?.aliases) || []) {
            for (const child of [urn, ...own]) {
                const [childType, childName] = [child.split("::")[2].split("$").pop()!, child.slice(child.lastIndexOf("::") + 2)];
                const aliasName = parentAlias.slice(parentAlias.lastIndexOf("::") + 2);
                const renamed = childName.startsWith(parentName) ? aliasName + childName.slice(parentName.length) : childName;
                const [, , parentQualified] = parentAlias.split("::");
                const [, aliasStack] = parentAlias.split("::")[0].split(":").slice(1);
                out.add(`urn:pulumi:${aliasStack}::${parentAlias.split("::")[1]}::${parentQualified}$${childType}::${renamed}`);
            }
        }
        out.delete(urn);
        return [...out];
    }

    private record(req: any, custom: boolean, external: boolean): { resource?: PlannedResource; error?: Error } {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const urn = this.urn(parent, type, name);
        if (this.byUrn.has(urn)) {
            const message = `Duplicate resource URN '${urn}'; try giving it a unique name`;
            this.errors.push(message);
            return { error: new Error(message) };
        }
        const inputs = plain(req.getObject ? req.getObject().toJavaScript() : req.getProperties().toJavaScript());
        const result = custom
            ? mockNewResource(
                  { type, name, inputs, custom, id: external ? req.getId() : req.getImportid?.() || undefined },
                  { region: this.options.region },
              )
            : type.startsWith("pulumi:") || !req.getRemote?.()
              ? { id: "", state: {} }
              : mockNewResource({ type, name, inputs, custom }, { region: this.options.region });
        const position = req.getSourceposition?.();
        const resource: PlannedResource = {
            urn,
            type,
            name,
            parent: parent || undefined,
            custom,
            inputs: inputs as Record<string, unknown>,
            outputs: result.state,
            dependencies: req.getDependenciesList?.() ?? [],
            provider: req.getProvider() || undefined,
            protect: req.getProtect?.() ?? false,
            retainOnDelete: req.getRetainondelete?.() ?? false,
        };
        if (external) resource.external = true;
        if (req.getDeletebeforereplacedefined?.()) resource.deleteBeforeReplace = req.getDeletebeforereplace();
        const ignore = req.getIgnorechangesList?.();
        if (ignore?.length) resource.ignoreChanges = ignore;
        const aliases = this.aliases(req, urn, type, name, parent);
        if (aliases.length) resource.aliases = aliases;
        const secretOutputs = req.getAdditionalsecretoutputsList?.();
        if (secretOutputs?.length) resource.additionalSecretOutputs = secretOutputs;
        if (position && position.getUri()) {
            resource.sourcePosition = { uri: position.getUri(), line: position.getLine(), column: position.getColumn() };
        }
        this.byUrn.set(urn, resource);
        this.ordered.push(resource);
        this.onRecord?.(resource);
        return { resource };
    }

    registerResource(req: any, callback: Callback): void {
        const { resource, error } = this.record(req, req.getCustom(), false);
        if (error || !resource) return callback(error ?? new Error("registration failed"));
        const id = resource.custom ? String(resource.outputs.id ?? "") : "";
        callback(null, {
            getUrn: () => resource.urn,
            getId: () => id,
            getObject: () => struct(resource.outputs),
            getPropertydependenciesMap: () => undefined,
            getResult: () => 0,
        });
    }

    readResource(req: any, callback: Callback): void {
        const { resource, error } = this.record(req, true, true);
        if (error || !resource) return callback(error ?? new Error("read failed"));
        callback(null, { getUrn: () => resource.urn, getProperties: () => struct(resource.outputs) });
    }

    registerResourceOutputs(req: any, callback: Callback): void {
        const resource = this.byUrn.get(req.getUrn());
        if (resource) resource.outputs = plain(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        callback(null, {});
    }

    invoke(req: any, callback: Callback): void {
        const token: string = req.getTok();
        const args = plain(req.getArgs().toJavaScript()) as Record<string, unknown>;
        let result: Record<string, unknown>;
        if (token === "pulumi:pulumi:getResource") {
            const found = this.byUrn.get(String(args.urn));
            if (!found) return callback(Object.assign(new Error(`unknown resource ${args.urn}`), { details: `unknown resource ${args.urn}` }));
            result = { urn: found.urn, id: found.outputs.id ?? null, state: found.outputs };
        } else {
            result = mockCall({ token, inputs: args, provider: req.getProvider() }, { region: this.options.region });
        }
        callback(null, { getFailuresList: () => [], getReturn: () => struct(result), getReturndependenciesMap: () => undefined });
    }

    call(req: any, callback: Callback): void {
        const message = `method calls on components (${req.getTok()}) are not supported offline`;
        callback(Object.assign(new Error(message), { details: message }));
    }

    supportsFeature(req: any, callback: Callback): void {
        // No callback server offline: transforms and hooks would need one. outputValues off keeps inputs plain.
        const unsupported = ["outputValues", "transforms", "invokeTransforms", "resourceHooks", "errorHooks"];
        const has = !unsupported.includes(req.getId());
        callback(null, { getHassupport: () => has });
    }

    registerPackage(req: any, callback: Callback): void {
        const ref = `offline-${req.getName()}-${req.getVersion()}`;
        callback(null, { getRef: () => ref });
    }
}
