/**
 * Runs code under Pulumi's runtime mocks and captures every RegisterResource request with its options
 * (protect, retainOnDelete, parent, dependencies) — mocks alone only see type, name and inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { createMocks, MockEnv } from "../../tools/engine/mock-outputs";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");

export interface Registered {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    parent: string;
    inputs: Record<string, any>;
    protect: boolean;
    retainOnDelete: boolean;
    dependencies: string[];
    provider: string;
}

export interface CaptureOptions {
    project?: string;
    stack?: string;
    /** Raw stack config, as Pulumi.<stack>.yaml would give it (`lake:key` -> string/JSON). */
    config?: Record<string, string>;
    mockEnv?: MockEnv;
}

export class Capture {
    constructor(readonly resources: Registered[]) {}

    ofType(type: string): Registered[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The one resource with this logical name; fails loudly when missing or ambiguous. */
    named(name: string): Registered {
        const found = this.resources.filter((r) => r.name === name);
        if (found.length !== 1) throw new Error(`expected one resource named '${name}', found ${found.length}: ${this.resources.map((r) => r.name).join(", ")}`);
        return found[0];
    }

    /** URN -> resource, for following parent/dependency links. */
    byUrn(urn: string): Registered | undefined {
        return this.resources.find((r) => r.urn === urn);
    }
}

/** Run `program` under mocks; resolves once every registration and output has settled. */
export async function capture(program: () => unknown, opts: CaptureOptions = {}): Promise<Capture> {
    const project = opts.project ?? "lake-test";
    const stack = opts.stack ?? "dev";
    pulumi.runtime.setAllConfig(opts.config ?? {}, []);
    await pulumi.runtime.setMocks(createMocks(opts.mockEnv) as pulumi.runtime.Mocks, project, stack, false);
    const monitor = settings.getMonitor();
    const original = monitor.registerResource.bind(monitor);
    const resources: Registered[] = [];
    monitor.registerResource = (req: any, callback: any) => {
        const record: Registered = {
            type: req.getType(),
            name: req.getName(),
            urn: "",
            custom: req.getCustom(),
            parent: req.getParent(),
            inputs: pulumi.runtime.deserializeProperties(req.getObject()),
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            dependencies: req.getDependenciesList(),
            provider: req.getProvider(),
        };
        resources.push(record);
        return original(req, (err: unknown, resp: any) => {
            if (resp) record.urn = resp.getUrn();
            callback(err, resp);
        });
    };
    await program();
    await settings.waitForRPCs();
    return new Capture(resources);
}

/** A complete, valid raw config for the dev stack; tests override single keys. */
export function devConfig(overrides: Record<string, string | undefined> = {}): Record<string, string> {
    const base: Record<string, string> = {
        "aws:region": "eu-west-1",
        "lake:environment": "dev",
        "lake:accountId": "111111111111",
        "lake:namePrefix": "acme-lake",
        "lake:allowDataDestroy": "true",
        "lake:tags": JSON.stringify({ owner: "data-platform@acme.example", costCenter: "cc-1234" }),
        "lake:lakeFormation": JSON.stringify({ admins: ["arn:aws:iam::111111111111:role/lake-platform-admin"] }),
    };
    for (const [k, v] of Object.entries(overrides)) {
        if (v === undefined) delete base[k];
        else base[k] = v;
    }
    return base;
}

/** The same for prod. */
export function prodConfig(overrides: Record<string, string | undefined> = {}): Record<string, string> {
    return devConfig({
        "lake:environment": "prod",
        "lake:accountId": "222222222222",
        "lake:allowDataDestroy": "false",
        "lake:lakeFormation": JSON.stringify({ admins: ["arn:aws:iam::222222222222:role/lake-platform-admin"] }),
        ...overrides,
    });
}
