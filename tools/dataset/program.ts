/**
 * The dataset CLI (`npm run dataset -- <new|validate|list|describe|schema>`, see docs/datasets.md) minus the
 * process: cli.ts, the binary, is `runDatasetCli` on process.argv and the process's streams, so tests can run it
 * in-process and get the same output and exit code.
 * Exit codes: 0 ok, 1 invalid dataset files / config / usage, 2 unexpected failure.
 */
import { Command, CommanderError, Option } from "commander";
import { DatasetError, formatProblem } from "../../components/datasets";
import { ConfigError } from "../../infra/config";
import { NameError } from "../../contract";
import { EngineError } from "../engine/errors";
import { CommandResult, describe, list, scaffold, UsageError, validate, writeSchemas } from "./commands";

const collect = (value: string, previous: string[]) => [...previous, value];

/** Where the CLI writes: the process's stdout and stderr, or a caller's buffers. */
export interface CliOutput {
    out(text: string): void;
    err(text: string): void;
}

const PROCESS_OUTPUT: CliOutput = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** The exit code of one command; what it prints goes to `io`. */
function execute(io: CliOutput, action: () => CommandResult): number {
    try {
        const { code, out, err } = action();
        io.out(out);
        if (err) io.err(err);
        return code;
    } catch (e) {
        if (e instanceof DatasetError) {
            for (const p of e.problems) io.err(`${formatProblem(p)}\n`);
            io.err(`${e.problems.length} problem${e.problems.length === 1 ? "" : "s"}; see docs/datasets.md#faq\n`);
            return 1;
        } else if (e instanceof ConfigError || e instanceof UsageError || e instanceof EngineError || e instanceof NameError) {
            io.err(`${e.message}\n`);
            return 1;
        } else {
            io.err(`${(e as Error).stack ?? String(e)}\n`);
            return 2;
        }
    }
}

/**
 * Runs the CLI on `args` (what follows `npm run dataset --`) and returns its exit code. Commander's own errors
 * (usage, --help) are written to `io` and give commander's exit code instead of exiting the process.
 */
export function runDatasetCli(args: readonly string[], io: CliOutput = PROCESS_OUTPUT): number {
    let code = 0;
    // Output and exit handling first: subcommands copy them from the program when they are created.
    const program = new Command("dataset")
        .exitOverride()
        .configureOutput({ writeOut: (t) => io.out(t), writeErr: (t) => io.err(t) })
        .description("Dataset files of the lake: scaffold, validate, list, describe, publish the schemas")
        .option("--root <dir>", "repository root", process.cwd());
    const root = () => program.opts<{ root: string }>().root;
    defineCommands(program, root, (action) => {
        code = execute(io, action);
    });
    try {
        program.parse([...args], { from: "user" });
    } catch (e) {
        if (e instanceof CommanderError) return e.exitCode;
        throw e;
    }
    return code;
}

function defineCommands(program: Command, root: () => string, run: (action: () => CommandResult) => void): void {
    program
        .command("new")
        .description("scaffold stacks/datasets/<domain>/<name>.yaml (validated before it is written)")
        .requiredOption("--name <name>", "table name (lowercase, digits, underscores)")
        .requiredOption("--domain <domain>", "owning domain/team")
        .addOption(new Option("--layer <layer>", "lake layer").choices(["bronze", "silver", "gold"]).makeOptionMandatory())
        .addOption(new Option("--format <format>", "storage format").choices(["parquet", "orc", "iceberg", "csv", "json", "avro"]).default("parquet"))
        .requiredOption("--owner <email>", "owner contact (team email)")
        .requiredOption("--description <text>", "what a row is")
        .addOption(new Option("--classification <c>", "data classification").choices(["public", "internal", "confidential", "pii"]).default("internal"))
        .option("--column <name:type>", "a column (repeat)", collect, [])
        .option("--partition <name:type>", "a partition key (repeat)", collect, [])
        .option("--date-projection <key>", "project this partition key as a yyyy-MM-dd date over the last 3 years")
        .option("--producer <principal>", "role/<name> that writes (repeat)", collect, [])
        .option("--consumer <principal>", "role/<name> that reads (repeat)", collect, [])
        .option("--reason <text>", "why a silver/gold dataset is unpartitioned")
        .option("--source <spec>", "s3 | s3:crawl | jdbc:<connection>:<path> | firehose | job:<name>[:<input>,<input>...]")
        .option("--stack <stack>", "deploy only to this stack (repeat)", collect, [])
        .option("--dry-run", "print the file instead of writing it")
        .action((o) => run(() => scaffold(root(), o)));

    program
        .command("validate")
        .description("validate every dataset and connection file (all stacks unless --stack)")
        .option("--stack <stack>", "only this stack")
        .action((o: { stack?: string }) => run(() => validate(root(), o.stack)));

    program
        .command("list")
        .description("datasets per stack as a table")
        .option("--stack <stack>", "only this stack")
        .action((o: { stack?: string }) => run(() => list(root(), o.stack)));

    program
        .command("describe <name>")
        .description("columns, partitions, location, grants, DDL and named queries of one dataset")
        .option("--stack <stack>", "stack whose account and buckets to use (default: the first, alphabetically)")
        .action((name: string, o: { stack?: string }) => run(() => describe(root(), name, o.stack)));

    program
        .command("schema")
        .description("write stacks/schema/*.schema.json from their declaration (components/datasets/shape.ts)")
        .option("--check", "write nothing; exit 1 when a committed schema differs from the declaration")
        .action((o: { check?: boolean }) => run(() => writeSchemas(root(), o.check)));
}
