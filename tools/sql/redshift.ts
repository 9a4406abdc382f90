/**
 * The shape of the Redshift statements the warehouse sends. No parser available here accepts Redshift's
 * `CREATE EXTERNAL SCHEMA ... FROM DATA CATALOG` (tried: node-sql-parser 5.4.0 with database "Redshift" and
 * "PostgreSQL", pglast 8.7 (PostgreSQL's own parser, libpg_query)), so this is its documented grammar, as a
 * strict matcher of the one form the platform writes:
 *
 *   CREATE EXTERNAL SCHEMA [ IF NOT EXISTS ] local_schema_name
 *   FROM [ DATA CATALOG ] DATABASE 'database_name' [ REGION 'aws-region' ]
 *   IAM_ROLE { default | 'SESSION' | 'arn:aws:iam::<AWS account-id>:role/<role-name>' }
 *   [ CREATE EXTERNAL DATABASE IF NOT EXISTS ]
 */

export interface ExternalSchemaStatement {
    schema: string;
    database: string;
    iamRole: string;
    ifNotExists: boolean;
}

const IDENT = "[A-Za-z_][A-Za-z0-9_$]{0,126}";
const STATEMENT = new RegExp(
    `^CREATE\\s+EXTERNAL\\s+SCHEMA\\s+(IF\\s+NOT\\s+EXISTS\\s+)?(${IDENT})\\s+FROM\\s+(?:DATA\\s+CATALOG\\s+)?DATABASE\\s+'([^']+)'(?:\\s+REGION\\s+'[a-z]{2}(?:-gov)?-[a-z]+-\\d')?\\s+IAM_ROLE\\s+(default|'SESSION'|'arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+')(?:\\s+CREATE\\s+EXTERNAL\\s+DATABASE\\s+IF\\s+NOT\\s+EXISTS)?\\s*;?$`,
    "i",
);

/** The statement's parts, or a message saying what does not match the grammar. */
export function parseExternalSchema(sql: string): ExternalSchemaStatement | { error: string } {
    const m = STATEMENT.exec(sql.trim());
    if (!m) return { error: `not a CREATE EXTERNAL SCHEMA ... FROM DATA CATALOG DATABASE '...' IAM_ROLE ... statement: ${JSON.stringify(sql)}` };
    return { ifNotExists: !!m[1], schema: m[2]!, database: m[3]!, iamRole: m[4]! };
}
