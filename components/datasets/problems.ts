/**
 * Problems found while loading dataset files, each tied to a file, a line and a field, and the error that
 * carries all of them at once.
 */

export interface DatasetProblem {
    /** Path relative to the repo root. */
    file: string;
    /** 1-based; 0 when the problem is about the file as a whole. */
    line: number;
    column: number;
    /** Dotted field path, e.g. `columns[2].type`; empty for the whole file. */
    field: string;
    /** The offending value (as written), when there is one. */
    value: unknown;
    message: string;
}

export function formatProblem(p: DatasetProblem): string {
    const value = p.value === undefined ? "" : ` (${typeof p.value === "string" ? JSON.stringify(p.value) : safeJson(p.value)})`;
    return `${p.file}:${p.line}:${p.column} ${p.field || "(file)"}: ${p.message}${value}`;
}

function safeJson(v: unknown): string {
    try {
        const s = JSON.stringify(v) ?? String(v);
        return s.length > 80 ? `${s.slice(0, 77)}...` : s;
    } catch {
        return String(v);
    }
}

export class DatasetError extends Error {
    constructor(readonly problems: DatasetProblem[]) {
        super(
            `${problems.length} problem${problems.length === 1 ? "" : "s"} in dataset files:\n` +
                problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
        );
        this.name = "DatasetError";
    }
}

export type FieldPath = (string | number)[];

/** `columns[2].type` from ["columns", 2, "type"]. */
export function fieldName(path: FieldPath): string {
    return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/** By file, then line, then column: the order a reader fixes them in. */
export function sortProblems(problems: DatasetProblem[]): DatasetProblem[] {
    const key = (p: DatasetProblem) => `${p.file}\u0000${String(p.line).padStart(8, "0")}\u0000${String(p.column).padStart(8, "0")}`;
    return [...problems].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Closest known name within edit distance 3 (or a case/underscore variant). */
export function suggest(word: string, known: readonly string[]): string | undefined {
    const squash = (s: string) => s.toLowerCase().replace(/[_-]/g, "");
    const exact = known.find((k) => squash(k) === squash(word));
    if (exact) return exact;
    let best: string | undefined;
    let bestD = 4;
    for (const k of known) {
        const d = editDistance(word.toLowerCase(), k.toLowerCase());
        if (d < bestD) [best, bestD] = [k, d];
    }
    return best;
}

/** `; did you mean 'x'?` when there is a close name, else "". */
export function didYouMean(word: string, known: readonly string[]): string {
    const hint = suggest(word, known);
    return hint ? `; did you mean '${hint}'?` : "";
}

function editDistance(a: string, b: string): number {
    if (Math.abs(a.length - b.length) > 3) return 99;
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
        prev = cur;
    }
    return prev[b.length]!;
}
