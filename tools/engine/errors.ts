/**
 * An expected failure of the engine itself or of its inputs (program, config, pack): the CLI prints the
 * message without a stack and exits with `exitCode` (2 unless said otherwise).
 */
export class EngineError extends Error {
    constructor(
        message: string,
        readonly exitCode = 2,
        /** Extra detail (e.g. a stack) shown only with --verbose. */
        readonly detail?: string,
    ) {
        super(message);
        this.name = "EngineError";
    }
}

/**
 * A policy pack's error text as the engine reports it: the message without stack frames, except the first frame in
 * the pack itself (in `dir`, outside node_modules). `crash`: Node's crash report, whose "Node.js vX" line goes too.
 */
export function ownFrameOnly(text: string, dir: string, crash = false): string {
    const lines = text.split("\n");
    const frame = (l: string) => /^\s+at /.test(l);
    const own = lines.find((l) => frame(l) && l.includes(dir) && !l.includes("node_modules"));
    return lines
        .filter((l) => !frame(l) && !(crash && /^Node\.js v/.test(l)))
        .concat(own ? [own] : [])
        .join("\n")
        .trim();
}
