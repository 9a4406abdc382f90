/**
 * `LakeAccess`: who may read and write the lake. One interface, two implementations chosen by the stack:
 * Lake Formation (data lake settings, the layer buckets registered, grants as LF permissions) or IAM mode
 * (per-dataset reader/writer policies attached to the principals). Every capability asks for access through the
 * grant methods; `commitGrants()` turns the merged requests into resources, one per (grantee, table).
 */
import * as pulumi from "@pulumi/pulumi";
import type { LakeContext } from "../shared/context";
import { DatabaseRef, GrantBook, Grantee, ReadOptions, TableRef } from "./grants";
import { createIamModeAccess } from "./iam-mode";
import { createLakeFormationAccess } from "./lake-formation";
import type { AccessImplementation, LakeAccessArgs } from "./types";

export type { AccessImplementation, LakeAccessArgs } from "./types";

export { principalGrantee, roleGrantee, granteeKey, grantNames, tablePermissions } from "./grants";
export type { DatabaseRef, Grantee, ReadOptions, TableRef, TableGrant } from "./grants";
export { readerPolicy, readersPolicy, writerPolicy, registrationPolicy } from "./documents";
export type { DatasetAccess } from "./documents";

export class LakeAccess extends pulumi.ComponentResource {
    /** true: Lake Formation grants; false: IAM mode. */
    readonly lakeFormation: boolean;
    readonly databaseDependsOn: pulumi.Resource[];
    readonly grantDependsOn: pulumi.Resource[];
    private readonly impl: AccessImplementation;
    private readonly book = new GrantBook();
    private committed = false;

    constructor(name: string, args: LakeAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lake:access:LakeAccess", name, {}, opts);
        this.lakeFormation = args.lakeFormation.enabled;
        this.impl = createLakeAccess(name, args.context, args, this);
        this.databaseDependsOn = this.impl.databaseDependsOn;
        this.grantDependsOn = this.impl.grantDependsOn;
    }

    /** Makes a table grantable (its grants, policies and aliases hang from `table.key`). */
    addTable(table: TableRef): void {
        this.open();
        this.book.addTable(table);
        this.impl.onTable(table);
    }

    /** SELECT and DESCRIBE on the table (only `columns`, when given), DESCRIBE on its database. */
    grantRead(table: TableRef, grantee: Grantee, opts?: ReadOptions): void {
        this.open();
        this.book.read(table, grantee, opts);
    }

    /** INSERT, ALTER, DELETE on the table, its data location, DESCRIBE on its database. */
    grantWrite(table: TableRef, grantee: Grantee): void {
        this.open();
        this.book.write(table, grantee);
    }

    /** Keep a table's partitions up to date (ALTER, SELECT, DESCRIBE and its data location), no INSERT/DELETE: crawlers. */
    grantMaintain(table: TableRef, grantee: Grantee): void {
        this.open();
        this.book.maintain(table, grantee);
    }

    /** DESCRIBE on a database, and CREATE_TABLE when the grantee creates tables there (JDBC crawlers). */
    grantDatabase(database: DatabaseRef, grantee: Grantee, opts?: { createTables?: boolean }): void {
        this.open();
        this.book.database(database, grantee, opts);
    }

    /** Creates every grant once, merged per (grantee, table) and (grantee, database). Call after all capabilities asked. */
    commitGrants(): void {
        this.open();
        this.committed = true;
        const grants = this.impl.commit(this.book);
        this.registerOutputs({ lakeFormation: this.lakeFormation, grants, ...this.impl.outputs });
    }

    private open(): void {
        if (this.committed) throw new pulumi.ResourceError("LakeAccess: grants were already committed; ask for access before commitGrants()", this);
    }
}

/** Picks the implementation the stack asks for. */
export function createLakeAccess(name: string, ctx: LakeContext, args: LakeAccessArgs, self: LakeAccess): AccessImplementation {
    if (args.lakeFormation.enabled && args.lakeFormation.admins.length === 0) {
        throw new pulumi.ResourceError(`LakeAccess ${name}: Lake Formation needs at least one admin (lakeFormation.admins is empty)`, self);
    }
    return args.lakeFormation.enabled ? createLakeFormationAccess(name, ctx, args, self) : createIamModeAccess(name, ctx, args, self);
}
