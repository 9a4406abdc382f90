import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { cfg } from "../lib/config";
import { asList, readDocument, strings } from "../lib/policy-document";
import { str, subject } from "../lib/props";
import { ofType } from "../lib/stack";
import { T } from "../lib/types";

export interface ResultsIsolationConfig {
    /** Athena actions that read other people's queries and results. */
    resultActions: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        resultActions: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: ["athena:GetQueryResults", "athena:GetQueryResultsStream", "athena:ListQueryExecutions", "athena:BatchGetQueryExecution", "athena:GetQueryExecution"],
            description: "Actions that expose a workgroup's query history and results (Lake Formation does not protect either).",
        },
    },
};

/** `s3://bucket/prefix/` -> `bucket/prefix/`; undefined when not an S3 URI. */
const s3Path = (uri: string | undefined) => (uri && uri.startsWith("s3://") ? `${uri.slice(5).replace(/\/?$/, "/")}` : undefined);

/** Whether an S3 object ARN pattern (`arn:aws:s3:::bucket/prefix/*`) reaches objects under `path` of another workgroup. */
function reaches(arnPattern: string, path: string): boolean {
    const m = /^arn:[^:]+:s3:::(.*)$/.exec(arnPattern);
    if (!m) return arnPattern === "*";
    const pattern = m[1];
    const star = pattern.indexOf("*");
    const fixed = star < 0 ? pattern : pattern.slice(0, star);
    return path.startsWith(fixed) || fixed.startsWith(path);
}

/**
 * Query results and history are private to the workgroup that ran them: Lake Formation protects tables, not
 * results, so anyone who may read a workgroup's results sees every query's output, customer data included. Two
 * rules make "one workgroup per team, its own results prefix" hold: no two workgroups share (or nest) a results
 * location, and an IAM policy that reads a workgroup's results reads no other workgroup's results prefix.
 */
export const athenaResultsIsolated: StackValidationPolicy = {
    name: "athena-results-isolated",
    description: "Each Athena workgroup has its own results prefix, and a policy reading a workgroup's results reads no other workgroup's prefix.",
    severity: "high",
    tags: ["security", "athena", "isolation"],
    configSchema,
    remediationSteps: "Give each team its own workgroup with resultConfiguration.outputLocation under its own prefix (s3://<results>/<team>/), and scope each workgroup policy's S3 statements to that prefix.",
    validateStack: (args, report) => {
        const { resultActions } = cfg<ResultsIsolationConfig>(args, configSchema);
        const workgroups = ofType(args.resources, [T.athenaWorkgroup])
            .map((wg) => ({ wg, name: str(wg.props, "name"), path: s3Path(str(wg.props, "configuration", "resultConfiguration", "outputLocation")) }))
            .filter((w): w is { wg: PolicyResource; name: string | undefined; path: string } => w.path !== undefined);
        for (let i = 0; i < workgroups.length; i++) {
            for (let j = i + 1; j < workgroups.length; j++) {
                const [a, b] = [workgroups[i], workgroups[j]];
                if (a.path.startsWith(b.path) || b.path.startsWith(a.path)) {
                    report(`${subject(b.wg)} writes results to s3://${b.path}, which overlaps s3://${a.path} of ${subject(a.wg)}: whoever reads one reads the other's query results. Fix: give each workgroup its own prefix (s3://<results>/<team>/).`, b.wg.urn);
                }
            }
        }
        for (const p of ofType(args.resources, [T.iamPolicy, T.iamRolePolicy, T.iamUserPolicy, T.iamGroupPolicy])) {
            const read = readDocument(p.props.policy);
            if (read.status !== "ok") continue;
            const statements = read.statements.filter((s) => s.Effect === "Allow");
            const readsResults = statements.filter((s) => asList(s.Action).some((a) => typeof a === "string" && (resultActions.includes(a) || a === "athena:*" || a === "*")));
            if (!readsResults.length) continue;
            const granted = new Set(readsResults.flatMap((s) => strings(s.Resource).values).map((r) => /workgroup\/(.+)$/.exec(r)?.[1]).filter((n): n is string => !!n));
            const s3Resources = statements.filter((s) => asList(s.Action).some((a) => typeof a === "string" && (a === "s3:GetObject" || a === "s3:*" || a === "*"))).flatMap((s) => strings(s.Resource).values);
            for (const other of workgroups.filter((w) => w.name && !granted.has(w.name) && !granted.has("*"))) {
                const leak = s3Resources.find((r) => reaches(r, other.path));
                if (leak) {
                    report(`${subject(p)} reads Athena results of workgroup(s) ${[...granted].join(", ") || "*"} and S3 ${leak}, which includes the results of ${subject(other.wg)} (s3://${other.path}). Fix: scope the S3 statement to the granted workgroup's own results prefix.`, p.urn);
                }
            }
        }
    },
};
