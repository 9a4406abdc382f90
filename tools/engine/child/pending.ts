/**
 * What the program has started but the engine has not seen finish: resource registrations whose inputs
 * never resolved (so they never reached the monitor) and invokes that never returned. When a program
 * stops with nothing left to run (the event loop drained while it still awaited something), these name
 * what it was waiting on, instead of a bare "exited before reporting a result".
 */
import { isModelledCall } from "../mock-outputs";

export interface PendingRegistration {
    kind: "register" | "read";
    type: string;
    name: string;
}

export class PendingWork {
    private readonly registrations = new Map<string, PendingRegistration[]>();
    private readonly invokes = new Map<string, number>();
    /** Invokes the mocks have no model for: they echo the arguments, so fields the program reads may be missing. */
    private readonly unmodelled = new Map<string, string[]>();

    startRegistration(kind: PendingRegistration["kind"], type: string, name: string): void {
        const key = `${type}::${name}`;
        const list = this.registrations.get(key) ?? [];
        list.push({ kind, type, name });
        this.registrations.set(key, list);
    }

    /** The monitor received the registration (with its inputs resolved). */
    reachedMonitor(type: string, name: string): void {
        const key = `${type}::${name}`;
        const list = this.registrations.get(key);
        if (!list) return;
        list.shift();
        if (list.length === 0) this.registrations.delete(key);
    }

    startInvoke(token: string): () => void {
        this.invokes.set(token, (this.invokes.get(token) ?? 0) + 1);
        let done = false;
        return () => {
            if (done) return;
            done = true;
            const left = (this.invokes.get(token) ?? 1) - 1;
            if (left > 0) this.invokes.set(token, left);
            else this.invokes.delete(token);
        };
    }

    /** The monitor answered `token` with `result`. */
    answered(token: string, result: Record<string, unknown>): void {
        if (!isModelledCall(token) && token !== "pulumi:pulumi:getResource") this.unmodelled.set(token, Object.keys(result).sort());
    }

    /** Lines naming what is pending, for the error of a program that stopped before finishing. */
    describe(): string[] {
        const lines: string[] = [];
        const registrations = [...this.registrations.values()].flat();
        if (registrations.length) {
            lines.push(`  ${registrations.length} resource ${registrations.length === 1 ? "registration" : "registrations"} never reached the engine (an input never resolved):`);
            for (const r of registrations.slice(0, 20)) lines.push(`    - ${r.type} '${r.name}'${r.kind === "read" ? " (read)" : ""}`);
            if (registrations.length > 20) lines.push(`    - ... and ${registrations.length - 20} more`);
        }
        if (this.invokes.size) {
            lines.push(`  ${[...this.invokes.values()].reduce((a, b) => a + b, 0)} invoke(s) never returned:`);
            for (const [token, n] of this.invokes) lines.push(`    - ${token}${n > 1 ? ` (x${n})` : ""}`);
        }
        if (this.unmodelled.size) {
            lines.push("  invokes the offline mocks have no model for (they return the arguments back, so result fields such as ids are missing):");
            for (const [token, keys] of this.unmodelled) lines.push(`    - ${token} returned only: ${keys.join(", ") || "(nothing)"}`);
        }
        return lines;
    }

    empty(): boolean {
        return this.registrations.size === 0 && this.invokes.size === 0;
    }
}
