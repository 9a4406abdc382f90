/**
 * `JdbcConnections`: per declared JDBC source, an empty KMS-encrypted Secrets Manager secret (the database owner
 * fills it in; the platform never holds the password) and the Glue connection that names it. These were the
 * catalog's children before this component existed; aliases keep their URNs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkName, connectionDerivedNames } from "../../contract";
import type { JdbcConnection } from "../datasets";
import { dataOptions, LakeContext } from "../shared/context";
import { formerSibling, movedFrom } from "../shared/identity";
import { jdbcConnectionProperties, secretDescription } from "./jdbc";

export { jdbcUrl, jdbcConnectionProperties, secretDescription } from "./jdbc";

export interface JdbcConnectionsArgs {
    /** Naming, ARN context and protection (secrets are protected and retained in prod). */
    context: LakeContext;
    /** ARN of the lake key that encrypts the secrets. */
    kmsKeyArn: pulumi.Input<string>;
    /** The stack's declared connections (`stacks/<stack>/connections.yaml`, validated). */
    connections: readonly JdbcConnection[];
}

/** One connection's resources, for crawlers and jobs that use it. */
export interface ConnectionRef {
    /** Glue connection name. */
    name: pulumi.Output<string>;
    /** ARN of the secret holding its credentials. */
    secretArn: pulumi.Output<string>;
    /** Where Glue puts its network interface to reach the database. */
    subnetId: string;
    securityGroupIds: readonly string[];
}

export class JdbcConnections extends pulumi.ComponentResource {
    /** Connection name (as declared) -> its Glue connection and secret. */
    readonly connections: Record<string, ConnectionRef>;

    constructor(name: string, args: JdbcConnectionsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:connections:JdbcConnections", name, {}, opts);
        this.connections = createJdbcConnections(name, args.context, args, this);
        this.registerOutputs({ connections: this.connections });
    }

    /** The declared connection `name`; a ResourceError naming the declared ones when there is none. */
    get(connection: string): ConnectionRef {
        const c = this.connections[connection];
        if (!c) throw new pulumi.ResourceError(`no JDBC connection '${connection}' (declared: ${Object.keys(this.connections).join(", ") || "none"})`, this);
        return c;
    }
}

export function createJdbcConnections(name: string, ctx: LakeContext, args: JdbcConnectionsArgs, self: JdbcConnections): Record<string, ConnectionRef> {
    const moved = movedFrom(formerSibling(self, "lake:catalog:LakeCatalog"));
    const out: Record<string, ConnectionRef> = {};
    for (const c of args.connections) {
        if (out[c.name]) throw new pulumi.ResourceError(`${c.file}: connections: '${c.name}' is declared twice`, self);
        // The secret and the connection share one name, checked against the rule validation used.
        const resourceName = checkName(connectionDerivedNames(ctx.namer.args, c.name)[0]);
        const secret = new aws.secretsmanager.Secret(
            `${name}-secret-${c.name}`,
            {
                name: resourceName,
                description: secretDescription(c),
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: ctx.protection.protect ? 30 : 7,
                tags: { "lake:connection": c.name },
            },
            dataOptions(ctx, self, moved),
        );
        const connection = new aws.glue.Connection(
            `${name}-connection-${c.name}`,
            {
                name: resourceName,
                catalogId: ctx.arn.accountId,
                description: `${c.engine} ${c.database} at ${c.host}:${c.port} (declared in ${c.file}).`,
                connectionType: "JDBC",
                connectionProperties: secret.name.apply((s) => jdbcConnectionProperties(c, s)),
                physicalConnectionRequirements: {
                    subnetId: c.subnetId,
                    securityGroupIdLists: [...c.securityGroupIds],
                    availabilityZone: c.availabilityZone,
                },
                tags: { "lake:connection": c.name },
            },
            { parent: self, ...moved },
        );
        out[c.name] = { name: connection.name, secretArn: secret.arn, subnetId: c.subnetId, securityGroupIds: c.securityGroupIds };
    }
    return out;
}
