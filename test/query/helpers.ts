/** The whole lake under mocks, from a raw stack config (what `pulumi up` runs), for the query and warehouse tests. */
import * as path from "path";
import { parseLakeConfig } from "../../infra/config";
import { buildLake } from "../../infra/stack";
import { Capture, capture, devConfig, prodConfig } from "../helpers/mocks";

export const REPO = path.resolve(__dirname, "..", "..");
export const DEV_ACCOUNT = "111111111111";
export const PROD_ACCOUNT = "222222222222";
export const role = (name: string, account = DEV_ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;

/**
 * The lake of `env` with these `lake:` settings (JSON values) on top of the helpers' base config. Built once per
 * mocha run for each env and settings (several suites read the plain dev lake) and frozen, so no suite can change
 * what another one reads.
 */
export function lake(env: "dev" | "prod", settings: Record<string, unknown> = {}): Promise<Capture> {
    const key = `${env} ${JSON.stringify(settings)}`;
    let built = lakes.get(key);
    if (!built) {
        built = buildCapture(env, settings).then((c) => {
            deepFreeze(c.resources);
            return c;
        });
        lakes.set(key, built);
    }
    return built;
}

const lakes = new Map<string, Promise<Capture>>();

function deepFreeze(value: unknown): void {
    if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
}

async function buildCapture(env: "dev" | "prod", settings: Record<string, unknown>): Promise<Capture> {
    const extra = Object.fromEntries(Object.entries(settings).map(([k, v]) => [`lake:${k}`, JSON.stringify(v)]));
    const raw = env === "dev" ? devConfig(extra) : prodConfig(extra);
    const config = parseLakeConfig(raw, { project: "lake-test", stack: env, stackFile: null });
    return capture(() => buildLake(config, { root: REPO }), { stack: env, config: raw, mockEnv: { region: config.region, account: config.accountId } });
}

export const json = (s: unknown) => JSON.parse(s as string);
