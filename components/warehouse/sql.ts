/**
 * The SQL the warehouse sends to Redshift, as pure functions (tests parse/shape-check exactly these strings).
 *
 * External schemas are created by `aws.redshiftdata.Statement`, whose provider facts shape this SQL: every field
 * forces replacement (a changed statement runs again), delete is a no-op (removing a schema from the program leaves
 * it in Redshift: run `dropExternalSchemaSql` by hand), and Redshift stores the statement with an explicit
 * IAM_ROLE ARN stripped, so an ARN here would show a diff on every refresh and replace forever (pulumi-aws#5076):
 * `IAM_ROLE default` (the namespace's default IAM role) avoids it.
 */

/** Redshift identifiers the platform writes: lowercase, digits, underscores, starting with a letter, at most 127 bytes. */
const REDSHIFT_IDENT = /^[a-z_][a-z0-9_]{0,126}$/;
/** Glue database names as the Namer composes them. */
const GLUE_DATABASE = /^[a-z][a-z0-9_]{0,254}$/;

/** The Redshift schema a Glue database of the lake appears as: `<layer>_<domain>`, e.g. `gold_sales`. */
export const externalSchemaName = (layer: string, domain: string): string => `${layer}_${domain}`;

/**
 * `CREATE EXTERNAL SCHEMA IF NOT EXISTS <schema> FROM DATA CATALOG DATABASE '<glue db>' IAM_ROLE default`: rerunning
 * it is a no-op, so a replacement (any change) is harmless.
 */
export function externalSchemaSql(schema: string, glueDatabase: string): string {
    if (!REDSHIFT_IDENT.test(schema)) throw new Error(`external schema name '${schema}' is not a Redshift identifier (lowercase letters, digits, underscores; at most 127)`);
    if (!GLUE_DATABASE.test(glueDatabase)) throw new Error(`Glue database '${glueDatabase}' is not a lake database name`);
    return `CREATE EXTERNAL SCHEMA IF NOT EXISTS ${schema}\nFROM DATA CATALOG\nDATABASE '${glueDatabase}'\nIAM_ROLE default`;
}

/**
 * The drop counterpart, run by hand after a schema's database leaves the program (the Statement's delete does
 * nothing). It drops only Redshift's reference: without `DROP EXTERNAL DATABASE` the Glue database and its data stay.
 */
export function dropExternalSchemaSql(schema: string): string {
    if (!REDSHIFT_IDENT.test(schema)) throw new Error(`external schema name '${schema}' is not a Redshift identifier`);
    return `DROP SCHEMA IF EXISTS ${schema}`;
}
