/**
 * YAML text -> a plain value plus positions: syntax errors, duplicate keys, non-scalar keys and YAML's classic
 * flow-mapping trap become problems with their line; every later check points at lines through `SourceFile`.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Document, LineCounter, isMap, isPair, isScalar, isSeq, Node, parseDocument, Scalar, visit, YAMLMap } from "yaml";
import { readPlainYaml } from "./plain-yaml";
import { DatasetProblem, FieldPath, fieldName } from "./problems";

export interface SourceText {
    /** Path relative to the repo root (used in messages and for the file-name check). */
    file: string;
    text: string;
    /** Where the file's bytes stop being UTF-8 (see `decodeSource`): such a file is rejected, never read with U+FFFD in it. */
    invalidUtf8?: { offset: number; byte: number; line: number; column: number };
}

/**
 * Bytes -> SourceText. Invalid UTF-8 is not replaced silently (a description would carry U+FFFD into Glue): the
 * first bad byte is recorded and `parseSource` reports it with its offset, line and column.
 */
export function decodeSource(file: string, bytes: Uint8Array): SourceText {
    const text = new TextDecoder("utf-8").decode(bytes);
    const offset = firstInvalidUtf8(bytes);
    if (offset === undefined) return { file, text };
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) [line, lineStart] = [line + 1, i + 1];
    return { file, text, invalidUtf8: { offset, byte: bytes[offset]!, line, column: offset - lineStart + 1 } };
}

/** Offset of the first byte that doesn't start or continue a well-formed UTF-8 sequence (RFC 3629), if any. */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
    try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        return undefined;
    } catch {
        // Find where, below.
    }
    for (let i = 0; i < bytes.length; ) {
        const b = bytes[i]!;
        if (b < 0x80) {
            i++;
            continue;
        }
        const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
        if (!need) return i;
        // Second-byte ranges that exclude overlong forms, surrogates and code points above U+10FFFF.
        const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
        for (let k = 1; k <= need; k++) {
            const c = bytes[i + k];
            if (c === undefined || (k === 1 ? c < lo || c > hi : (c & 0xc0) !== 0x80)) return i;
        }
        i += need + 1;
    }
    return bytes.length;
}

/** A parsed YAML file that can point at the line of any field path. */
export class SourceFile {
    private parsed?: { doc: Document.Parsed; lines: LineCounter };

    /** `source`: the parsed document, or how to parse it when a position is first asked for (a cached file). */
    constructor(
        readonly file: string,
        private readonly source: { doc: Document.Parsed; lines: LineCounter } | (() => { doc: Document.Parsed; lines: LineCounter }),
    ) {}

    get doc(): Document.Parsed {
        return (this.parsed ??= typeof this.source === "function" ? this.source() : this.source).doc;
    }

    get lines(): LineCounter {
        return (this.parsed ??= typeof this.source === "function" ? this.source() : this.source).lines;
    }

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

export interface ParsedSource {
    src: SourceFile;
    raw: Record<string, unknown>;
}

/** Parse YAML with positions; problems go to `problems`, and undefined means nothing else can be checked. */
export function parseSource(text: SourceText, problems: DatasetProblem[]): ParsedSource | undefined {
    if (text.invalidUtf8) {
        const { offset, byte, line, column } = text.invalidUtf8;
        problems.push({
            file: text.file,
            line,
            column,
            field: "",
            value: undefined,
            message: `not UTF-8: byte 0x${byte.toString(16).toUpperCase().padStart(2, "0")} at byte offset ${offset} (line ${line}) is not valid UTF-8; save the file as UTF-8 (it would otherwise reach Glue and Athena as U+FFFD replacement characters)`,
        });
        return undefined;
    }
    // Most files are plain YAML: read without a document, which is parsed only if a problem needs a position. That
    // is cheaper than the disk cache's hash, read and write, so only what the yaml package parses is cached.
    const plain = readPlainYaml(text.text);
    if (plain) return { src: new SourceFile(text.file, () => parseYaml(text.text)), raw: plain };
    const cached = DISK_CACHE.get(text.text);
    if (cached) return { src: new SourceFile(text.file, () => parseYaml(text.text)), raw: cached };
    const { doc, lines } = parseYaml(text.text);
    if (doc.errors.length) {
        for (const e of doc.errors) {
            const pos = lines.linePos(e.pos[0]);
            problems.push({ file: text.file, line: pos.line, column: pos.col, field: "", value: undefined, message: `YAML syntax: ${e.message.split("\n")[0]}` });
        }
        return undefined;
    }
    const src = new SourceFile(text.file, { doc, lines });
    let complexKey: number | undefined;
    // An alias makes toJS share one object between two places, which a JSON copy would not: not cached.
    let aliases = false;
    visit(doc, {
        Alias() {
            aliases = true;
            return undefined;
        },
        Pair(_, pair) {
            if (pair.key !== null && !isScalar(pair.key)) {
                complexKey = (pair.key as { range?: [number] }).range?.[0] ?? 0;
                return visit.BREAK;
            }
            return undefined;
        },
    });
    if (complexKey !== undefined) {
        const pos = lines.linePos(complexKey);
        problems.push({ file: text.file, line: pos.line, column: pos.col, field: "", value: undefined, message: "a mapping key must be a plain name, not a list or mapping" });
        return undefined;
    }
    let raw: unknown;
    try {
        raw = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
        problems.push(src.problem([], `YAML could not be read: ${(e as Error).message}`));
        return undefined;
    }
    if (!isObject(raw)) {
        problems.push(src.problem([], "expected a mapping of fields (name: ..., domain: ...) at the top of the file", raw === null ? undefined : raw));
        return undefined;
    }
    const splits = commaSplits(doc, text.text);
    // A clean file is the same value on every run: kept by content hash (positions are parsed again if ever needed).
    if (splits.length === 0 && !aliases) DISK_CACHE.put(text.text, raw);
    for (const split of splits) {
        const what = split.path[split.path.length - 1] === "type" ? "type" : "value";
        problems.push(
            src.problem(
                split.path,
                `YAML splits a flow mapping ({ ... }) at every comma, so this reads as ${JSON.stringify(split.read)} followed by ${split.keys.map((k) => `a field '${k}'`).join(" and ")}; quote the ${what}: ${split.path[split.path.length - 1]}: ${JSON.stringify(split.written)}`,
                split.written,
            ),
        );
        // Put the value back together so the rest of the file is checked as meant, without "unknown field '2)'".
        const parent = valueAt(raw, split.path.slice(0, -1));
        if (isObject(parent)) {
            parent[String(split.path[split.path.length - 1])] = split.written;
            for (const k of split.keys) delete parent[k];
        }
    }
    return { src, raw };
}

function parseYaml(text: string): { doc: Document.Parsed; lines: LineCounter } {
    const lines = new LineCounter();
    return { doc: parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true }), lines };
}

