/**
 * The lake's query engines on the Athena side. `LakeQuery` holds one `AthenaWorkgroup` per team of the stack config,
 * plus an admin and a BI workgroup; it routes each dataset's named queries to the workgroups of the teams that
 * consume it and lets each principal run queries in exactly one workgroup.
 *
 * `AthenaWorkgroup`: an Athena workgroup (engine v3) with KMS-encrypted results under its own prefix, enforced
 * settings and a per-query scan cutoff; the named queries saved in it; and the managed policy that lets a principal
 * run queries there and nowhere else (`grantRunQueries`). The lake's first workgroup was the catalog's child and then
 * a top-level component; aliases keep both URNs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_RESOURCES } from "../../contract";
import { partitionCountQuery, previewQuery, Dataset } from "../datasets";
import type { LakeContext } from "../shared/context";
import type { S3Prefix } from "../shared/iam";
import { movedFrom } from "../shared/identity";
import { parseIamPrincipal, principalId } from "../shared/principals";
import { workgroupUserPolicy } from "./documents";

export { workgroupArn, workgroupUserPolicy } from "./documents";
export type { WorkgroupPolicyDocument } from "./documents";

/** The engine every lake workgroup pins (the athena-workgroup-encryption policy checks it). */
export const ATHENA_ENGINE_VERSION = "Athena engine version 3";

export interface AthenaWorkgroupArgs {
    /** Naming, ARN context and protection (a protected stack never force-destroys the workgroup's history). */
    context: LakeContext;
    /** Purpose in the workgroup's name: `<prefix>-<env>-<purpose>`, e.g. `analysts`. */
    purpose: string;
    /** What the workgroup is for, shown in the console. */
    description: string;
    /** The query results bucket's name. */
    resultsBucket: pulumi.Input<string>;
    /**
     * Key prefix of this workgroup's results (no slashes): principals of this workgroup read only there.
     * @default the purpose
     */
    resultsPrefix?: string;
    /** ARN of the lake key: results are SSE-KMS with it. */
    kmsKeyArn: pulumi.Input<string>;
    /** Per-query scan limit in bytes (Athena's minimum is 10 MB). */
    bytesScannedCutoffPerQuery: number;
    /**
     * Queries may read Requester Pays buckets (the querying account pays their requests).
     * @default unset: Athena's default, false (queries on Requester Pays buckets fail)
     */
    requesterPaysEnabled?: boolean;
    /**
     * URN of the component the workgroup, its policy and attachments were children of before (the lake's first
     * workgroup was the catalog's): they answer to their old URNs through an alias.
     * @default none: no alias
     */
    formerParent?: pulumi.Input<string>;
}

export class AthenaWorkgroup extends pulumi.ComponentResource {
    readonly workgroupName: pulumi.Output<string>;
    readonly workgroupArn: pulumi.Output<string>;
    /** Managed policy to run queries here (only here) and read this workgroup's results. */
    readonly userPolicyArn: pulumi.Output<string>;
    /** Where this workgroup's results go: the results bucket and this workgroup's own prefix. */
    readonly results: { bucket: pulumi.Output<string>; prefix: string; outputLocation: pulumi.Output<string> };
    private readonly parts: WorkgroupParts;

    constructor(name: string, args: AthenaWorkgroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:query:AthenaWorkgroup", name, {}, opts);
        this.parts = createAthenaWorkgroup(name, args.context, args, this);
        this.workgroupName = this.parts.workgroup.name;
        this.workgroupArn = this.parts.workgroup.arn;
        this.userPolicyArn = this.parts.userPolicy.arn;
        this.results = this.parts.results;
        this.registerOutputs({ workgroupName: this.workgroupName, workgroupArn: this.workgroupArn, userPolicyArn: this.userPolicyArn, results: this.results });
    }

    /**
     * A dataset's preview and rows-per-partition queries, saved in this workgroup as `<key>-<suffix>`.
     * `formerParent`: where they were created before (the dataset component), for their aliases.
     */
    addDatasetQueries(key: string, dataset: Dataset, database: pulumi.Input<string>, formerParent?: pulumi.Resource): void {
        this.parts.addDatasetQueries(key, dataset, database, formerParent);
    }

    /** Attach the workgroup's policy to a role or user of this account (once per principal; others are skipped). */
    grantRunQueries(principal: string): void {
        this.parts.grantRunQueries(principal);
    }
}

interface WorkgroupParts {
    workgroup: aws.athena.Workgroup;
    userPolicy: aws.iam.Policy;
    results: AthenaWorkgroup["results"];
    addDatasetQueries(key: string, dataset: Dataset, database: pulumi.Input<string>, formerParent?: pulumi.Resource): void;
    grantRunQueries(principal: string): void;
}

