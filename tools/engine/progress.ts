/**
 * Progress on stderr for interactive use only: nothing unless stderr is a TTY and CI is unset, and
 * nothing for steps that finish within a second, so CI logs and piped output stay machine-readable.
 */
const FRAMES = ["|", "/", "-", "\\"];

export interface Progress {
    /** A new step: resets the one-second grace period. */
    step(label: string): void;
    /** New wording for the current step (e.g. a running count). */
    update(label: string): void;
    done(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
    const interactive = Boolean(stream.isTTY) && !process.env.CI;
    if (!interactive) return { step: () => undefined, update: () => undefined, done: () => undefined };
    let label = "";
    let started = Date.now();
    let frame = 0;
    let shown = false;
    const timer = setInterval(() => {
        const elapsed = Date.now() - started;
        if (elapsed < 1000) return;
        shown = true;
        stream.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${label} (${(elapsed / 1000).toFixed(1)}s)`);
    }, 100);
    timer.unref();
    const clear = () => {
        if (shown) stream.write("\r\x1b[K");
        shown = false;
    };
    return {
        step(next: string) {
            clear();
            label = next;
            started = Date.now();
        },
        update(next: string) {
            label = next;
        },
        done() {
            clearInterval(timer);
            clear();
        },
    };
}
