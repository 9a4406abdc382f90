/**
 * Problems found while loading dataset files, each tied to a file, a line and a field, and the error that
 * carries all of them at once.
 */
import { Document, LineCounter, isMap, isPair, isScalar, isSeq, Node } from "yaml";

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

/** A parsed YAML file that can point at the line of any field path. */
export class SourceFile {
    constructor(
        readonly file: string,
        readonly doc: Document.Parsed,
        readonly lines: LineCounter,
    ) {}

    /**
     * Line/column of the value at `path` (of its key when `atKey`), or of the deepest existing ancestor when the
     * field is missing (a missing required field is reported at the map that lacks it).
     */
    position(path: FieldPath, atKey = false): { line: number; column: number } {
        let node: unknown = this.doc.contents;
        let offset = rangeStart(node) ?? 0;
        for (const seg of path) {
            if (isMap(node)) {
                const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
                if (!pair) break;
                const keyStart = rangeStart(pair.key);
                node = pair.value;
                // A block map/list starts on the next line: its key's line is the one to point at.
                const useKey = (atKey && seg === path[path.length - 1]) || ((isMap(node) || isSeq(node)) && !node.flow);
                offset = (useKey ? keyStart : rangeStart(node) ?? keyStart) ?? offset;
            } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
                node = node.items[seg];
                offset = rangeStart(node) ?? offset;
            } else break;
        }
        const pos = this.lines.linePos(offset);
        return { line: pos.line, column: pos.col };
    }

    problem(path: FieldPath, message: string, value?: unknown, atKey = false): DatasetProblem {
        return { file: this.file, ...this.position(path, atKey), field: fieldName(path), value, message };
    }
}

function rangeStart(node: unknown): number | undefined {
    return node && typeof node === "object" && "range" in node ? (node as Node).range?.[0] : undefined;
}
