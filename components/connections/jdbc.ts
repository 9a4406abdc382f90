/**
 * Glue JDBC connections: the URL shape each engine's driver expects and the connection properties Glue reads.
 * Credentials are never here: Glue reads them from the Secrets Manager secret named by SECRET_ID.
 */
import type { JdbcConnection } from "../datasets";

/** Driver URL per engine (PostgreSQL and MySQL put the database in the path, SQL Server in a property). */
export function jdbcUrl(c: Pick<JdbcConnection, "engine" | "host" | "port" | "database">): string {
    switch (c.engine) {
        case "postgresql":
            return `jdbc:postgresql://${c.host}:${c.port}/${c.database}`;
        case "mysql":
            return `jdbc:mysql://${c.host}:${c.port}/${c.database}`;
        case "sqlserver":
            return `jdbc:sqlserver://${c.host}:${c.port};databaseName=${c.database}`;
    }
}

/** Glue `connectionProperties` for a JDBC connection whose credentials live in the given secret. */
export function jdbcConnectionProperties(c: JdbcConnection, secretName: string): Record<string, string> {
    return {
        JDBC_CONNECTION_URL: jdbcUrl(c),
        SECRET_ID: secretName,
        JDBC_ENFORCE_SSL: c.enforceSsl ? "true" : "false",
    };
}

/** Secret description: what goes in it and who puts it there (the platform never holds the password). */
export function secretDescription(c: JdbcConnection): string {
    return (
        `Credentials Glue uses for the ${c.engine} database ${c.database} on ${c.host}:${c.port} (connection ${c.name}, declared in ${c.file}). ` +
        `The database owner stores {"username":"...","password":"..."} here; the platform creates the secret empty.`
    );
}
