/**
 * The lake program. Config is read and validated first, so a bad setting fails before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseLakeConfig } from "./config";
import { buildLake } from "./stack";

const config = parseLakeConfig(pulumi.runtime.allConfig(), { project: pulumi.getProject(), stack: pulumi.getStack() });
const lake = buildLake(config);

export const kmsKeyArn = lake.kmsKeyArn;
export const bucketNames = lake.bucketNames;
export const databaseNames = lake.databaseNames;
export const tables = lake.tables;
export const athenaWorkgroup = lake.athenaWorkgroup;
export const crawlerNames = lake.crawlerNames;
