/**
 * Progress on stderr: a bar with the count, img/s and the ETA, redrawn on a
 * terminal; nothing until the end otherwise (the caller prints the summary).
 *
 * @module
 */

/** Reports progress of `total` inputs (written, skipped or failed: what the summary counts). */
export class Progress {
  private done = 0;
  private last = 0;
  private readonly start = performance.now();
  private readonly tty: boolean;

  constructor(private readonly total: number, quiet: boolean) {
    let tty = false;
    try {
      tty = Deno.stderr.isTerminal();
    } catch { /* not a terminal */ }
    this.tty = tty && !quiet;
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
    const width = 30, frac = this.total ? this.done / this.total : 1;
    const bar = "#".repeat(Math.round(frac * width)).padEnd(width, ".");
    const rate = this.rate();
    const eta = rate > 0 ? Math.ceil((this.total - this.done) / rate) : 0;
    const text = `[${bar}] ${this.done}/${this.total} inputs ${rate.toFixed(1)}/s ETA ${eta}s`;
    Deno.stderr.writeSync(new TextEncoder().encode(`\r${text}`));
  }

  /** Ends the bar's line. */
  end(): void {
    if (this.tty) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  }
}
