/** The access component's arguments and the interface its two implementations provide. */
import type * as pulumi from "@pulumi/pulumi";
import type { Layer } from "../../contract";
import type { LakeContext } from "../shared/context";
import type { BucketRef } from "../shared/refs";
import type { GrantBook, TableRef } from "./grants";

export interface LakeAccessArgs {
    /** Naming, ARN context and protection of the stack. */
    context: LakeContext;
    /**
     * `enabled`: data lake settings with these admins and no IAMAllowedPrincipals defaults, the layer buckets
     * registered, grants as Lake Formation permissions. Disabled: IAM policies per dataset instead.
     */
    lakeFormation: { enabled: boolean; admins: readonly string[] };
    /** ARN of the lake key: the registration role and IAM-mode policies use it. */
    kmsKeyArn: pulumi.Input<string>;
    /** The layer buckets, registered with Lake Formation when it is enabled. */
    layerBuckets: Record<Layer, BucketRef>;
}

/** What an implementation provides; LakeAccess forwards to it. */
export interface AccessImplementation {
    /** Resources a Glue database must wait for (LF settings: no IAMAllowedPrincipals default on new databases). */
    readonly databaseDependsOn: pulumi.Resource[];
    /** Resources every grant waits for (settings and location registrations). */
    readonly grantDependsOn: pulumi.Resource[];
    /** Outputs worth registering (role ARNs). */
    readonly outputs: Record<string, pulumi.Input<unknown>>;
    /** Called once per table as it is added (IAM mode creates the table's reader and writer policies here). */
    onTable(table: TableRef): void;
    /** Creates the grant resources. */
    commit(book: GrantBook): number;
}

