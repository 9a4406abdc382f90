import type { PolicyResource } from "@pulumi/policy";
import { DdlTable, parseTableDdl } from "./ddl";
import type { FormatSlot } from "./formats";
import { peek, subject, UNKNOWN } from "./props";
import { T } from "./types";

/**
 * The tables of a stack the layout rules judge: every `aws.glue.CatalogTable`, and every table a saved
 * Athena query creates (`aws.athena.NamedQuery.query`, `aws.athena.PreparedStatement.queryStatement`),
 * read by policies/lib/ddl.ts into the same Glue-table shape. A CREATE TABLE the parser can't read is
 * returned in `unread` with the reason (coverage reports it as unjudged) instead of disappearing.
 */

export interface TableSubject {
    /** The resource violations are reported on. */
    resource: PolicyResource;
    /** A Glue-CatalogTable-shaped view (the resource itself for catalog tables) for the format and layer readers. */
    table: PolicyResource;
    /** Message subject: `aws.glue.CatalogTable 'orders'`, `aws.athena.NamedQuery 'q' (CREATE EXTERNAL TABLE db.t)`. */
    label: string;
    ddl?: DdlTable;
    /** How a format slot reads in messages (DDL subjects say it as the DDL does). */
    describeSlot(s: FormatSlot): string;
}

export interface UnreadTable {
    resource: PolicyResource;
    reason: string;
}

/** Saved-query types and the input that holds their SQL. */
export const QUERY_FIELDS: Record<string, string> = {
    [T.athenaNamedQuery]: "query",
    [T.athenaPreparedStatement]: "queryStatement",
};

const glueSlot = (s: FormatSlot) => `${s.field}="${s.value}"`;

export function lakeTables(resources: readonly PolicyResource[]): { tables: TableSubject[]; unread: UnreadTable[] } {
    const tables: TableSubject[] = [];
    const unread: UnreadTable[] = [];
    for (const r of resources) {
        if (r.type === T.glueCatalogTable) {
            tables.push({ resource: r, table: r, label: subject(r), describeSlot: glueSlot });
            continue;
        }
        const field = QUERY_FIELDS[r.type];
        if (!field) continue;
        const sql = peek(r.props, field);
        if (sql === UNKNOWN) {
            unread.push({ resource: r, reason: `${field} is unknown until apply, so a CREATE TABLE in it can't be read yet` });
            continue;
        }
        if (typeof sql !== "string") continue;
        for (const statement of parseTableDdl(sql)) {
            if (statement.kind === "unparsed") {
                unread.push({ resource: r, reason: `${field} "${statement.excerpt}": ${statement.reason}` });
                continue;
            }
            tables.push(ddlSubject(r, statement.table));
        }
    }
    return { tables, unread };
}

function ddlSubject(r: PolicyResource, ddl: DdlTable): TableSubject {
    const props: Record<string, unknown> = { ...ddl.props };
    // An unqualified name lands in the query's database (NamedQuery.database); the reference to a database
    // resource then comes from that input's dependencies.
    const fromInput = ddl.database === undefined && r.type === T.athenaNamedQuery;
    if (fromInput) props.databaseName = peek(r.props, "database");
    const table: PolicyResource = {
        type: T.glueCatalogTable,
        name: r.name,
        urn: r.urn,
        props,
        opts: r.opts,
        provider: r.provider,
        dependencies: fromInput ? r.dependencies : [],
        propertyDependencies: fromInput ? { databaseName: r.propertyDependencies?.database ?? [] } : {},
        isType: () => false,
        asType: () => undefined,
    } as unknown as PolicyResource;
    const database = ddl.database ?? (typeof props.databaseName === "string" ? props.databaseName : undefined);
    return {
        resource: r,
        table,
        ddl,
        label: `${subject(r)} (${ddl.kind} ${database ? `${database}.` : ""}${ddl.table})`,
        describeSlot: (s) => ddl.evidence[s.field] ?? glueSlot(s),
    };
}
