/** Shared BI fixtures. */
import { validDataset } from "../datasets/helpers";

/** The passing publication every case flips one field of. */
export function publishedDataset(): Record<string, any> {
    return {
        ...validDataset(),
        bi: {
            importMode: "SPICE",
            refresh: { interval: "DAILY", timeOfDay: "06:30", incremental: { column: "pickup_at", size: 2, unit: "DAY" } },
            groups: ["mobility-analysts", "finance-reporting"],
            rowLevelSecurity: { column: "dt", rules: [{ group: "finance-reporting" }, { group: "mobility-analysts", values: ["2026-01-01"] }] },
        },
    };
}
