/**
 * The offline diff itself: two planned resource lists (base and head of one stack) -> what `pulumi up` of the
 * head would do to a stack deployed from the base. Pure: no git, no engine, no I/O.
 *
 * Matching follows the engine: a head resource answers to its URN or to any of its aliases, so a resource moved
 * to another parent or renamed with an alias is the same resource (no remove + add). Replacement is judged per
 * type from the replace-on table (replace-on.ts). Protected data (protect or retainOnDelete) that would be deleted
 * or replaced is listed first: `protect` makes `pulumi up` fail, `retainOnDelete` leaves the old resource behind.
 */
import type { PlannedResource } from "@acme-lake/offline-engine";
import type { ReplaceOn } from "./replace-on";

/**
 * The fields of the engine's PlannedResource the diff reads. `provider` is `urn::id`: only the URN part is compared
 * (the mocks' provider id is random per run).
 */
export type DiffResource = Pick<
    PlannedResource,
    "urn" | "type" | "name" | "parent" | "custom" | "inputs" | "provider" | "protect" | "retainOnDelete" | "deleteBeforeReplace" | "aliases" | "external"
>;

export type ChangeKind = "add" | "remove" | "replace" | "update";

export interface InputChange {
    /** Dotted path with [index] for arrays, e.g. `storageDescriptor.columns[2].type`. */
    path: string;
    /** Absent (undefined) on the side where the value doesn't exist. */
    before?: unknown;
    after?: unknown;
}

export interface OptionChange {
    option: "protect" | "retainOnDelete" | "deleteBeforeReplace" | "provider" | "parent";
    before: unknown;
    after: unknown;
}

export interface ResourceChange {
    kind: ChangeKind;
    /** The head URN (the base URN for a removal). */
    urn: string;
    type: string;
    name: string;
    /** true for provider resources; false for components and the stack. */
    custom: boolean;
    /** Set when the base resource had another URN and the head answers to it through an alias. */
    movedFrom?: string;
    /** Input paths that differ (replace and update). */
    changedInputs: string[];
    inputChanges: InputChange[];
    /** The changed top-level inputs the provider replaces on (replace only). */
    replaceOn: string[];
    optionChanges: OptionChange[];
    /** Of the deployed (base) resource for remove/replace, of the head resource for add/update. */
    protect: boolean;
    retainOnDelete: boolean;
    /** replace only: the new resource is created after the old one is deleted. */
    deleteBeforeReplace?: boolean;
    /** update only: the type isn't in the replace-on table, so a change could still be a replacement. */
    replaceUnknown?: boolean;
}

/** A protected or retained resource that the head would delete or replace. Listed first in every report. */
export interface ProtectedRisk {
    kind: "remove" | "replace";
    urn: string;
    type: string;
    name: string;
    protect: boolean;
    retainOnDelete: boolean;
    /** What `pulumi up` would do with it, in one sentence. */
    consequence: string;
    /** replace: the inputs that force it. */
    replaceOn: string[];
}

export interface DiffSummary {
    add: number;
    remove: number;
    replace: number;
    update: number;
    /** Matched through an alias (moved/renamed), whatever else changed. */
    moved: number;
    same: number;
    protectedAtRisk: number;
}

export interface StackDiff {
    protectedAtRisk: ProtectedRisk[];
    /** Ordered: replace, remove, add, update (the risky first), each by URN. */
    changes: ResourceChange[];
    /** Resources matched through an alias with no other change: listed, not counted as changes. */
    moved: { urn: string; from: string; type: string; name: string }[];
    summary: DiffSummary;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Inputs as Pulumi compares them: undefined values are absent. */
function normalise(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(normalise);
    if (isObject(v)) {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = normalise(v[k]);
        return out;
    }
    return v;
}

function equal(a: unknown, b: unknown): boolean {
    return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

const join = (base: string, key: string) => (base ? `${base}.${key}` : key);

/** Leaf-level differences: objects recurse by key, arrays by index; anything else compares as a value. */
export function diffInputs(before: unknown, after: unknown, at = ""): InputChange[] {
    if (equal(before, after)) return [];
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((k) => diffInputs(before[k], after[k], join(at, k)));
    }
    if (Array.isArray(before) && Array.isArray(after)) {
        const out: InputChange[] = [];
        for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...diffInputs(before[i], after[i], `${at}[${i}]`));
        return out;
    }
    // Policy documents and other JSON held in strings: the statement that changed, not two 2 KB strings.
    const [jb, ja] = [jsonDocument(before), jsonDocument(after)];
    if (jb !== undefined && ja !== undefined) return diffInputs(jb, ja, `${at}(json)`);
    const change: InputChange = { path: at || "(inputs)" };
    if (before !== undefined) change.before = before;
    if (after !== undefined) change.after = after;
    return [change];
}

