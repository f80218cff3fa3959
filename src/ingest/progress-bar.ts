/**
 * A text progress bar for the ingest command, on stderr: redrawn in place on a terminal (at most 10 times a
 * second), one line per 10% otherwise (CI logs, pipes).
 */

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

const WIDTH = 30;
const REDRAW_INTERVAL_MS = 100;

export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #label: string;
  readonly #startedAt = Date.now();
  #lastDrawAt = 0;
  #lastDecile = -1;

  constructor(label: string, stream: ProgressStream = process.stderr) {
    this.#label = label;
    this.#stream = stream;
  }

  /** `fraction` of the input read (0…1) and `rows` stored so far. */
  update(fraction: number, rows: number): void {
    const now = Date.now();
    if (this.#stream.isTTY) {
      if (now - this.#lastDrawAt < REDRAW_INTERVAL_MS) return;
      this.#lastDrawAt = now;
      this.#stream.write(`\r\x1b[2K${this.#render(fraction, rows, now)}`);
      return;
    }
    const decile = Math.floor(Math.min(1, Math.max(0, fraction)) * 10);
    if (decile > this.#lastDecile) {
      this.#lastDecile = decile;
      this.#stream.write(`${this.#render(fraction, rows, now)}\n`);
    }
  }

  /** Draws the final state (100%) and ends the line. */
  finish(rows: number): void {
    const line = this.#render(1, rows, Date.now());
    this.#stream.write(this.#stream.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }

  #render(fraction: number, rows: number, now: number): string {
    const clamped = Math.min(1, Math.max(0, fraction));
    const filled = Math.round(clamped * WIDTH);
    const seconds = Math.max((now - this.#startedAt) / 1000, 1e-3);
    const rate = Math.round(rows / seconds);
    return `${this.#label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}% ${rows.toLocaleString('en-US')} rows ${rate.toLocaleString('en-US')} rows/s`;
  }
}
