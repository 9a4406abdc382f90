/**
 * The ARN context: partition, region and account that every ARN the lake builds comes from. The partition follows
 * the region (`cn-*` is aws-cn, `us-gov-*` is aws-us-gov), so a stack config that accepts those regions also gets
 * ARNs that exist there.
 */

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

export interface ArnContext {
    partition: Partition;
    region: string;
    accountId: string;
}

/** The AWS partition of a region. */
export function partitionOf(region: string): Partition {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** The ARN context of a stack deploying to `accountId` in `region`. */
export function arnContext(region: string, accountId: string): ArnContext {
    return { partition: partitionOf(region), region, accountId };
}

/** `arn:<partition>:iam::<account>:<role|user>/<name>` */
export function iamPrincipalArn(c: Pick<ArnContext, "partition" | "accountId">, kind: "role" | "user", name: string): string {
    return `arn:${c.partition}:iam::${c.accountId}:${kind}/${name}`;
}

/** The account root principal, `arn:<partition>:iam::<account>:root`. */
export function accountRootArn(c: Pick<ArnContext, "partition" | "accountId">): string {
    return `arn:${c.partition}:iam::${c.accountId}:root`;
}

/** A regional service ARN, `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function serviceArn(c: ArnContext, service: string, resource: string): string {
    return `arn:${c.partition}:${service}:${c.region}:${c.accountId}:${resource}`;
}
