/**
 * What a plan captures: every resource the program registered, as the engine saw the
 * RegisterResource request. The check, graph and report code all read this shape.
 */
export interface PlannedResource {
    urn: string;
    /** Pulumi type token, e.g. `aws:s3/bucket:Bucket` or `lake:storage:LakeStorage`. */
    type: string;
    /** Logical name. */
    name: string;
    /** Parent URN; undefined for the root stack resource only. */
    parent?: string;
    /** true for provider-backed resources, false for ComponentResources and the stack. */
    custom: boolean;
    /** Inputs as registered (secrets unwrapped, unknowns as undefined). */
    inputs: Record<string, unknown>;
    /** Outputs the mocks returned (custom resources only). */
    outputs: Record<string, unknown>;
    /** URNs this resource depends on (explicit dependsOn plus input dependencies). */
    dependencies: string[];
    /** Provider reference (`urn::id`) when one was given explicitly. */
    provider?: string;
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace?: boolean;
    ignoreChanges?: string[];
    aliases?: string[];
    additionalSecretOutputs?: string[];
    /** true for resources read with `.get()` (not managed by the stack, not analyzed). */
    external?: boolean;
    /** Where the program declared it, when captured (file URI, 1-based line and column). */
    sourcePosition?: { uri: string; line: number; column: number };
}

export interface PlanResult {
    project: string;
    stack: string;
    /** In registration order; the stack resource first. */
    resources: PlannedResource[];
    /** Stack outputs the program exported. */
    outputs: Record<string, unknown>;
    durationMs: number;
}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** One policy verdict. `urn` is null for stack-level violations. Part of the JSON contract. */
export interface Violation {
    pack: string;
    policy: string;
    level: Exclude<EnforcementLevel, "disabled">;
    message: string;
    urn: string | null;
    /** Not in the stable JSON contract; reporters may use them. */
    description?: string;
    severity?: string;
}
