/**
 * Grants as data: who may do what on which table, collected from every capability (dataset files, crawlers, and
 * later jobs, Spectrum, BI and streams) and merged to ONE grant per (grantee, table) and per (grantee, database),
 * because two Lake Formation grant resources holding the same permission revoke it for both when one goes.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Dataset } from "../datasets";
import { principalId } from "../shared/principals";

/** Who receives a grant. */
export type Grantee =
    /** A principal named in a dataset file: a full IAM, SAML or QuickSight ARN. */
    | { kind: "principal"; arn: string }
    /** One of the platform's own roles, known by its purpose (e.g. `crawler`); its ARN is an output. */
    | { kind: "role"; role: string; arn: pulumi.Input<string> };

export const principalGrantee = (arn: string): Grantee => ({ kind: "principal", arn });
export const roleGrantee = (role: string, arn: pulumi.Input<string>): Grantee => ({ kind: "role", role, arn });

/** Stable key of a grantee within a stack: the principal's ARN, or `role:<purpose>`. */
export const granteeKey = (g: Grantee): string => (g.kind === "principal" ? g.arn : `role:${g.role}`);

/** A Glue database grants can name. */
export interface DatabaseRef {
    /** `<layer>-<domain>`: part of grant resource names. */
    suffix: string;
    name: pulumi.Input<string>;
}

/** A table grants can name, with what resource names and aliases are derived from. */
export interface TableRef {
    /** Resource-name base of the table's grants: the dataset component's name, e.g. `lake-venue`. */
    key: string;
    dataset: Dataset;
    database: DatabaseRef;
    databaseName: pulumi.Input<string>;
    tableName: pulumi.Input<string>;
    /** `s3://bucket/prefix/` of the data. */
    location: pulumi.Input<string>;
    /** Inside a bucket registered with Lake Formation (only there can DATA_LOCATION_ACCESS be granted). */
    locationRegistered: boolean;
    /** The component whose children these grants were before the access component existed (their URNs' parent). */
    formerParent: pulumi.Resource;
}

/** What one grantee may do on one table, merged over every request. */
export interface TableGrant {
    grantee: Grantee;
    /** undefined: no read; "all": every column; a list: only those columns (SELECT on a column subset). */
    read?: "all" | string[];
    /** INSERT, ALTER, DELETE and the data location: producers. */
    write: boolean;
    /** ALTER to add partitions and the data location, without INSERT/DELETE: crawlers. */
    maintain: boolean;
}

export interface ReadOptions {
    /** Only these columns (Lake Formation column-level SELECT). @default every column */
    columns?: readonly string[];
}

/** Collects requests; the access implementation turns them into resources once, in `commitGrants`. */
export class GrantBook {
    readonly tables = new Map<string, { table: TableRef; grants: Map<string, TableGrant> }>();
    readonly databases = new Map<string, { database: DatabaseRef; grants: Map<string, { grantee: Grantee; createTables: boolean }> }>();

    addTable(table: TableRef): void {
        if (this.tables.has(table.key)) throw new Error(`table ${table.dataset.name} (${table.key}) is added to the access component twice`);
        this.tables.set(table.key, { table, grants: new Map() });
    }

    private grant(table: TableRef, grantee: Grantee): TableGrant {
        const entry = this.tables.get(table.key);
        if (!entry) throw new Error(`table ${table.dataset.name} (${table.key}) was never added to the access component`);
        const key = granteeKey(grantee);
        let g = entry.grants.get(key);
        if (!g) entry.grants.set(key, (g = { grantee, write: false, maintain: false }));
        this.database(table.database, grantee);
        return g;
    }

    read(table: TableRef, grantee: Grantee, opts: ReadOptions = {}): void {
        const g = this.grant(table, grantee);
        if (!opts.columns) g.read = "all";
        else if (g.read !== "all") g.read = [...new Set([...(g.read ?? []), ...opts.columns])];
    }

    write(table: TableRef, grantee: Grantee): void {
        this.grant(table, grantee).write = true;
    }

    maintain(table: TableRef, grantee: Grantee): void {
        this.grant(table, grantee).maintain = true;
    }

    /** DESCRIBE on the database (every table grant implies it), plus CREATE_TABLE when asked. */
    database(database: DatabaseRef, grantee: Grantee, opts: { createTables?: boolean } = {}): void {
        let entry = this.databases.get(database.suffix);
        if (!entry) this.databases.set(database.suffix, (entry = { database, grants: new Map() }));
        const key = granteeKey(grantee);
        const g = entry.grants.get(key) ?? { grantee, createTables: false };
        g.createTables ||= opts.createTables ?? false;
        entry.grants.set(key, g);
    }
}

/** Lake Formation table permissions of a merged grant, in the order the platform has always sent them. */
export function tablePermissions(g: TableGrant): string[] {
    if (g.write) return [...(g.read ? ["SELECT", "DESCRIBE"] : ["DESCRIBE"]), "INSERT", "ALTER", "DELETE"];
    if (g.maintain) return ["ALTER", "DESCRIBE", "SELECT"];
    return ["SELECT", "DESCRIBE"];
}

/** Column-subset read only: no write, no maintenance, no full read. */
export const columnSubset = (g: TableGrant): string[] | undefined =>
    Array.isArray(g.read) && !g.write && !g.maintain ? g.read : undefined;

/** Grant resource names: `<table>-grant-<principal hash>` for principals, `<table>-<role>-grant` for platform roles. */
export const grantNames = {
    table: (table: TableRef, g: Grantee) => (g.kind === "principal" ? `${table.key}-grant-${principalId(g.arn)}` : `${table.key}-${g.role}-grant`),
    location: (table: TableRef, g: Grantee) => (g.kind === "principal" ? `${table.key}-location-${principalId(g.arn)}` : `${table.key}-${g.role}-location`),
    database: (access: string, db: DatabaseRef, g: Grantee) =>
        g.kind === "principal" ? `${access}-describe-${db.suffix}-${principalId(g.arn)}` : `${access}-${g.role}-db-${db.suffix}`,
};
