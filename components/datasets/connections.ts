/** A stack's JDBC connection files (`stacks/<stack>/connections.yaml`) -> validated, defaulted JdbcConnection objects. */
import { JdbcConnection } from "./model";
import { DatasetProblem } from "./problems";
import { schemaCheck } from "./schema-problems";
import { ConnectionsFile, connectionsJsonSchema } from "./shape";
import { parseSource, SourceText } from "./yaml-source";

export const connectionsFile = (stack: string) => `stacks/${stack}/connections.yaml`;

export const DEFAULT_PORTS: Record<JdbcConnection["engine"], number> = { postgresql: 5432, mysql: 3306, sqlserver: 1433 };
/** JDBC include path depth: database/schema/table where the engine has schemas. */
export const JDBC_PATH_DEPTH: Record<JdbcConnection["engine"], number> = { postgresql: 3, mysql: 2, sqlserver: 3 };

const checkSchema = schemaCheck(connectionsJsonSchema());

export function loadConnections(files: SourceText[], problems: DatasetProblem[]): JdbcConnection[] {
    const out: JdbcConnection[] = [];
    for (const text of files) {
        const parsed = parseSource(text, problems);
        if (!parsed) continue;
        const schemaProblems = checkSchema(parsed.raw, parsed.src);
        if (schemaProblems.length) {
            problems.push(...schemaProblems);
            continue;
        }
        const { connections } = parsed.raw as unknown as ConnectionsFile;
        connections.forEach((c, i) => {
            if (out.some((o) => o.name === c.name)) problems.push(parsed.src.problem(["connections", i, "name"], `duplicate connection name '${c.name}'`, c.name));
            out.push({ file: text.file, ...c, port: c.port ?? DEFAULT_PORTS[c.engine], enforceSsl: c.enforceSsl ?? true });
        });
    }
    return out;
}