export function createAthenaWorkgroup(name: string, ctx: LakeContext, args: AthenaWorkgroupArgs, self: AthenaWorkgroup): WorkgroupParts {
    const child = { parent: self, ...(args.formerParent ? movedFrom(args.formerParent) : {}) };
    const prefix = args.resultsPrefix ?? args.purpose;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix)) throw new pulumi.ResourceError(`AthenaWorkgroup ${name}: resultsPrefix '${prefix}' must be one path segment of lowercase letters, digits and hyphens`, self);
    if (args.bytesScannedCutoffPerQuery < 10 * 1024 * 1024) {
        throw new pulumi.ResourceError(`AthenaWorkgroup ${name}: bytesScannedCutoffPerQuery ${args.bytesScannedCutoffPerQuery} is below Athena's minimum of 10485760 (10 MB)`, self);
    }
    const outputLocation = pulumi.interpolate`s3://${args.resultsBucket}/${prefix}/`;
    const workgroup = new aws.athena.Workgroup(
        `${name}-workgroup`,
        {
            name: ctx.namer.resource(args.purpose),
            description: args.description,
            state: "ENABLED",
            forceDestroy: !ctx.protection.protect,
            configuration: {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                bytesScannedCutoffPerQuery: args.bytesScannedCutoffPerQuery,
                ...(args.requesterPaysEnabled !== undefined ? { requesterPaysEnabled: args.requesterPaysEnabled } : {}),
                // Pinned, not AUTO: an engine upgrade changes SQL semantics, so it is a reviewed change here.
                engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
                resultConfiguration: {
                    outputLocation,
                    encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
                },
            },
        },
        child,
    );
    const userPolicy = new aws.iam.Policy(
        `${name}-workgroup-users`,
        {
            name: ctx.namer.resource(`${args.purpose}-query`),
            description: `Run queries in the lake ${args.purpose}${args.purpose.endsWith("s") ? "'" : "'s"} workgroup only and read their KMS-encrypted results.`,
            policy: pulumi.all([workgroup.name, args.resultsBucket, args.kmsKeyArn]).apply(([wg, bucket, kmsKeyArn]) => {
                const results: S3Prefix = { bucket, prefix };
                return JSON.stringify(workgroupUserPolicy({ ...ctx.arn, workgroup: wg, results, kmsKeyArn }));
            }),
        },
        child,
    );
    const users = new Set<string>();
    return {
        workgroup,
        userPolicy,
        results: { bucket: pulumi.output(args.resultsBucket), prefix, outputLocation },
        addDatasetQueries(key, ds, database, formerParent) {
            const opts = { parent: self, ...(formerParent ? movedFrom(formerParent) : {}) };
            for (const [suffix, title, query] of [
                ["preview", "preview", previewQuery],
                ["partition-counts", "rows per partition", partitionCountQuery],
            ] as const) {
                new aws.athena.NamedQuery(
                    `${key}-${suffix}`,
                    {
                        name: `${ds.name} ${title}`,
                        description: `${title[0].toUpperCase()}${title.slice(1)} of ${ds.domain}.${ds.name} (${ds.layer}), owner ${ds.owner}.`,
                        database,
                        workgroup: workgroup.name,
                        query: pulumi.output(database).apply((db) => query(ds, db)),
                    },
                    opts,
                );
            }
        },
        grantRunQueries(principal) {
            const iam = parseIamPrincipal(principal);
            if (users.has(principal) || !iam || iam.accountId !== ctx.arn.accountId) return;
            users.add(principal);
            const resName = `${name}-workgroup-user-${principalId(principal)}`;
            if (iam.kind === "role") new aws.iam.RolePolicyAttachment(resName, { role: iam.name, policyArn: userPolicy.arn }, child);
            else new aws.iam.UserPolicyAttachment(resName, { user: iam.name, policyArn: userPolicy.arn }, child);
        },
    };
}

/** One workgroup's settings as the stack config gives them (`lake:athena.teams[]`, `.admin`, `.bi`). */
export interface WorkgroupSettings {
    /** IAM role/user ARNs of this account that run queries in this workgroup, and only there. */
    members: readonly string[];
    /** Per-query scan limit in bytes. @default LakeQueryArgs.bytesScannedCutoffPerQuery */
    bytesScannedCutoffPerQuery?: number;
    /** Queries may read Requester Pays buckets. @default false */
    requesterPaysEnabled?: boolean;
}

export interface AthenaTeam extends WorkgroupSettings {
    /** Team name: the workgroup `<prefix>-<env>-<name>`, results under `s3://<results>/<name>/`. */
    name: string;
    /** Shown on the workgroup. @default "<name> team's workgroup: ..." */
    description?: string;
}