/** A value JSON carries unchanged: what a cached entry must be (no -0, NaN, Infinity, holes or `__proto__` keys). */
function jsonFaithful(v: unknown): boolean {
    if (v === null || typeof v === "string" || typeof v === "boolean") return true;
    if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0);
    if (Array.isArray(v)) return v.every((x, i) => i in v && jsonFaithful(x));
    if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.keys(v as object).every((k) => k !== "__proto__" && jsonFaithful((v as Record<string, unknown>)[k]));
    }
    return false;
}

/**
 * Parsed dataset files on disk, across runs (the program, `dataset validate` and every check parse the same files
 * again) that the plain-YAML reader declines: the value of a clean file (no parse problem) by sha256 of its text,
 * salted with the yaml version and this module's own source, so a new parser or a change here never reads an old
 * entry. Only JSON-faithful values are kept.
 * In `LAKE_DATASET_CACHE_DIR`, else `<tmp>/lake-datasets-<uid>`; used only when the directory is this user's and not
 * writable by others (an entry becomes the table the deploy creates); `LAKE_DATASET_CACHE=off` turns it off.
 */
class ParsedValueCache {
    private dir: string | null | undefined;
    private salt = "";

    private ready(): string | null {
        if (this.dir !== undefined) return this.dir;
        this.dir = null;
        if (process.env.LAKE_DATASET_CACHE === "off") return null;
        try {
            const dir = process.env.LAKE_DATASET_CACHE_DIR ?? path.join(os.tmpdir(), `lake-datasets-${os.userInfo().uid}`);
            fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
            const st = fs.statSync(dir);
            if (typeof process.getuid === "function" && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return null;
            const yamlVersion = JSON.parse(fs.readFileSync(require.resolve("yaml/package.json"), "utf8")).version as string;
            this.salt = crypto.createHash("sha256").update(yamlVersion).update("\0").update(fs.readFileSync(__filename)).digest("hex");
            this.dir = dir;
        } catch {
            // No cache: every file is parsed, as without one.
        }
        return this.dir;
    }

    private entry(dir: string, text: string): string {
        return path.join(dir, `${crypto.createHash("sha256").update(this.salt).update("\0").update(text).digest("hex")}.json`);
    }

    get(text: string): Record<string, unknown> | undefined {
        const dir = this.ready();
        if (!dir) return undefined;
        try {
            const value: unknown = JSON.parse(fs.readFileSync(this.entry(dir, text), "utf8"));
            return isObject(value) ? value : undefined;
        } catch {
            return undefined;
        }
    }

    put(text: string, raw: Record<string, unknown>): void {
        const dir = this.ready();
        if (!dir || !jsonFaithful(raw)) return;
        const file = this.entry(dir, text);
        const tmp = `${file}.${process.pid}.tmp`;
        try {
            fs.writeFileSync(tmp, JSON.stringify(raw));
            fs.renameSync(tmp, file);
        } catch {
            fs.rmSync(tmp, { force: true });
        }
    }
}

const DISK_CACHE = new ParsedValueCache();

/**
 * Parses shared by the loads of one run: `dataset validate` loads every stack, and every stack reads the same dataset
 * files, so a file is parsed once per content (file, text). Each load gets the same parse problems and its own copy
 * of the value (the loader normalises it in place); positions come from the one parsed document. Scoped to the run
 * that creates it: nothing outlives it, so a changed file is always parsed again.
 */
export class ParseCache {
    private readonly entries = new Map<string, { problems: DatasetProblem[]; parsed?: ParsedSource }>();

