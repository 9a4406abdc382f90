/**
 * Analyzer protocol messages built from and read into plain objects. Shared by the engine (gRPC
 * client) and the pack host (child/pack-host.ts), which hands the very same request objects to the
 * pack's own handlers, so both routes feed the policies identical input.
 */
import type { PolicyConfig, PolicyMeta } from "./policy-config";
import type { EnforcementLevel } from "./types";

/** What GetAnalyzerInfo describes: the pack, its policies and their configuration schemas. */
export interface PackInfo {
    name: string;
    version: string;
    policies: PolicyMeta[];
    initialConfig: Record<string, PolicyConfig>;
}

/** Where a pack runs: its stack, for ConfigureStack. */
export interface PackStack {
    stack: string;
    project: string;
    organization: string;
}

/** One resource as the analyzer sees it (Analyze, Remediate and AnalyzeStack). */
export interface AnalyzeItem {
    type: string;
    urn: string;
    name: string;
    props: Record<string, unknown>;
    options: {
        protect: boolean;
        ignoreChanges: string[];
        deleteBeforeReplace?: boolean;
        additionalSecretOutputs: string[];
        aliases: string[];
        parent: string;
    };
    provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
    /** AnalyzeStack only. */
    parent?: string;
    dependencies?: string[];
}

/** A diagnostic or remediation, decoded. */
export interface Diagnostic {
    policyName: string;
    policyPackName: string;
    description: string;
    message: string;
    level: EnforcementLevel;
    urn: string;
    severity?: string;
}

export const SEVERITY = ["", "low", "medium", "high", "critical"];

/** The generated classes, loaded by the caller from the @pulumi/pulumi copy it talks through. */
export interface ProtoModules {
    analyzerPb: any;
    Struct: any;
}

export function levelName(pb: any, level: number): EnforcementLevel {
    const e = pb.EnforcementLevel;
    return level === e.MANDATORY ? "mandatory" : level === e.DISABLED ? "disabled" : level === e.REMEDIATE ? "remediate" : "advisory";
}