export interface LakeQueryArgs {
    /** Naming, ARN context and protection. */
    context: LakeContext;
    /** The query results bucket's name: each workgroup writes under its own prefix of it. */
    resultsBucket: pulumi.Input<string>;
    /** ARN of the lake key: every workgroup's results are SSE-KMS with it. */
    kmsKeyArn: pulumi.Input<string>;
    /** Per-query scan limit of a workgroup that sets none (`lake:athena.bytesScannedCutoffPerQuery`). */
    bytesScannedCutoffPerQuery: number;
    /** The teams, one workgroup each; must include `defaultTeam`. */
    teams: readonly AthenaTeam[];
    /**
     * The team whose workgroup is the lake's first one (component `<name>`, its URNs kept): dataset consumers that
     * are in no workgroup run their queries there, and it saves the queries of datasets such consumers read.
     * @default "analysts"
     */
    defaultTeam?: string;
    /** The platform admins' workgroup (`<prefix>-<env>-admin`): no named queries. @default no members */
    admin?: WorkgroupSettings;
    /** The BI workgroup (`<prefix>-<env>-bi`) QuickSight binds to: no named queries. @default no members */
    bi?: WorkgroupSettings;
}

/** What the catalog's datasets ask of the query side: save their queries, let their consumers run queries. */
export interface DatasetQueries {
    addDatasetQueries(key: string, dataset: Dataset, database: pulumi.Input<string>, formerParent: pulumi.Resource): void;
    grantRunQueries(principal: string): void;
}

/** A workgroup as other capabilities bind to it (BI binds QuickSight to `workgroups.bi`). */
export interface WorkgroupRef {
    name: pulumi.Output<string>;
    arn: pulumi.Output<string>;
    /** The query results bucket. */
    resultsBucket: pulumi.Output<string>;
    /** This workgroup's key prefix in it (no slashes). */
    resultsPrefix: string;
    /** `s3://<bucket>/<prefix>/`. */
    outputLocation: pulumi.Output<string>;
    /** The managed policy that lets a principal run queries here (and only here). */
    userPolicyArn: pulumi.Output<string>;
}

export class LakeQuery extends pulumi.ComponentResource implements DatasetQueries {
    /** Every workgroup by team name, plus `admin` and `bi`. */
    readonly workgroups: Record<string, WorkgroupRef> & { admin: WorkgroupRef; bi: WorkgroupRef };
    private readonly parts: QueryParts;

    constructor(name: string, args: LakeQueryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:query:LakeQuery", name, {}, opts);
        this.parts = createLakeQuery(name, args.context, args, this);
        this.workgroups = this.parts.workgroups;
        this.registerOutputs({ workgroups: this.workgroups });
    }

    /** Saves the dataset's queries in the workgroup of every team that consumes it (see `consumingTeams`). */
    addDatasetQueries(key: string, dataset: Dataset, database: pulumi.Input<string>, formerParent: pulumi.Resource): void {
        this.parts.addDatasetQueries(key, dataset, database, formerParent);
    }

    /** A dataset consumer in no workgroup gets the default team's (what every consumer got before teams existed). */
    grantRunQueries(principal: string): void {
        this.parts.grantRunQueries(principal);
    }
}

interface QueryParts extends DatasetQueries {
    workgroups: LakeQuery["workgroups"];
}

/**
 * The teams consuming a dataset: those with a member among its consumers, and the default team when a consumer is
 * in no team (or the dataset has no consumer: its queries stay findable in the lake's first workgroup).
 */
export function consumingTeams(ds: Pick<Dataset, "consumers">, teams: readonly AthenaTeam[], defaultTeam: string, otherMembers: ReadonlySet<string> = new Set()): string[] {
    const teamOf = new Map(teams.flatMap((t) => t.members.map((m) => [m, t.name] as const)));
    const out = new Set<string>();
    for (const c of ds.consumers) {
        const team = teamOf.get(c.principal);
        if (team) out.add(team);
        else if (!otherMembers.has(c.principal)) out.add(defaultTeam);
    }
    if (ds.consumers.length === 0) out.add(defaultTeam);
    return teams.map((t) => t.name).filter((n) => out.has(n));
}