    parse(text: SourceText, problems: DatasetProblem[]): ParsedSource | undefined {
        const key = `${text.file}\0${text.invalidUtf8?.offset ?? ""}\0${text.text}`;
        let entry = this.entries.get(key);
        if (!entry) {
            const found: DatasetProblem[] = [];
            const parsed = parseSource(text, found);
            // The entry owns the value parseSource made; every load gets a copy of it.
            entry = { problems: found, ...(parsed ? { parsed } : {}) };
            this.entries.set(key, entry);
        }
        problems.push(...entry.problems.map((p) => ({ ...p })));
        return entry.parsed && { src: entry.parsed.src, raw: copyParsed(entry.parsed.raw) };
    }
}

/**
 * A deep copy of a parsed value, much cheaper than structuredClone for the plain objects and arrays YAML gives: a
 * part shared by two places (a YAML alias) stays shared in the copy, as structuredClone keeps it; anything that is
 * not a plain object or array is copied by structuredClone.
 */
function copyParsed<T>(value: T, seen = new Map<object, unknown>()): T {
    if (value === null || typeof value !== "object") return value;
    const done = seen.get(value);
    if (done !== undefined) return done as T;
    if (Array.isArray(value)) {
        const out: unknown[] = [];
        seen.set(value, out);
        for (const v of value) out.push(copyParsed(v, seen));
        return out as T;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) {
        const out = structuredClone(value);
        seen.set(value, out);
        return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const k of Object.keys(value)) {
        const v = copyParsed((value as Record<string, unknown>)[k], seen);
        // `__proto__` as data (yaml defines it so): an own property here too, never the prototype.
        if (k === "__proto__") Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
        else out[k] = v;
    }
    return out as T;
}

export function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function valueAt(raw: unknown, at: FieldPath): unknown {
    let cur = raw;
    for (const seg of at) {
        if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg];
        else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg as string];
        else return undefined;
    }
    return cur;
}

interface CommaSplit {
    path: FieldPath;
    /** What YAML read as the value, e.g. `decimal(8`. */
    read: string;
    /** The keys without values the rest became, e.g. `2)`. */
    keys: string[];
    /** The text as written, e.g. `decimal(8,2)`. */
    written: string;
}

/**
 * `{ name: fare, type: decimal(8,2) }`: in a flow mapping a comma ends the plain value, so YAML reads
 * `type: decimal(8` and a key `2)` without a value. Found as a plain value with unclosed `(` or `<` followed by
 * value-less plain keys that close it.
 */
function commaSplits(doc: Document.Parsed, text: string): CommaSplit[] {
    const out: CommaSplit[] = [];
    const walk = (node: unknown, path: FieldPath) => {
        if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
        else if (isMap(node)) {
            if (node.flow) out.push(...splitsIn(node, path, text));
            for (const pair of node.items) if (isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)]);
        }
    };
    walk(doc.contents, []);
    return out;
}

function splitsIn(map: YAMLMap, path: FieldPath, text: string): CommaSplit[] {
    const out: CommaSplit[] = [];
    const items = map.items;
    for (let i = 0; i < items.length; i++) {
        const { key, value } = items[i]!;
        if (!isScalar(key) || !isPlainString(value) || unclosed(value.value) <= 0) continue;
        let open = unclosed(value.value);
        const keys: string[] = [];
        let end = value.range[1];
        for (let j = i + 1; j < items.length && open > 0; j++) {
            const next = items[j]!;
            if (next.value !== null || !isPlainString(next.key)) break;
            keys.push(next.key.value);
            open += unclosed(next.key.value);
            end = next.key.range[1];
        }
        if (!keys.length || open !== 0) continue;
        out.push({ path: [...path, String(key.value)], read: value.value, keys, written: text.slice(value.range[0], end) });
        i += keys.length;
    }
    return out;
}

function isPlainString(node: unknown): node is Scalar<string> & { range: [number, number, number] } {
    return isScalar(node) && node.type === "PLAIN" && typeof node.value === "string" && !!node.range;
}

/** Brackets a type opens and doesn't close: `decimal(8` is 1, `2)` is -1. */
function unclosed(s: string): number {
    let n = 0;
    for (const ch of s) n += ch === "(" || ch === "<" ? 1 : ch === ")" || ch === ">" ? -1 : 0;
    return n;
}

function rangeStart(node: unknown): number | undefined {
    return node && typeof node === "object" && "range" in node ? (node as Node).range?.[0] : undefined;
}