/** A string holding a JSON object or array, parsed; else undefined. */
function jsonDocument(v: unknown): unknown {
    if (typeof v !== "string" || !/^\s*[[{]/.test(v)) return undefined;
    try {
        return JSON.parse(v) as unknown;
    } catch {
        return undefined;
    }
}

/** `tags.owner` -> `tags`, `rules[0].id` -> `rules`, `policy(json).Statement[1]` -> `policy`. */
export function topLevel(p: string): string {
    return p.split(/[.[(]/, 1)[0];
}

const providerUrn = (ref?: string) => (ref ? ref.replace(/::[^:]*$/, "") : undefined);

function consequence(kind: "remove" | "replace", r: { protect: boolean }): string {
    if (r.protect) {
        return kind === "remove"
            ? "pulumi up fails: the resource is protected and cannot be deleted (a reviewed change must first `pulumi state unprotect` it)"
            : "pulumi up fails: a protected resource cannot be replaced (change the code back, or unprotect it in a reviewed change)";
    }
    return kind === "remove"
        ? "retainOnDelete: it leaves the stack but stays in AWS, unmanaged, with its data"
        : "retainOnDelete: a new, empty resource is created and the old one is abandoned in AWS with its data";
}

const ORDER: Record<ChangeKind, number> = { replace: 0, remove: 1, add: 2, update: 3 };

/**
 * Diff the base (deployed) and head (proposed) plans of one stack. Resources read with `.get()` (external) are
 * not managed by the stack and left out.
 */
export function diffResources(base: DiffResource[], head: DiffResource[], replaceOn: ReplaceOn): StackDiff {
    const managed = (rs: DiffResource[]) => rs.filter((r) => !r.external);
    const baseByUrn = new Map(managed(base).map((r) => [r.urn, r]));
    const matched = new Set<string>();
    const changes: ResourceChange[] = [];
    const moved: StackDiff["moved"] = [];

    for (const h of managed(head)) {
        // Its own URN first, then its aliases in order, as the engine resolves them; a base resource answers once.
        const candidates = [h.urn, ...(h.aliases ?? [])];
        const fromUrn = candidates.find((u) => baseByUrn.has(u) && !matched.has(u));
        if (!fromUrn) {
            changes.push(change("add", h, { protect: h.protect, retainOnDelete: h.retainOnDelete }));
            continue;
        }
        matched.add(fromUrn);
        const b = baseByUrn.get(fromUrn)!;
        const inputChanges = h.custom ? diffInputs(b.inputs, h.inputs) : [];
        const optionChanges: OptionChange[] = [];
        const opt = (option: OptionChange["option"], before: unknown, after: unknown) => {
            if (!equal(before, after)) optionChanges.push({ option, before, after });
        };
        opt("protect", b.protect, h.protect);
        opt("retainOnDelete", b.retainOnDelete, h.retainOnDelete);
        opt("deleteBeforeReplace", b.deleteBeforeReplace ?? false, h.deleteBeforeReplace ?? false);
        opt("provider", providerUrn(b.provider), providerUrn(h.provider));
        if (fromUrn !== h.urn) opt("parent", b.parent, h.parent);
        const movedFrom = fromUrn !== h.urn ? fromUrn : undefined;
        if (!inputChanges.length && !optionChanges.filter((o) => o.option !== "parent").length) {
            if (movedFrom) moved.push({ urn: h.urn, from: movedFrom, type: h.type, name: h.name });
            continue;
        }
        const changedTop = [...new Set(inputChanges.map((c) => topLevel(c.path)))];
        const known = replaceOn.of(h.type);
        const forcing = changedTop.filter((p) => known?.includes(p));
        if (forcing.length) {
            changes.push(change("replace", h, {
                movedFrom, inputChanges, optionChanges, replaceOn: forcing,
                // What gets deleted is what is deployed: the base resource's options decide the risk.
                protect: b.protect, retainOnDelete: b.retainOnDelete, deleteBeforeReplace: h.deleteBeforeReplace ?? false,
            }));
        } else {
            changes.push(change("update", h, {
                movedFrom, inputChanges, optionChanges, protect: h.protect, retainOnDelete: h.retainOnDelete,
                replaceUnknown: h.custom && inputChanges.length > 0 && known === undefined ? true : undefined,
            }));
        }
        if (movedFrom) moved.push({ urn: h.urn, from: movedFrom, type: h.type, name: h.name });
    }
    for (const b of managed(base)) {
        if (!matched.has(b.urn)) changes.push(change("remove", b, { protect: b.protect, retainOnDelete: b.retainOnDelete }));
    }
    changes.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || (x.urn < y.urn ? -1 : x.urn > y.urn ? 1 : 0));

    const protectedAtRisk: ProtectedRisk[] = changes
        .filter((c): c is ResourceChange & { kind: "remove" | "replace" } => (c.kind === "remove" || c.kind === "replace") && (c.protect || c.retainOnDelete))
        .map((c) => ({
            kind: c.kind, urn: c.urn, type: c.type, name: c.name, protect: c.protect, retainOnDelete: c.retainOnDelete,
            consequence: consequence(c.kind, c), replaceOn: c.replaceOn,
        }));
    const count = (k: ChangeKind) => changes.filter((c) => c.kind === k).length;
    const changedOrMoved = new Set([...changes.map((c) => c.urn), ...moved.map((m) => m.urn)]);
    return {
        protectedAtRisk,
        changes,
        moved,
        summary: {
            add: count("add"), remove: count("remove"), replace: count("replace"), update: count("update"),
            moved: moved.length,
            same: managed(head).filter((h) => !changedOrMoved.has(h.urn)).length,
            protectedAtRisk: protectedAtRisk.length,
        },
    };
}

function change(kind: ChangeKind, r: DiffResource, extra: Partial<ResourceChange> & Pick<ResourceChange, "protect" | "retainOnDelete">): ResourceChange {
    const c: ResourceChange = {
        kind, urn: r.urn, type: r.type, name: r.name, custom: r.custom,
        changedInputs: [], inputChanges: [], replaceOn: [], optionChanges: [], ...extra,
    };
    c.changedInputs = c.inputChanges.map((i) => i.path);
    for (const k of Object.keys(c) as (keyof ResourceChange)[]) if (c[k] === undefined) delete c[k];
    return c;
}
