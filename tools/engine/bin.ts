/**
 * The engine on its own, with no host: `--program` defaults to the current directory, packs are only
 * the `--policy-pack DIR`s given, SARIF paths are relative to the current directory.
 * `node --require tsx/cjs bin.ts check --program DIR --policy-pack PACK` (or `npm run engine -- ...` here).
 */
import { runCli } from "./cli";

void runCli({});
