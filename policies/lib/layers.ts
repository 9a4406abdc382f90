import { CURATED_LAYERS, LAYERS, Layer, MARKERS } from "../../contract";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * Which lake layer a table, bucket or stream belongs to.
 *
 * Evidence, strongest first, and the first source that says anything wins:
 *  1. the explicit `lake:layer` marker our components set (table/database parameter, bucket/stream tag);
 *  2. name patterns on each candidate string the caller hands over, in the caller's order
 *     (database name, then table location; stream prefix, then bucket). Programs that don't use our
 *     components are judged this way.
 * Within one string that matches both a raw and a curated pattern (e.g. `raw-to-gold`), the curated
 * layer wins: an ambiguous name errs towards enforcement, and the message says which word matched.
 */

export interface LayerPatterns {
    /** Case-insensitive regex sources. */
    bronze: string;
    silver: string;
    gold: string;
}

/** Words as name tokens: delimited by start/end or any non-alphanumeric (`-`, `_`, `/`, `.`, `:`). */
const word = (alternatives: string) => `(?:^|[^a-z0-9])(?:${alternatives})(?:[^a-z0-9]|$)`;

export const DEFAULT_LAYER_PATTERNS: LayerPatterns = {
    bronze: word("raw|bronze|landing"),
    silver: word("silver|refined"),
    gold: word("gold|curated"),
};

/** The `layerPatterns` config property, shared by every layer-aware policy. */
export const layerPatternsSchema: PolicyConfigJSONSchema = {
    type: "object",
    description:
        "Case-insensitive regexes that place a database name, bucket or S3 location in a layer when no `lake:layer` marker is set.",
    properties: {
        bronze: { type: "string" },
        silver: { type: "string" },
        gold: { type: "string" },
    },
    default: DEFAULT_LAYER_PATTERNS,
};

export interface LayerVerdict {
    layer: Layer;
    /** Human-readable evidence, used verbatim in messages. */
    because: string;
}

/** Normalises a marker value; "raw" is the bronze layer. Unrecognised values give undefined. */
export function parseLayer(value: string | undefined): Layer | undefined {
    if (!value) return undefined;
    const v = value.trim().toLowerCase();
    if (v === "raw") return "bronze";
    return (LAYERS as readonly string[]).includes(v) ? (v as Layer) : undefined;
}

export function isCurated(layer: Layer | undefined): boolean {
    return layer !== undefined && CURATED_LAYERS.includes(layer);
}

/** A marker source: where it was read from, and its map (parameters or tags). */
export interface MarkerSource {
    where: string;
    values: Record<string, string>;
}

/** A pattern candidate: what it is (for the message) and its text. */
export interface NameCandidate {
    what: string;
    text: string | undefined;
}

function compile(patterns: Partial<LayerPatterns> | undefined): [Layer, RegExp][] {
    const p = { ...DEFAULT_LAYER_PATTERNS, ...(patterns ?? {}) };
    // Curated layers first so an ambiguous string errs towards enforcement.
    return [
        ["gold", new RegExp(p.gold, "i")],
        ["silver", new RegExp(p.silver, "i")],
        ["bronze", new RegExp(p.bronze, "i")],
    ];
}

export function detectLayer(
    markers: MarkerSource[],
    names: NameCandidate[],
    patterns?: Partial<LayerPatterns>,
): LayerVerdict | undefined {
    for (const m of markers) {
        const raw = m.values[MARKERS.layer];
        const layer = parseLayer(raw);
        if (layer) return { layer, because: `${m.where} ${MARKERS.layer}="${raw}"` };
    }
    const compiled = compile(patterns);
    for (const n of names) {
        if (!n.text) continue;
        for (const [layer, re] of compiled) {
            if (re.test(n.text)) return { layer, because: `${n.what} "${n.text}" matches the ${layer} name pattern` };
        }
    }
    return undefined;
}

/** What a layer decision looked at: markers, then name candidates; `pending` lists computed (preview) evidence. */
export interface LayerEvidence {
    markers: MarkerSource[];
    names: NameCandidate[];
    /** Evidence fields that are unknown until apply: no verdict is final while any is pending. */
    pending: string[];
}

export function layerOf(e: LayerEvidence, patterns?: Partial<LayerPatterns>): LayerVerdict | undefined {
    return detectLayer(e.markers, e.names, patterns);
}

/**
 * Why no layer was found, naming every piece of evidence looked at, e.g. `no lake:layer marker in the table
 * parameters or database 'dw' parameters, and database name "analytics_dw" matches no layer pattern`.
 */
export function explainNoLayer(e: LayerEvidence): string {
    const invalid = e.markers.filter((m) => m.values[MARKERS.layer] !== undefined);
    const where = e.markers.map((m) => `${m.where}s`).join(" or ");
    const markerPart =
        invalid.length > 0
            ? invalid.map((m) => `${m.where} ${MARKERS.layer}="${m.values[MARKERS.layer]}" is not bronze, silver, gold or raw`).join("; ")
            : `no ${MARKERS.layer} marker in the ${where}`;
    const names = e.names.filter((n): n is { what: string; text: string } => n.text !== undefined);
    const namePart =
        names.length === 0
            ? `no ${e.names.map((n) => n.what).join(", ")} to match a layer pattern against`
            : `${names.map((n) => `${n.what} "${n.text}"`).join(", ")} ${names.length === 1 ? "matches" : "match"} no layer pattern`;
    return `${markerPart}, and ${namePart}`;
}

/** The default patterns' words, for messages ("raw|bronze|landing"). */
export function patternWords(patterns?: Partial<LayerPatterns>): string {
    const p = { ...DEFAULT_LAYER_PATTERNS, ...(patterns ?? {}) };
    const words = (re: string) => /\(\?:([^()]*)\)\(\?:\[\^a-z0-9\]/.exec(re)?.[1] ?? re;
    return `bronze: ${words(p.bronze)}; silver: ${words(p.silver)}; gold: ${words(p.gold)}`;
}
