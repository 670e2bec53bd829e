/**
 * Progress on stderr: a bar with the count, img/s and the ETA, redrawn on a
 * terminal; nothing until the end otherwise (the caller prints the summary).
 * A message printed while the bar is up goes through {@link printAbove}: the
 * bar's line is cleared first and the bar redrawn below the message, so a
 * message is never glued to the bar.
 *
 * @module
 */

/** Where a bar draws: whether it is a terminal, and how to write to it. */
export interface BarSink {
  readonly tty: boolean;
  write(text: string): void;
}

function stderrSink(): BarSink {
  let tty = false;
  try {
    tty = Deno.stderr.isTerminal();
  } catch { /* not a terminal */ }
  const encoder = new TextEncoder();
  return { tty, write: (t) => Deno.stderr.writeSync(encoder.encode(t)) };
}

/** The bar on the screen now, if any. */
let active: Progress | null = null;

/** Carriage return and erase-line: the bar's line made empty, the cursor at its start. */
export const CLEAR_LINE = "\r\x1b[K";

/**
 * Runs `print` (which writes whole lines to stderr) with the bar's line
 * cleared first and the bar redrawn after, when a bar is up.
 *
 * @example
 * ```ts
 * import { printAbove } from "./progress.ts";
 * printAbove(() => console.error("in/x.png: not a PNG or JPEG file"));
 * ```
 */
export function printAbove(print: () => void): void {
  const bar = active;
  bar?.clear();
  try {
    print();
  } finally {
    bar?.redraw();
  }
}

/** Reports progress of `total` inputs (written, skipped or failed: what the summary counts). */
export class Progress {
  private done = 0;
  private last = -Infinity;
  private shown = false;
  private readonly start = performance.now();
  private readonly tty: boolean;
  private readonly sink: BarSink;

  constructor(private readonly total: number, quiet: boolean, sink: BarSink = stderrSink()) {
    this.sink = sink;
    this.tty = sink.tty && !quiet;
    if (this.tty) active = this;
  }

  /** Inputs per second so far. */
  rate(): number {
    const s = (performance.now() - this.start) / 1000;
    return s > 0 ? this.done / s : 0;
  }

  /** Counts `n` more inputs done (processed, skipped or failed). */
  add(n: number): void {
    this.done += n;
    const now = performance.now();
    if (!this.tty || (now - this.last < 100 && this.done < this.total)) return;
    this.last = now;
    this.redraw();
  }

  /** Draws the bar again on its line (a terminal only). */
  redraw(): void {
    if (!this.tty || active !== this) return;
    const width = 30, frac = this.total ? this.done / this.total : 1;
    const bar = "#".repeat(Math.round(frac * width)).padEnd(width, ".");
    const rate = this.rate();
    const eta = rate > 0 ? Math.ceil((this.total - this.done) / rate) : 0;
    const text = `[${bar}] ${this.done}/${this.total} inputs ${rate.toFixed(1)}/s ETA ${eta}s`;
    this.sink.write(`${CLEAR_LINE}${text}`);
    this.shown = true;
  }

  /** Empties the bar's line, so the next line written starts at its beginning. */
  clear(): void {
    if (!this.tty || !this.shown) return;
    this.sink.write(CLEAR_LINE);
    this.shown = false;
  }

  /** Ends the bar's line (the bar stays on screen, the summary goes below it). */
  end(): void {
    if (this.tty && this.shown) this.sink.write("\n");
    this.shown = false;
    if (active === this) active = null;
  }
}
