/**
 * `npm run dataset -- <new|validate|list|describe|schema>`: the data teams' entry point (see docs/datasets.md).
 * Exit codes: 0 ok, 1 invalid dataset files / config / usage, 2 unexpected failure. The commands and their
 * output are program.ts's `runDatasetCli`; this file is the process around it.
 */
import { runDatasetCli } from "./program";

process.exitCode = runDatasetCli(process.argv.slice(2));
