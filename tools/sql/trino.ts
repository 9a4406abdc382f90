/**
 * Trino's own SQL parser (io.trino:trino-parser, the grammar Athena engine v3 derives from), run on Java 17: the
 * pinned jars (trino-parser.lock.json) are fetched once with `mvn dependency:get` into a cache and verified by
 * sha256 on every use; after that no network is needed. One JVM parses a whole batch (about two seconds).
 *
 * Cache: $LAKE_SQL_CACHE, else ~/.cache/acme-lake/sql (a Maven local repository layout).
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

interface Artifact {
    coordinates: string;
    path: string;
    sha256: string;
}

const HERE = __dirname;
const LOCK: { artifacts: Artifact[] } = JSON.parse(fs.readFileSync(path.join(HERE, "trino-parser.lock.json"), "utf8"));

export const cacheDir = (): string => process.env.LAKE_SQL_CACHE ?? path.join(os.homedir(), ".cache", "acme-lake", "sql");

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** The classpath of the pinned parser, fetching what the cache lacks; throws when a jar's checksum differs. */
export function trinoClasspath(): string {
    const repo = cacheDir();
    const jars: string[] = [];
    for (const a of LOCK.artifacts) {
        const jar = path.join(repo, a.path);
        if (!fs.existsSync(jar)) {
            fs.mkdirSync(repo, { recursive: true });
            execFileSync("mvn", ["-q", "-B", "dependency:get", `-Dartifact=${a.coordinates}`, "-Dtransitive=false", `-Dmaven.repo.local=${repo}`], { stdio: ["ignore", "ignore", "pipe"], timeout: 300_000 });
        }
        const actual = sha256(jar);
        if (actual !== a.sha256) throw new Error(`${a.coordinates}: ${jar} has sha256 ${actual}, trino-parser.lock.json pins ${a.sha256}; delete it to fetch again`);
        jars.push(jar);
    }
    return jars.join(path.delimiter);
}

export interface ParseResult {
    sql: string;
    ok: boolean;
    /** `line:column message` from the parser when it refused the statement. */
    error?: string;
}

/** Parses every statement with Trino's parser (one JVM for the batch). */
export function parseTrino(statements: readonly string[]): ParseResult[] {
    if (statements.some((s) => s.includes("\u0000") || s.length === 0)) throw new Error("parseTrino: statements must be non-empty and contain no NUL");
    if (statements.length === 0) return [];
    const out = execFileSync("java", ["-cp", trinoClasspath(), path.join(HERE, "ParseTrino.java")], {
        input: statements.join("\u0000"),
        encoding: "utf8",
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
    });
    const lines = out.split("\n").filter((l) => l.length > 0);
    if (lines.length !== statements.length) throw new Error(`parseTrino: ${statements.length} statements, ${lines.length} answers:\n${out}`);
    return statements.map((sql, i) => (lines[i] === "OK" ? { sql, ok: true } : { sql, ok: false, error: lines[i]!.replace(/^ERROR /, "") }));
}
