/**
 * The contract every side of the platform shares: components stamp it, policy packs read it, tools report it.
 * It imports nothing of ours (a test enforces the direction), so the packs can bundle it when published.
 */
export * from "./markers";
export * from "./naming";
export * from "./arn";
