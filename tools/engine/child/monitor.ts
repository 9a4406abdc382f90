/**
 * An in-process resource monitor: what the Pulumi engine is to a program, minus gRPC and providers.
 *
 * The runtime talks to `settings.monitor` through the generated gRPC client's method shapes
 * (`registerResource(req, callback)` etc.), so this class implements exactly those methods and answers
 * with objects that have the getters the runtime reads. Struct conversion is short-circuited by the
 * runner (see installFastPaths), so `req.getObject().toJavaScript()` is the runtime's own object.
 */
import { EngineError } from "../errors";
import { mockCall, mockNewResource } from "../mock-outputs";
import { missingStackReference, resolveStackReference } from "../stack-references";
import type { PlannedResource } from "../types";
import type { PendingWork } from "./pending";
import type { RunnerOptions } from "./protocol";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const SPECIAL_SIG = "4dabf18193072939515e22adb298388d";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

type Callback = (err: Error | null, resp?: unknown) => void;

/**
 * Secrets unwrapped, unknowns dropped: the shape PlannedResource.inputs promises. A resource reference
 * (a Role object passed as `role`, a component as an output) becomes what the engine hands a provider
 * or an analyzer that does not keep resources (pkg/resource/plugin: MarshalPropertyValue without
 * KeepResources): the resource's id when it has one, else its URN. Mocks and packs never see the ref.
 */
export function plain(value: unknown): unknown {
    if (value === UNKNOWN) return undefined;
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SPECIAL_SIG] === SECRET_SIG) return plain(obj.value);
        if (obj[SPECIAL_SIG] === RESOURCE_SIG) return obj.id !== undefined && obj.id !== null ? plain(obj.id === "" ? UNKNOWN : obj.id) : obj.urn;
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(obj)) {
            const v = plain(obj[key]);
            if (v !== undefined) out[key] = v;
        }
        return out;
    }
    return value;
}

/** Where `value` (a registration's inputs, before plain()) holds secrets: property paths, `a.b[0]` / `["odd.key"]`. */
export function secretPaths(value: unknown, at = ""): string[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, `${at}[${i}]`));
    if (value === null || typeof value !== "object") return [];
    const obj = value as Record<string, unknown>;
    if (obj[SPECIAL_SIG] === SECRET_SIG) return [at];
    if (obj[SPECIAL_SIG] !== undefined) return [];
    return Object.keys(obj).flatMap((k) => secretPaths(obj[k], /^[A-Za-z_$][\w$]*$/.test(k) ? (at ? `${at}.${k}` : k) : `${at}[${JSON.stringify(k)}]`));
}

function struct(value: Record<string, unknown>): { toJavaScript(): Record<string, unknown> } {
    return { toJavaScript: () => value };
}

/** Does `value` hold an array element plain() left undefined (an unknown: nothing else serialises so)? */
function hasUnknownElement(value: unknown): boolean {
    if (Array.isArray(value)) return value.some((v) => v === undefined || hasUnknownElement(v));
    if (value !== null && typeof value === "object") return Object.values(value).some(hasUnknownElement);
    return false;
}

function restoreUnknowns(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? UNKNOWN : restoreUnknowns(v)));
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreUnknowns(v)]));
    return value;
}

/**
 * State as the runtime gets it back: an unknown array element is unknown again (in a preview the
 * runtime rejects an undefined one), everything else exactly as planned. Copied only when needed.
 */
function wire(value: Record<string, unknown>): Record<string, unknown> {
    return hasUnknownElement(value) ? (restoreUnknowns(value) as Record<string, unknown>) : value;
}

/**
 * An invoke's return Struct for readers that walk its fields (the runtime's getResource, used when a
 * resource is rehydrated from its URN, reads `getFieldsMap().get("state").getStructValue()`).
 */
function returnStruct(value: Record<string, unknown>) {
    const field = (v: unknown) => ({
        toJavaScript: () => v,
        getStructValue: () => (v !== null && typeof v === "object" && !Array.isArray(v) ? struct(v as Record<string, unknown>) : undefined),
    });
    const state = wire(value);
    return { toJavaScript: () => state, getFieldsMap: () => new Map(Object.entries(state).map(([k, v]) => [k, field(v)])) };
}

export class FastMonitor {
    /** Engine-level failures (duplicate URNs), in the engine's wording. */
    readonly errors: string[] = [];
    readonly warnings: string[] = [];
    private readonly byUrn = new Map<string, PlannedResource>();
    private readonly ordered: PlannedResource[] = [];
    /** Called for every resource as it is registered (the runner streams them to the parent). */
    onRecord?: (resource: PlannedResource) => void;
    /** Called when a registered resource's outputs change afterwards (a component's registerOutputs). */
    onOutputs?: (resource: PlannedResource) => void;

