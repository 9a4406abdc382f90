/**
 * `npm run plan|check|graph`: the engine's CLI with the lake wired in (packs under policies/, config
 * policies/config/<stack>.json, exemptions from dataset files, this repo as the default program).
 */
import { runCli } from "@acme-lake/offline-engine";
import { LAKE_HOST } from "./host";

void runCli(LAKE_HOST);