export function createLakeQuery(name: string, ctx: LakeContext, args: LakeQueryArgs, self: LakeQuery): QueryParts {
    const defaultTeam = args.defaultTeam ?? PLATFORM_RESOURCES.workgroup.purpose;
    const problems: string[] = [];
    const seen = new Map<string, string>();
    if (!args.teams.some((t) => t.name === defaultTeam)) problems.push(`the default team '${defaultTeam}' is not among the teams (${args.teams.map((t) => t.name).join(", ") || "none"})`);
    const special = { admin: args.admin ?? { members: [] }, bi: args.bi ?? { members: [] } };
    const names = args.teams.map((t) => t.name);
    for (const n of new Set(names)) {
        if (names.filter((x) => x === n).length > 1) problems.push(`team '${n}' is declared twice`);
        if (n in special) problems.push(`'${n}' is the platform's own workgroup, not a team name`);
    }
    for (const [wg, s] of [...args.teams.map((t) => [t.name, t] as const), ...Object.entries(special)]) {
        for (const m of s.members) {
            if (seen.has(m) && seen.get(m) !== wg) problems.push(`${m} is a member of both '${seen.get(m)}' and '${wg}': a principal runs queries in one workgroup only`);
            seen.set(m, wg);
        }
    }
    if (problems.length) throw new pulumi.ResourceError(`LakeQuery ${name}: ${[...new Set(problems)].join("; ")}`, self);

    const common = { context: ctx, resultsBucket: args.resultsBucket, kmsKeyArn: args.kmsKeyArn };
    const cutoff = (s: WorkgroupSettings) => s.bytesScannedCutoffPerQuery ?? args.bytesScannedCutoffPerQuery;
    const engine = (s: WorkgroupSettings) => (s.requesterPaysEnabled !== undefined ? { requesterPaysEnabled: s.requesterPaysEnabled } : {});
    const components = new Map<string, AthenaWorkgroup>();
    for (const team of args.teams) {
        const legacy = team.name === defaultTeam;
        components.set(
            team.name,
            new AthenaWorkgroup(
                // The default team's workgroup keeps the component name (and URN) of the lake's first workgroup.
                legacy ? name : `${name}-${team.name}`,
                {
                    ...common,
                    purpose: team.name,
                    description: team.description ?? `${team.name} team's workgroup: KMS-encrypted results under ${team.name}/, enforced settings, per-query scan cutoff; holds the named queries of the datasets the team consumes.`,
                    bytesScannedCutoffPerQuery: cutoff(team),
                    ...engine(team),
                    ...(legacy ? { formerParent: pulumi.createUrn(name, "lake:catalog:LakeCatalog") } : {}),
                },
                // It was a top-level component before LakeQuery existed: `parent: undefined` is the alias to no parent.
                { parent: self, ...(legacy ? { aliases: [{ parent: undefined }] } : {}) },
            ),
        );
    }
    const descriptions: Record<keyof typeof special, [string, string]> = {
        admin: [PLATFORM_RESOURCES.adminWorkgroup.purpose, "Platform admins' workgroup: catalog maintenance and ad hoc checks across the lake."],
        bi: [PLATFORM_RESOURCES.biWorkgroup.purpose, "BI workgroup: QuickSight's Athena data sources run their queries here."],
    };
    for (const [key, [purpose, description]] of Object.entries(descriptions) as [keyof typeof special, [string, string]][]) {
        const s = special[key];
        components.set(key, new AthenaWorkgroup(`${name}-${key}`, { ...common, purpose, description, bytesScannedCutoffPerQuery: cutoff(s), ...engine(s) }, { parent: self }));
    }
    for (const team of args.teams) for (const m of team.members) components.get(team.name)!.grantRunQueries(m);
    for (const [wg, s] of Object.entries(special)) for (const m of s.members) components.get(wg)!.grantRunQueries(m);

    const ref = (wg: AthenaWorkgroup): WorkgroupRef => ({
        name: wg.workgroupName,
        arn: wg.workgroupArn,
        resultsBucket: wg.results.bucket,
        resultsPrefix: wg.results.prefix,
        outputLocation: wg.results.outputLocation,
        userPolicyArn: wg.userPolicyArn,
    });
    const workgroups = Object.fromEntries([...components].map(([k, wg]) => [k, ref(wg)])) as LakeQuery["workgroups"];
    const specialMembers = new Set([...special.admin.members, ...special.bi.members]);
    return {
        workgroups,
        addDatasetQueries(key, ds, database, formerParent) {
            for (const team of consumingTeams(ds, args.teams, defaultTeam, specialMembers)) {
                // The default team's queries keep their names (and URNs); another team's carry its name.
                const legacy = team === defaultTeam;
                components.get(team)!.addDatasetQueries(legacy ? key : `${key}-${team}`, ds, database, legacy ? formerParent : undefined);
            }
        },
        grantRunQueries(principal) {
            if (seen.has(principal)) return;
            components.get(defaultTeam)!.grantRunQueries(principal);
        },
    };
}
