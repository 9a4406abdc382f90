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
    /**
     * Inputs as registered: secrets unwrapped, unknowns dropped (an unknown element of a list is null),
     * resource references as the resource's id, or its URN when it has none.
     */
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
    /** Property paths (`a.b[0]`, `["odd.key"]`) of the inputs that were secrets; absent when none was. */
    secretInputs?: string[];
    /** The same for outputs a component or the stack registered (registerOutputs); absent when none was secret. */
    secretOutputs?: string[];
    /** true for resources read with `.get()` (not managed by the stack, not analyzed). */
    external?: boolean;
    /**
     * true for remote (multi-language) components such as awsx v3's: their provider plugin creates their
     * children, which does not run offline, so the plan holds the component alone.
     */
    remote?: boolean;
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

/** What a policy could not judge, per the host's `coverage` hook. Part of the JSON contract (`unjudged`). */
export interface UnjudgedPolicy {
    policy: string;
    /** The pack holding the policy (from the hook, else looked up in the packs' policies). */
    pack: string | null;
    /** Resources the policy could judge. */
    judged: number;
    /** Resources it could not judge. */
    count: number;
    /** Each distinct reason with how many resources it applies to, most frequent first. */
    reasons: { reason: string; count: number }[];
    resources: { urn: string; reason: string }[];
}

/** A note in the report that is not a policy verdict. Part of the JSON contract (`warnings`). */
export interface ReportWarning {
    /**
     * `type-error`: the type check (as `pulumi preview` runs it) found an error; `remote-component`: a
     * remote component whose children were not checked; `engine`: anything else the run noted
     * (placeholders for secrets, SDK versions, pack notes).
     */
    kind: "type-error" | "remote-component" | "engine";
    message: string;
    /** type-error: where (relative to the program dir) and the TypeScript code. */
    file?: string;
    line?: number;
    column?: number;
    code?: number;
    /** remote-component: the component. */
    urn?: string;
}
