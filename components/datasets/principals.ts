/**
 * Principals in dataset files: `role/<name>` / `user/<name>` shorthands resolve against the stack's account and
 * partition (dev and prod are different accounts; `cn-*` and `us-gov-*` regions are other partitions), full ARNs
 * pass through when Lake Formation accepts them as grantees.
 */
import { Partition } from "../../contract";
import type { FileContext, StackContext } from "./build";
import { Consumer } from "./model";
import { didYouMean, FieldPath } from "./problems";

const IAM_NAME = "[\\w+=,.@-]+(?:/[\\w+=,.@-]+)*";
const SHORTHAND = new RegExp(`^(role|user)/(${IAM_NAME})$`);
const ACCEPTED_ARNS: RegExp[] = [
    new RegExp(`^arn:aws(?:-[a-z]+)*:iam::\\d{12}:(?:role|user)/${IAM_NAME}$`),
    // SAML users and groups federated through an IAM identity provider.
    /^arn:aws(?:-[a-z]+)*:iam::\d{12}:saml-provider\/[\w.-]+:(?:user|group)\/[^\s]+$/,
    // QuickSight users and groups (BI datasets).
    /^arn:aws(?:-[a-z]+)*:quicksight:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:(?:user|group)\/[\w.-]+\/[^\s]+$/,
];

/**
 * The ARN a principal written in a dataset file stands for, or undefined when it isn't one we accept.
 * `partition` is the stack's (see `partitionOf` in contract/arn.ts); shorthands get it, full ARNs are kept as written.
 */
export function resolvePrincipal(principal: string, accountId: string, partition: Partition = "aws"): string | undefined {
    const m = SHORTHAND.exec(principal);
    if (m) return `arn:${partition}:iam::${accountId}:${m[1]}/${m[2]}`;
    return ACCEPTED_ARNS.some((re) => re.test(principal)) ? principal : undefined;
}

export const PRINCIPAL_HELP =
    "write role/<name> or user/<name> (this stack's account), or a full ARN: arn:aws:iam::<account>:role/<name>, " +
    "arn:aws:iam::<account>:saml-provider/<idp>:group/<name>, arn:aws:quicksight:<region>:<account>:group/<namespace>/<name>";

/** The partition an ARN names (`arn:<partition>:...`). */
export const arnPartition = (arn: string): string | undefined => /^arn:([a-z-]+):/.exec(arn)?.[1];

/** A full ARN in another partition than the stack's names nothing the stack can reach (checked when the region is known). */
export function partitionProblem(arn: string, stack: StackContext): string | undefined {
    if (!stack.region) return undefined;
    const p = arnPartition(arn);
    return p && p !== stack.partition ? `is in partition '${p}', but stack '${stack.stack}' deploys to ${stack.region} (partition '${stack.partition}'): use arn:${stack.partition}:...` : undefined;
}

/** Producers and consumers resolved to ARNs, with every problem reported: not a principal, unknown column, duplicate consumer. */
export function resolveGrantees(
    raw: { producers?: string[]; consumers?: { principal: string; columns?: string[] }[] },
    columnNames: readonly string[],
    ctx: FileContext,
    stack: StackContext,
): { producers: string[]; consumers: Consumer[] } {
    const { src, push } = ctx;
    const resolve = (p: string, where: FieldPath): string => {
        const arn = resolvePrincipal(p, stack.accountId, stack.partition);
        if (!arn) push(src.problem(where, `not a principal Lake Formation can grant to: ${PRINCIPAL_HELP}`, p));
        else if (arn === p) {
            const wrong = partitionProblem(arn, stack);
            if (wrong) push(src.problem(where, wrong, p));
        }
        return arn ?? p;
    };
    const producers = (raw.producers ?? []).map((p, i) => resolve(p, [...ctx.at("producers"), i]));
    const consumers: Consumer[] = (raw.consumers ?? []).map((c, i) => {
        const where = [...ctx.at("consumers"), i];
        const consumer: Consumer = { principal: resolve(c.principal, [...where, "principal"]) };
        if (c.columns) {
            c.columns.forEach((col, j) => {
                if (!columnNames.includes(col)) push(src.problem([...where, "columns", j], `no column '${col}' in this dataset${didYouMean(col, columnNames)}`, col));
            });
            consumer.columns = c.columns;
        }
        return consumer;
    });
    const seen = new Map<string, number>();
    consumers.forEach((c, i) => {
        if (seen.has(c.principal)) push(src.problem([...ctx.at("consumers"), i, "principal"], `principal is already a consumer (consumers[${seen.get(c.principal)}]); merge the two entries`, c.principal));
        else seen.set(c.principal, i);
    });
    return { producers, consumers };
}
