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
