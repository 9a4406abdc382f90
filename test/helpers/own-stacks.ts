/**
 * The repository's own stacks, planned and checked once per mocha run and shared by every suite that reads them
 * (own-stacks, identity, ...): each check starts a program process, three pack processes and a type check, which
 * dominated `npm test`. A check's plan is the plan (`runCheck` plans the program exactly as `runPlan` does; only
 * SARIF asks for source positions), so suites that need only resources take it from the same run. Sequential: the
 * machine has 2 cores.
 */
import { runCheck, CheckResult, PlanRun } from "../../tools/lake/host";

const checks = new Map<string, Promise<CheckResult>>();
let last: Promise<unknown> = Promise.resolve();

/** `runCheck({ stack })` of this repo's program with its packs and policies/config/<stack>.json, run once. */
export function checkOwnStack(stack: string): Promise<CheckResult> {
    let run = checks.get(stack);
    if (!run) {
        run = last.then(
            () => runCheck({ stack }),
            () => runCheck({ stack }),
        );
        last = run.catch(() => undefined);
        checks.set(stack, run);
    }
    return run;
}

/** The plan of this repo's program for `stack` (from the shared check). */
export async function planOwnStack(stack: string): Promise<PlanRun> {
    return (await checkOwnStack(stack)).run;
}
