/** What the parent (../plan.ts) and the child runner exchange. */
import type { PlannedResource, PlanResult } from "../types";
import type { FastPathReport } from "./fast-paths";

export interface RunnerOptions {
    /** Absolute program directory (holds Pulumi.yaml). */
    programDir: string;
    /** Absolute path of the program entry (file or directory). */
    main: string;
    project: string;
    stack: string;
    organization: string;
    /** aws:region from the stack config; mock ARNs use it. */
    region: string;
    /** Where the child writes its RunnerResult as JSON. */
    resultFile: string;
    /** Capture the program file and line that declared each resource (costs a stack trace per resource). */
    sourcePositions: boolean;
    verbose: boolean;
    /**
     * Send registered resources to the parent in batches over IPC while the program runs (`StreamMessage`); the
     * result file then carries no resources: the parent has them all, in registration order.
     */
    stream: boolean;
    /** `--stack-reference NAME=FILE`: NAME -> absolute outputs file (else stack-references/NAME.json in the program dir). */
    stackReferences: Record<string, string>;
}

/** One IPC message of a streaming run: resources as registered, then later output changes of earlier ones. */
export interface StreamMessage {
    kind: "resources";
    items: PlannedResource[];
    /** Outputs registered after the resource was sent (components' registerOutputs), applied after `items`. */
    outputs?: Pick<PlannedResource, "urn" | "outputs" | "secretOutputs">[];
}

export type RunnerResult =
    | {
          ok: true;
          plan: PlanResult;
          loadMs: number;
          warnings: string[];
          maxRssKb: number;
          fastPaths: FastPathReport;
          /** Program TypeScript files compiled through ts-node (absolute): what `pulumi preview` would type-check. */
          programFiles: string[];
      }
    | {
          ok: false;
          error: { kind: "program" | "engine"; message: string; detail?: string };
          maxRssKb: number;
          fastPaths?: FastPathReport;
      };
