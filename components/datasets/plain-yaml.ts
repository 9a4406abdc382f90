/**
 * A fast reader for the plain YAML dataset files are written in: block mappings and sequences, one-line scalars
 * (plain, single- or double-quoted) and one-line flow lists and mappings, with comments. Anything else
 * (anchors, tags, block scalars, multi-line scalars, tabs, documents, odd keys, duplicate keys, a flow mapping
 * entry without a value, ...) returns undefined and the caller parses with the `yaml` package, so a value returned
 * here is always the one `yaml`'s `parseDocument(text, { uniqueKeys: true }).toJS()` gives for a file without
 * errors (test/datasets/plain-yaml.test.ts checks that on every file of the repository, the bench's generated mix
 * and random edits of them). It is the hot path of `dataset validate` and of the program: the `yaml` package
 * builds a full document with positions for every file, which is only needed when a file has a problem to point at.
 */

/** Thrown inside the reader when the text leaves the subset; never escapes readPlainYaml. */
class OutsideSubset extends Error {}
const BAIL = new OutsideSubset();
function bail(): never {
    throw BAIL;
}

interface Line {
    indent: number;
    /** The line after its indentation (never empty, never a comment). */
    text: string;
}

// Tabs, CR, BOM, controls and the characters YAML treats as line breaks or rejects: left to the yaml package.
const OUTSIDE = /[\t\r\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\uFEFF\uFFFE\uFFFF]/;
// A key as data teams write one; anything YAML could read as another type (true, null, 1e3) is left to yaml.
const KEY = /^([A-Za-z_][A-Za-z0-9_.\/-]*):(?: |$)/;
const NOT_STRING_KEYS = new Set(["true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "__proto__"]);

/** The key `text` starts with and the length of `key:` and its space, when it is a new string key of `into`. */
function keyOf(text: string, into: Record<string, unknown>): [key: string, length: number] {
    const m = KEY.exec(text);
    if (!m || NOT_STRING_KEYS.has(m[1]!) || Object.prototype.hasOwnProperty.call(into, m[1]!)) bail();
    return [m[1]!, m[0].length];
}

/** The plain value of `text`, or undefined when it is not in the subset (the caller then parses with `yaml`). */
export function readPlainYaml(text: string): Record<string, unknown> | undefined {
    if (OUTSIDE.test(text)) return undefined;
    const lines: Line[] = [];
    for (const raw of text.split("\n")) {
        let indent = 0;
        while (raw.charCodeAt(indent) === 32) indent++;
        if (indent === raw.length || raw.charCodeAt(indent) === 35 /* # */) continue;
        const body = raw.slice(indent);
        // Directives and document markers.
        if (indent === 0 && (body.startsWith("%") || /^(---|\.\.\.)( |$)/.test(body))) return undefined;
        lines.push({ indent, text: body.trimEnd() });
    }
    if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
    try {
        const reader = new Reader(lines);
        const value = reader.map(0);
        return reader.done() ? value : undefined;
    } catch (e) {
        if (e === BAIL) return undefined;
        throw e;
    }
}

class Reader {
    private i = 0;

    constructor(private readonly lines: Line[]) {}

    done(): boolean {
        return this.i === this.lines.length;
    }

    /** A block mapping whose keys start at column `indent`; `first` is its first entry when it follows "- ". */
    map(indent: number, first?: string): Record<string, unknown> {
        const out: Record<string, unknown> = {};
        let entry = first;
        for (;;) {
            if (entry === undefined) {
                const line = this.lines[this.i];
                if (!line || line.indent < indent) break;
                if (line.indent > indent) bail();
                entry = line.text;
                this.i++;
            }
            const [key, length] = keyOf(entry, out);
            out[key] = this.value(entry.slice(length).trimStart(), indent, true);
            entry = undefined;
        }
        return out;
    }

    /** A block sequence whose dashes are at column `indent`. */
    private seq(indent: number): unknown[] {
        const out: unknown[] = [];
        for (;;) {
            const line = this.lines[this.i];
            if (!line || line.indent !== indent || !isItem(line.text)) break;
            this.i++;
            let spaces = 1;
            while (line.text.charCodeAt(spaces) === 32) spaces++;
            const rest = line.text.slice(spaces);
            if (isItem(rest)) bail();
            if (KEY.test(rest)) out.push(this.map(indent + spaces, rest));
            else out.push(this.value(rest, indent, false));
        }
        return out;
    }

    /**
     * The value after `key:` or `- ` (`rest`, may be empty or a comment). Nested blocks start on the next line,
     * deeper than `owner`; a mapping's sequence may also start at the key's own column.
     */
    private value(rest: string, owner: number, sameColumnSeq: boolean): unknown {
        const next = this.lines[this.i];
        if (rest === "" || rest.startsWith("#")) {
            if (next && next.indent > owner) return isItem(next.text) ? this.seq(next.indent) : this.map(next.indent);
            if (next && sameColumnSeq && next.indent === owner && isItem(next.text)) return this.seq(owner);
            return null;
        }
        // A deeper line after a one-line value continues it (a multi-line scalar) or is an error: yaml decides.
        if (next && next.indent > owner) bail();
        const [value, end] = inline(rest, 0, false);
        if (!endOfLine(rest, end)) bail();
        return value;
    }
}

function isItem(text: string): boolean {
    return text === "-" || text.startsWith("- ");
}

/** Only spaces and a comment after `at`. */
function endOfLine(s: string, at: number): boolean {
    const tail = s.slice(at);
    const trimmed = tail.trimStart();
    return trimmed === "" || (trimmed.startsWith("#") && trimmed.length < tail.length);
}

/** A one-line value starting at `at`: its value and where it ended. In a flow collection, `flow` is true. */
function inline(s: string, at: number, flow: boolean): [unknown, number] {
    const c = s[at];
    if (c === '"') return doubleQuoted(s, at);
    if (c === "'") return singleQuoted(s, at);
    if (c === "[") return flowSeq(s, at);
    if (c === "{") return flowMap(s, at);
    return plain(s, at, flow);
}

// Characters that cannot start a plain scalar (YAML's indicators), or start one only in some contexts.
const PLAIN_START_REFUSED = new Set(["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`"]);

function plain(s: string, at: number, flow: boolean): [unknown, number] {
    const c = s[at];
    if (c === undefined) bail();
    // "-5" is a plain scalar; "- x", "-" and the other indicators are structure or left to yaml.
    if (PLAIN_START_REFUSED.has(c) && !(c === "-" && s[at + 1] !== undefined && s[at + 1] !== " " && !(flow && ",[]{}".includes(s[at + 1]!)))) bail();
    let end = at;
    for (; end < s.length; end++) {
        const ch = s[end]!;
        if (ch === "#" && s[end - 1] === " ") break;
        if (ch === ":") {
            const after = s[end + 1];
            if (after === undefined || after === " ") {
                if (!flow) bail();
                break;
            }
            if (flow && ",[]{}".includes(after)) bail();
        }
        if (flow && ",[]{}".includes(ch)) break;
    }
    const raw = s.slice(at, end).trimEnd();
    return [resolvePlain(raw), at + raw.length];
}

// The YAML 1.2 core schema's tags for plain scalars (what the yaml package resolves by default).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const NUMBERISH = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
const SIMPLE_INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
const SIMPLE_FLOAT = /^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/;

function resolvePlain(raw: string): unknown {
    if (NULL.test(raw)) return raw === "" ? bail() : null;
    if (BOOL.test(raw)) return raw[0] === "t" || raw[0] === "T";
    if (NUMBERISH.test(raw)) {
        // Only the everyday forms; octal, hex, exponents, signs, leading zeros and -0 are left to yaml.
        if (raw !== "-0" && (SIMPLE_INT.test(raw) || SIMPLE_FLOAT.test(raw))) return Number(raw);
        bail();
    }
    return raw;
}

const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', "/": "/", n: "\n", t: "\t" };

function doubleQuoted(s: string, at: number): [string, number] {
    let out = "";
    for (let i = at + 1; i < s.length; i++) {
        const ch = s[i]!;
        if (ch === '"') return [out, i + 1];
        if (ch !== "\\") {
            out += ch;
            continue;
        }
        const e = s[++i];
        if (e !== undefined && e in ESCAPES) out += ESCAPES[e];
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
            const code = parseInt(s.slice(i + 1, i + 5), 16);
            // Lone surrogates and pairs written as two escapes: left to yaml.
            if (code >= 0xd800 && code <= 0xdfff) bail();
            out += String.fromCharCode(code);
            i += 4;
        } else bail();
    }
    return bail();
}

function singleQuoted(s: string, at: number): [string, number] {
    let out = "";
    for (let i = at + 1; i < s.length; i++) {
        const ch = s[i]!;
        if (ch !== "'") {
            out += ch;
            continue;
        }
        if (s[i + 1] === "'") {
            out += "'";
            i++;
            continue;
        }
        return [out, i + 1];
    }
    return bail();
}

function skipSpaces(s: string, at: number): number {
    while (s[at] === " ") at++;
    return at;
}

/** A flow entry's value must be followed by spaces and then "," or the closing bracket. */
function afterEntry(s: string, at: number, close: string): [closed: boolean, at: number] {
    at = skipSpaces(s, at);
    if (s[at] === close) return [true, at + 1];
    if (s[at] !== ",") bail();
    at = skipSpaces(s, at + 1);
    // A trailing comma, or an empty entry: left to yaml.
    if (s[at] === close || s[at] === ",") bail();
    return [false, at];
}

function flowSeq(s: string, at: number): [unknown[], number] {
    const out: unknown[] = [];
    at = skipSpaces(s, at + 1);
    if (s[at] === "]") return [out, at + 1];
    for (;;) {
        const [value, end] = inline(s, at, true);
        // "[a: b]" is a list of one-pair mappings in YAML: left to yaml.
        if (s[skipSpaces(s, end)] === ":") bail();
        out.push(value);
        const [closed, next] = afterEntry(s, end, "]");
        if (closed) return [out, next];
        at = next;
    }
}

function flowMap(s: string, at: number): [Record<string, unknown>, number] {
    const out: Record<string, unknown> = {};
    at = skipSpaces(s, at + 1);
    if (s[at] === "}") return [out, at + 1];
    for (;;) {
        // Every entry is `key: value`: a key without a value (how `decimal(8,2)` splits at its comma) is left to yaml,
        // whose document the loader needs to report the split.
        const [key, length] = keyOf(s.slice(at), out);
        const start = skipSpaces(s, at + length);
        if (s[start] === undefined || ",}".includes(s[start]!)) bail();
        const [value, end] = inline(s, start, true);
        out[key] = value;
        const [closed, next] = afterEntry(s, end, "}");
        if (closed) return [out, next];
        at = next;
    }
}
