import { expect } from "chai";
import { cronProblems } from "../../components/datasets";

describe("datasets: AWS cron schedules", () => {
    for (const ok of ["cron(0 3 * * ? *)", "cron(15 1 ? * MON-FRI *)", "cron(0/15 * * * ? *)", "cron(0 12 L * ? *)", "cron(0 8 ? * 2#1 2026-2030)", "cron(30 5 1,15 JAN-MAR ? *)"]) {
        it(`accepts ${ok}`, () => expect(cronProblems(ok)).to.deep.equal([]));
    }
    const bad: [string, RegExp][] = [
        ["0 3 * * ? *", /not an AWS cron expression/],
        ["cron(0 3 * * *)", /5 fields .* AWS cron has 6/],
        ["cron(0 3 * * * *)", /exactly one of day-of-month \('\*'\) and day-of-week \('\*'\) must be '\?'/],
        ["cron(0 3 ? * ? *)", /exactly one of/],
        ["cron(60 3 * * ? *)", /minutes '60' has '60', expected 0-59/],
        ["cron(0 24 * * ? *)", /hours '24'/],
        ["cron(0 3 * 13 ? *)", /month '13'/],
        ["cron(0 3 ? * FUNDAY *)", /day-of-week 'FUNDAY'/],
        ["cron(? 3 * * ? *)", /minutes '\?' may not be '\?'/],
        ["cron(0/x 3 * * ? *)", /step 'x'/],
    ];
    for (const [expr, message] of bad) {
        it(`rejects ${expr}`, () => expect(cronProblems(expr).join("; ")).to.match(message));
    }
});