function struct(m: ProtoModules, value: Record<string, unknown>): unknown {
    // Struct.fromJavaScript rejects undefined; a JSON round-trip is the exact clean-up.
    return m.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

/** Fills an AnalyzeRequest or AnalyzerResource (same field names) from an item. */
export function fillRequest(m: ProtoModules, req: any, item: AnalyzeItem): any {
    const pb = m.analyzerPb;
    req.setType(item.type);
    req.setProperties(struct(m, item.props));
    req.setUrn(item.urn);
    req.setName(item.name);
    const opts = new pb.AnalyzerResourceOptions();
    opts.setProtect(item.options.protect);
    opts.setIgnorechangesList(item.options.ignoreChanges);
    opts.setDeletebeforereplace(item.options.deleteBeforeReplace ?? false);
    opts.setDeletebeforereplacedefined(item.options.deleteBeforeReplace !== undefined);
    opts.setAdditionalsecretoutputsList(item.options.additionalSecretOutputs);
    opts.setAliasesList(item.options.aliases);
    opts.setParent(item.options.parent);
    req.setOptions(opts);
    if (item.provider) {
        const p = new pb.AnalyzerProviderResource();
        p.setType(item.provider.type);
        p.setName(item.provider.name);
        p.setUrn(item.provider.urn);
        p.setProperties(struct(m, item.provider.props));
        req.setProvider(p);
    }
    if (item.parent !== undefined && req.setParent) req.setParent(item.parent);
    if (item.dependencies && req.setDependenciesList) req.setDependenciesList(item.dependencies);
    return req;
}

export function analyzeRequest(m: ProtoModules, item: AnalyzeItem): any {
    return fillRequest(m, new m.analyzerPb.AnalyzeRequest(), item);
}

export function stackRequest(m: ProtoModules, items: AnalyzeItem[]): any {
    const req = new m.analyzerPb.AnalyzeStackRequest();
    req.setResourcesList(items.map((item) => fillRequest(m, new m.analyzerPb.AnalyzerResource(), item)));
    return req;
}

export function readDiagnostics(m: ProtoModules, resp: any): Diagnostic[] {
    return resp.getDiagnosticsList().map((d: any) => {
        const out: Diagnostic = {
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            description: d.getDescription(),
            message: d.getMessage(),
            level: levelName(m.analyzerPb, d.getEnforcementlevel()),
            urn: d.getUrn(),
        };
        if (d.getSeverity()) out.severity = SEVERITY[d.getSeverity()];
        return out;
    });
}

/** Remediations: the rewritten properties (if any) and one "remediate" diagnostic per applied change. */
export function readRemediations(resp: any): { props?: Record<string, unknown>; diagnostics: Diagnostic[] } {
    let props: Record<string, unknown> | undefined;
    const diagnostics: Diagnostic[] = [];
    for (const r of resp.getRemediationsList()) {
        if (r.getProperties()) props = r.getProperties().toJavaScript();
        diagnostics.push({
            policyName: r.getPolicyname(),
            policyPackName: r.getPolicypackname(),
            description: r.getDescription(),
            message: r.getDiagnostic() || `${r.getDescription()} (remediated automatically)`,
            level: "remediate",
            urn: "",
        });
    }
    return { props, diagnostics };
}

/** A GetAnalyzerInfo response, decoded. */
export function readAnalyzerInfo(m: ProtoModules, resp: any): PackInfo {
    const policies: PolicyMeta[] = resp.getPoliciesList().map((p: any) => {
        const schema = p.getConfigschema();
        const meta: PolicyMeta = {
            name: p.getName(),
            description: p.getDescription(),
            enforcementLevel: levelName(m.analyzerPb, p.getEnforcementlevel()),
            type: p.getPolicyType() === 1 ? "resource" : p.getPolicyType() === 2 ? "stack" : "unknown",
        };
        if (schema) {
            meta.configSchema = {
                properties: schema.getProperties()?.toJavaScript() ?? {},
                required: schema.getRequiredList(),
            };
        }
        if (p.getSeverity()) meta.severity = SEVERITY[p.getSeverity()];
        if (p.getRemediationSteps()) meta.remediationSteps = p.getRemediationSteps();
        if (p.getUrl()) meta.url = p.getUrl();
        return meta;
    });
    const initialConfig: Record<string, PolicyConfig> = {};
    resp.getInitialconfigMap().forEach((c: any, key: string) => {
        initialConfig[key] = {
            enforcementLevel: levelName(m.analyzerPb, c.getEnforcementlevel()),
            properties: c.getProperties()?.toJavaScript(),
        };
    });
    return { name: resp.getName(), version: resp.getVersion(), policies, initialConfig };
}

function levelNumber(pb: any, level: EnforcementLevel): number {
    const e = pb.EnforcementLevel;
    return level === "mandatory" ? e.MANDATORY : level === "disabled" ? e.DISABLED : level === "remediate" ? e.REMEDIATE : e.ADVISORY;
}

/** The Configure request for a reconciled config (policy name -> level and properties). */
export function configureRequest(m: ProtoModules, config: Iterable<[string, PolicyConfig]>): any {
    const pb = m.analyzerPb;
    const req = new pb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, c] of config) {
        const pc = new pb.PolicyConfig();
        pc.setEnforcementlevel(levelNumber(pb, c.enforcementLevel ?? "advisory"));
        pc.setProperties(struct(m, c.properties ?? {}));
        map.set(name, pc);
    }
    return req;
}

/** The ConfigureStack request: a preview (dryRun) of `stack`. */
export function stackConfigureRequest(m: ProtoModules, stack: PackStack): any {
    const req = new m.analyzerPb.AnalyzerStackConfigureRequest();
    req.setStack(stack.stack);
    req.setProject(stack.project);
    req.setOrganization(stack.organization);
    req.setDryRun(true);
    return req;
}
