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

const struct = (value: Record<string, unknown>) => {
    const js = structValue(value);
    return { toJavaScript: () => js };
};

/** Answers from `fast`, anything else from the real message. */
function withFallback<T extends object>(fast: T, real: () => any): T {
    return new Proxy(fast, {
        get(target, key) {
            if (key in target) return (target as any)[key];
            const r = real();
            const v = r[key];
            return typeof v === "function" ? v.bind(r) : v;
        },
    });
}

function resource(item: AnalyzeItem, real: () => any) {
    const o = item.options;
    const options = withFallback(
        {
            getProtect: () => o.protect,
            getIgnorechangesList: () => o.ignoreChanges,
            getDeletebeforereplace: () => o.deleteBeforeReplace ?? false,
            getDeletebeforereplacedefined: () => o.deleteBeforeReplace !== undefined,
            getAdditionalsecretoutputsList: () => o.additionalSecretOutputs,
            getAliasesList: () => o.aliases,
            getParent: () => o.parent,
            getCustomtimeouts: () => undefined,
        },
        () => real().getOptions(),
    );
    const p = item.provider;
    const providerProps = p && struct(p.props);
    const provider = p && withFallback({ getType: () => p.type, getName: () => p.name, getUrn: () => p.urn, getProperties: () => providerProps }, () => real().getProvider());
    const properties = struct(item.props);
    return withFallback(
        {
            getType: () => item.type,
            getUrn: () => item.urn,
            getName: () => item.name,
            getProperties: () => properties,
            getOptions: () => options,
            getProvider: () => provider,
            getParent: () => item.parent ?? "",
            getDependenciesList: () => item.dependencies ?? [],
            getPropertydependenciesMap: () => undefined,
        },
        real,
    );
}

/** An AnalyzeRequest (Analyze and Remediate). */
export function plainAnalyzeRequest(m: ProtoModules, item: AnalyzeItem): any {
    let built: any;
    return resource(item, () => (built ??= analyzeRequest(m, item)));
}

/** An AnalyzeStackRequest over all items. */
export function plainStackRequest(m: ProtoModules, items: AnalyzeItem[]): any {
    const resources = items.map((item) => {
        let built: any;
        return resource(item, () => (built ??= fillRequest(m, new m.analyzerPb.AnalyzerResource(), item)));
    });
    let built: any;
    return withFallback({ getResourcesList: () => resources }, () => (built ??= stackRequest(m, items)));
}