    constructor(
        private readonly options: RunnerOptions,
        private readonly stack: () => string,
        private readonly project: () => string,
        /** Told what arrives, so a program that stops early can be told what it still waited on. */
        private readonly pending?: PendingWork,
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
        this.pending?.reachedMonitor(type, name);
        const urn = this.urn(parent, type, name);
        if (this.byUrn.has(urn)) {
            const message = `Duplicate resource URN '${urn}'; try giving it a unique name`;
            this.errors.push(message);
            return { error: new Error(message) };
        }
        const registered = req.getObject ? req.getObject().toJavaScript() : req.getProperties().toJavaScript();
        const inputs = plain(registered);
        const reference = external && type === STACK_REFERENCE_TYPE ? this.stackReference(String(req.getId() || name)) : undefined;
        if (reference && "error" in reference) {
            this.errors.push(reference.error);
            return { error: new Error(reference.error) };
        }
        const result = reference
            ? { id: reference.name, state: { name: reference.name, outputs: reference.outputs, secretOutputNames: reference.secretOutputNames } }
            : custom
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
        if (!custom && req.getRemote?.()) resource.remote = true;
        if (req.getDeletebeforereplacedefined?.()) resource.deleteBeforeReplace = req.getDeletebeforereplace();
        const ignore = req.getIgnorechangesList?.();
        if (ignore?.length) resource.ignoreChanges = ignore;
        const aliases = this.aliases(req, urn, type, name, parent);
        if (aliases.length) resource.aliases = aliases;
        const secretOutputs = req.getAdditionalsecretoutputsList?.();
        if (secretOutputs?.length) resource.additionalSecretOutputs = secretOutputs;
        const secrets = secretPaths(registered);
        if (secrets.length) resource.secretInputs = secrets;
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
            getObject: () => struct(wire(resource.outputs)),
            getPropertydependenciesMap: () => undefined,
            getResult: () => 0,
        });
    }

    readResource(req: any, callback: Callback): void {
        const { resource, error } = this.record(req, true, true);
        if (error || !resource) return callback(Object.assign(error ?? new Error("read failed"), { details: error?.message ?? "read failed" }));
        let state = resource.outputs;
        if (resource.type === STACK_REFERENCE_TYPE) {
            // The builtin provider returns secret outputs as secrets: the runtime marks `outputs` secret and
            // getOutput() consults secretOutputNames.
            const outputs = { ...(state.outputs as Record<string, unknown>) };
            for (const key of state.secretOutputNames as string[]) outputs[key] = { [SPECIAL_SIG]: SECRET_SIG, value: outputs[key] };
            state = { ...state, outputs };
        }
        callback(null, { getUrn: () => resource.urn, getProperties: () => struct(wire(state)) });
    }

    /** The referenced stack's outputs from its offline source (../stack-references.ts), or the error naming it. */
    private stackReference(name: string): { name: string; outputs: Record<string, unknown>; secretOutputNames: string[] } | { error: string } {
        let found;
        try {
            found = resolveStackReference(name, this.options.stackReferences, this.options.programDir);
        } catch (err) {
            return { error: err instanceof EngineError ? err.message : String(err) };
        }
        if (!found) return { error: missingStackReference(name, this.options.programDir) };
        for (const key of found.secretOutputNames) {
            this.warnings.push(`stack reference '${name}': output '${key}' is "[secret]" in ${found.file}; the program gets a placeholder offline`);
        }
        return { name, outputs: found.outputs, secretOutputNames: found.secretOutputNames };
    }

    registerResourceOutputs(req: any, callback: Callback): void {
        const resource = this.byUrn.get(req.getUrn());
        if (resource) {
            const registered = req.getOutputs()?.toJavaScript() ?? {};
            resource.outputs = plain(registered) as Record<string, unknown>;
            const secrets = secretPaths(registered);
            if (secrets.length) resource.secretOutputs = secrets;
            this.onOutputs?.(resource);
        }
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
        this.pending?.answered(token, result);
        callback(null, { getFailuresList: () => [], getReturn: () => returnStruct(result), getReturndependenciesMap: () => undefined });
    }

    call(req: any, callback: Callback): void {
        const message = `method calls on components (${req.getTok()}) are not supported offline`;
        callback(Object.assign(new Error(message), { details: message }));
    }

    supportsFeature(req: any, callback: Callback): void {
        // No callback server offline: transforms and hooks would need one. outputValues off keeps inputs plain.
        // resourceReferences on, as with the real engine: plain() resolves each reference to its id or URN.
        const unsupported = ["outputValues", "transforms", "invokeTransforms", "resourceHooks", "errorHooks"];
        const has = !unsupported.includes(req.getId());
        callback(null, { getHassupport: () => has });
    }

    registerPackage(req: any, callback: Callback): void {
        const ref = `offline-${req.getName()}-${req.getVersion()}`;
        callback(null, { getRef: () => ref });
    }
}
