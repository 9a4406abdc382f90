/**
 * A stack's JDBC connection files (`stacks/<stack>/connections.yaml`) -> validated, defaulted JdbcConnection objects.
 * Entries are judged one by one: a bad entry is reported where it is and only the datasets using it are affected
 * (they say the connection is broken, and where), never every dataset of every connection.
 */
import { compose, connectionDerivedNames, invalidNames, NamerArgs } from "../../contract";
import { JdbcConnection } from "./model";
import { DatasetProblem, FieldPath, fieldName } from "./problems";
import { schemaCheck } from "./schema-problems";
import { ConnectionsFile, connectionsJsonSchema } from "./shape";
import { isObject, parseSource, SourceText } from "./yaml-source";

export const connectionsFile = (stack: string) => `stacks/${stack}/connections.yaml`;

export const DEFAULT_PORTS: Record<JdbcConnection["engine"], number> = { postgresql: 5432, mysql: 3306, sqlserver: 1433 };
/** JDBC include path depth: database/schema/table where the engine has schemas. */
export const JDBC_PATH_DEPTH: Record<JdbcConnection["engine"], number> = { postgresql: 3, mysql: 2, sqlserver: 3 };

/** Fields that would put credentials in git (compared lowercased). */
const CREDENTIAL_FIELDS = ["password", "passwd", "pwd", "user", "username", "secret", "secretstring", "credentials"];

const checkSchema = schemaCheck(connectionsJsonSchema());

/** A declared connection whose entry is invalid: datasets using it point here instead of saying "no connection". */
export interface BrokenConnection {
    file: string;
    line: number;
    /** The entry's first problem, `connections[0].engine: must be one of ...`. */
    problem: string;
}

export interface LoadedConnections {
    connections: JdbcConnection[];
    /** By name: entries that were declared but are invalid. */
    broken: Map<string, BrokenConnection>;
}

/** The Secrets Manager secret the platform creates for a connection (the same name the connections component uses). */
export function connectionSecretName(connection: string, naming?: NamerArgs): string {
    return naming ? compose.resource(naming, "jdbc", connection.replace(/_/g, "-")) : `<prefix>-<env>-jdbc-${connection.replace(/_/g, "-")}`;
}

export function loadConnections(files: SourceText[], problems: DatasetProblem[], naming?: NamerArgs): LoadedConnections {
    const out: JdbcConnection[] = [];
    const broken = new Map<string, BrokenConnection>();
    for (const text of files) {
        const parsed = parseSource(text, problems);
        if (!parsed) continue;
        const { src, raw } = parsed;
        const entries = Array.isArray(raw.connections) ? (raw.connections as unknown[]) : [];
        // Credentials get their own message (and their value is never echoed): drop the schema's "unknown field".
        const credentials = new Set<string>();
        entries.forEach((e, i) => {
            if (!isObject(e)) return;
            for (const key of Object.keys(e)) {
                if (!CREDENTIAL_FIELDS.includes(key.toLowerCase())) continue;
                const at: FieldPath = ["connections", i, key];
                credentials.add(fieldName(at));
                const secret = connectionSecretName(typeof e.name === "string" ? e.name : "<name>", naming);
                problems.push(
                    src.problem(
                        at,
                        `credentials never go in a connection file (it is committed to git): the platform creates the KMS-encrypted Secrets Manager secret '${secret}' for this connection and Glue reads them from there. ` +
                            `Remove '${key}' and have the database owner store them: aws secretsmanager put-secret-value --secret-id ${secret} --secret-string '{"username":"...","password":"..."}' ` +
                            "(and rotate the password if it was ever committed)",
                        undefined,
                        true,
                    ),
                );
            }
        });
        const schemaProblems = checkSchema(raw, src).filter((p) => !credentials.has(p.field));
        const entryOf = (p: DatasetProblem) => /^connections\[(\d+)\]/.exec(p.field)?.[1];
        problems.push(...schemaProblems);
        // Problems outside the entries (no `connections:` list, an unknown top-level field) leave the entries to judge.
        entries.forEach((entry, i) => {
            const own = schemaProblems.filter((p) => entryOf(p) === String(i));
            const isCredential = [...credentials].some((f) => f.startsWith(`connections[${i}].`));
            const name = isObject(entry) && typeof entry.name === "string" ? entry.name : undefined;
            if (own.length || isCredential) {
                if (name !== undefined && !broken.has(name)) {
                    const first = own[0];
                    broken.set(name, {
                        file: text.file,
                        line: src.position(["connections", i]).line,
                        problem: first ? `${first.field}: ${first.message}` : `connections[${i}]: holds credentials`,
                    });
                }
                return;
            }
            const c = entry as ConnectionsFile["connections"][number];
            if (out.some((o) => o.name === c.name)) {
                problems.push(src.problem(["connections", i, "name"], `duplicate connection name '${c.name}'`, c.name));
                return;
            }
            const badNames = naming ? invalidNames(connectionDerivedNames(naming, c.name)) : [];
            if (badNames.length) {
                const { name: n, problem } = badNames[0]!;
                const room = n.rule.max - (n.name.length - c.name.length);
                problems.push(src.problem(["connections", i, "name"], `derived ${n.what} name '${n.name}' ${problem}${n.name.length > n.rule.max ? `: shorten the connection name to at most ${room} chars` : ""}`, c.name));
                broken.set(c.name, { file: text.file, line: src.position(["connections", i]).line, problem: `connections[${i}].name: derived names too long` });
                return;
            }
            out.push({ file: text.file, ...c, port: c.port ?? DEFAULT_PORTS[c.engine], enforceSsl: c.enforceSsl ?? true });
        });
    }
    return { connections: out, broken };
}
