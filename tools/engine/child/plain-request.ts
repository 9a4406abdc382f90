/**
 * Analyzer requests for the pack host (pack-host.ts) without protobuf: objects with the getters
 * @pulumi/policy's handlers call, answering what the generated message built by `fillRequest`
 * (../analyzer-proto.ts) would answer. The handlers deserialise a resource's properties once per
 * policy; with a real message each of those is a `Struct.toJavaScript()` over the whole tree, which
 * made protobuf the largest cost of a 10k-resource check after the policies themselves.
 * A getter this file doesn't know is answered by the real message, built on first use.
 */
import { analyzeRequest, AnalyzeItem, fillRequest, ProtoModules, stackRequest } from "../analyzer-proto";

/**
 * What `Struct.toJavaScript(Struct.fromJavaScript(JSON round-trip of value))` returns: JSON values
 * only (undefined dropped from objects and null in arrays, non-finite numbers null) and object keys
 * in sorted order, as the protobuf map hands them out.
 */
export function structValue(value: unknown): unknown {
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return Number.isFinite(value) ? value + 0 : null; // + 0: -0 becomes 0, as in JSON
    if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === "function" || typeof v === "symbol" ? null : structValue(v)));
    if (typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON !== "function" && isPlain(value)) {
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(value).sort()) {
            const v = (value as Record<string, unknown>)[key];
            if (v !== undefined && typeof v !== "function" && typeof v !== "symbol") out[key] = structValue(v);
        }
        return out;
    }
    // Dates, class instances, toJSON: rare; let JSON decide exactly as the protobuf route does.
    const json = JSON.stringify(value);
    return json === undefined ? null : structValue(JSON.parse(json));
}

function isPlain(value: object): boolean {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}

class PlainStruct {
    constructor(private readonly js: unknown) {}
    toJavaScript(): unknown {
        return this.js;
    }
}

/** Getters answered by the real message: each one is a protobuf build the fast path meant to avoid. */
export const plainRequestStats = { fallbacks: 0 };

/**
 * Getters these classes don't define fall through the prototype chain to this proxy, which asks the
 * real message (built on first use by the instance's `real()`).
 */
function fallBackToReal(cls: { prototype: object }): void {
    Object.setPrototypeOf(
        cls.prototype,
        new Proxy(Object.create(null), {
            get(_target, key, receiver: { real?: () => any }) {
                if (typeof key === "symbol" || key === "then" || typeof receiver.real !== "function") return undefined;
                plainRequestStats.fallbacks++;
                const r = receiver.real();
                const v = r[key];
                return typeof v === "function" ? v.bind(r) : v;
            },
        }),
    );
}

/** Methods, not closures: one request per resource per pack adds up. */
class PlainOptions {
    private readonly o: AnalyzeItem["options"];
    constructor(private readonly owner: PlainResource) {
        this.o = owner.item.options;
    }
    real(): any {
        return this.owner.real().getOptions();
    }
    getProtect() {
        return this.o.protect;
    }
    getIgnorechangesList() {
        return this.o.ignoreChanges;
    }
    getDeletebeforereplace() {
        return this.o.deleteBeforeReplace ?? false;
    }
    getDeletebeforereplacedefined() {
        return this.o.deleteBeforeReplace !== undefined;
    }
    getAdditionalsecretoutputsList() {
        return this.o.additionalSecretOutputs;
    }
    getAliasesList() {
        return this.o.aliases;
    }
    getParent() {
        return this.o.parent;
    }
    getCustomtimeouts() {
        return undefined;
    }
}

class PlainProvider {
    private readonly props: PlainStruct;
    constructor(
        private readonly owner: PlainResource,
        private readonly p: NonNullable<AnalyzeItem["provider"]>,
    ) {
        this.props = new PlainStruct(structValue(p.props));
    }
    real(): any {
        return this.owner.real().getProvider();
    }
    getType() {
        return this.p.type;
    }
    getName() {
        return this.p.name;
    }
    getUrn() {
        return this.p.urn;
    }
    getProperties() {
        return this.props;
    }
}

/** An AnalyzeRequest or AnalyzerResource; `real` builds the generated message. */
class PlainResource {
    private readonly props: PlainStruct;
    private built: any;
    private options?: PlainOptions;
    private provider?: PlainProvider;
    constructor(
        readonly item: AnalyzeItem,
        private readonly build: () => any,
    ) {
        this.props = new PlainStruct(structValue(item.props));
    }
    real(): any {
        return (this.built ??= this.build());
    }
    getType() {
        return this.item.type;
    }
    getUrn() {
        return this.item.urn;
    }
    getName() {
        return this.item.name;
    }
    getProperties() {
        return this.props;
    }
    getOptions() {
        return (this.options ??= new PlainOptions(this));
    }
    getProvider() {
        return this.item.provider && (this.provider ??= new PlainProvider(this, this.item.provider));
    }
    getParent() {
        return this.item.parent ?? "";
    }
    getDependenciesList() {
        return this.item.dependencies ?? [];
    }
    getPropertydependenciesMap() {
        return undefined;
    }
}

class PlainStackRequest {
    private built: any;
    constructor(
        private readonly m: ProtoModules,
        private readonly items: AnalyzeItem[],
        private readonly resources: PlainResource[],
    ) {}
    real(): any {
        return (this.built ??= stackRequest(this.m, this.items));
    }
    getResourcesList() {
        return this.resources;
    }
}

for (const cls of [PlainOptions, PlainProvider, PlainResource, PlainStackRequest]) fallBackToReal(cls);

/** An AnalyzeRequest (Analyze and Remediate). */
export function plainAnalyzeRequest(m: ProtoModules, item: AnalyzeItem): any {
    return new PlainResource(item, () => analyzeRequest(m, item));
}

/** An AnalyzeStackRequest over all items. */
export function plainStackRequest(m: ProtoModules, items: AnalyzeItem[]): any {
    const resources = items.map((item) => new PlainResource(item, () => fillRequest(m, new m.analyzerPb.AnalyzerResource(), item)));
    return new PlainStackRequest(m, items, resources);
}
