/**
 * Principals in dataset files: `role/<name>` / `user/<name>` shorthands resolve against the stack's account (dev
 * and prod are different accounts), full ARNs pass through when Lake Formation accepts them as grantees.
 */
const IAM_NAME = "[\\w+=,.@-]+(?:/[\\w+=,.@-]+)*";
const SHORTHAND = new RegExp(`^(role|user)/(${IAM_NAME})$`);
const ACCEPTED_ARNS: RegExp[] = [
    new RegExp(`^arn:aws(?:-[a-z]+)*:iam::\\d{12}:(?:role|user)/${IAM_NAME}$`),
    // SAML users and groups federated through an IAM identity provider.
    /^arn:aws(?:-[a-z]+)*:iam::\d{12}:saml-provider\/[\w.-]+:(?:user|group)\/[^\s]+$/,
    // QuickSight users and groups (BI datasets).
    /^arn:aws(?:-[a-z]+)*:quicksight:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:(?:user|group)\/[\w.-]+\/[^\s]+$/,
];

/** The ARN a principal written in a dataset file stands for, or undefined when it isn't one we accept. */
export function resolvePrincipal(principal: string, accountId: string): string | undefined {
    const m = SHORTHAND.exec(principal);
    if (m) return `arn:aws:iam::${accountId}:${m[1]}/${m[2]}`;
    return ACCEPTED_ARNS.some((re) => re.test(principal)) ? principal : undefined;
}

export const PRINCIPAL_HELP =
    "write role/<name> or user/<name> (this stack's account), or a full ARN: arn:aws:iam::<account>:role/<name>, " +
    "arn:aws:iam::<account>:saml-provider/<idp>:group/<name>, arn:aws:quicksight:<region>:<account>:group/<namespace>/<name>";
