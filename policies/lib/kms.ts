import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { peek, UNKNOWN } from "./props";

/**
 * Is a KMS key reference a customer-managed key?
 *
 * Accepted: a key id, key ARN, or alias other than the AWS-managed `alias/aws/*` ones; and a value
 * that is unknown at preview time, because that is another resource's output (a key or alias this
 * stack creates) while AWS-managed keys are only ever referenced by literal alias. Returns the
 * problem ("not set", or the AWS-managed alias) or undefined when fine.
 */
export function cmkProblem(value: unknown): string | undefined {
    if (value === UNKNOWN) return undefined;
    if (typeof value !== "string" || value.trim() === "") return "no KMS key is set";
    if (/(^|:)alias\/aws\//.test(value)) return `"${value}" is an AWS-managed key`;
    return undefined;
}

/** Reads a key reference at `path` and judges it. */
export function cmkAt(props: unknown, ...path: string[]): string | undefined {
    return cmkProblem(peek(props, ...path));
}

export const requireCmkSchema = (dflt: boolean, what: string): PolicyConfigJSONSchema => ({
    type: "boolean",
    default: dflt,
    description: `Require a customer-managed KMS key for ${what} (AWS-managed/owned keys can't be scoped by key policy or audited per dataset).`,
});
