/**
 * Analyzer protocol messages built from and read into plain objects. Shared by the engine (gRPC
 * client) and the pack host (child/pack-host.ts), which hands the very same request objects to the
 * pack's own handlers, so both routes feed the policies identical input.
 */
import type { EnforcementLevel } from "./types";

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
