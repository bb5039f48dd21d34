// Progress on stderr. On a terminal: one line redrawn in place, cut to the terminal's width (a line
// wider than the terminal wraps, and '\r' returns only to its last row, so every redraw would leave
// a new line behind). Elsewhere (a log file, a pipe): a plain line after the first step (the run is
// going), then every 10 s.

const BAR_WIDTH = 24;
const MIN_BAR_WIDTH = 8; // narrower than this a bar says nothing: drop it
const REDRAW_MS = { tty: 200, plain: 10_000 };

/** The stream parts Progress uses (a tty.WriteStream has them all). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class Progress {
  private readonly startedAt = performance.now();
  private lastDraw = -Infinity; // the first step is drawn at once
  private targets = 0;

  constructor(
    private readonly total: number,
    private readonly firstStep: number,
    /** A time budget left for this run (train --minutes), which bounds the ETA. */
    private readonly secondsLeft = Infinity,
    private readonly out: ProgressStream = process.stderr,
  ) {}

  update(step: number, loss: number, targets: number): void {
    this.targets += targets;
    const now = performance.now();
    if (now - this.lastDraw < (this.out.isTTY ? REDRAW_MS.tty : REDRAW_MS.plain) && step !== this.total) return;
    this.lastDraw = now;
    const seconds = (now - this.startedAt) / 1000;
    const done = step - this.firstStep;
    const eta = Math.min(done > 0 ? ((this.total - step) * seconds) / done : 0, Math.max(0, this.secondsLeft - seconds));
    // most important first: on a narrow terminal the last fields are dropped
    const fields = [`step ${step}/${this.total}`, `ETA ${formatDuration(eta)}`, `loss ${loss.toFixed(4)}`, `${Math.round(this.targets / seconds).toLocaleString('en-US')} targets/s`];
    if (this.out.isTTY) this.out.write(`\r${fitToWidth(fields, step / this.total, this.out.columns ?? 80)}\x1b[K`);
    else this.out.write(`${fields.join(' | ')}\n`);
  }

  /** Prints a line above the bar. */
  log(message: string): void {
    this.out.write(this.out.isTTY ? `\r\x1b[K${message}\n` : `${message}\n`);
    this.lastDraw = -Infinity;
  }

  end(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}

/** A bar showing `fraction`, then as many of `fields` as fit in columns − 1 characters (the last column would wrap on some terminals). */
export function fitToWidth(fields: string[], fraction: number, columns: number): string {
  const room = columns - 1;
  let kept = fields.length;
  while (kept > 1 && fields.slice(0, kept).join(' | ').length > room) kept--;
  const text = fields.slice(0, kept).join(' | ');
  const barWidth = Math.min(BAR_WIDTH, room - text.length - 1);
  if (barWidth < MIN_BAR_WIDTH) return text.slice(0, Math.max(0, room));
  const filled = Math.round(barWidth * Math.min(1, Math.max(0, fraction)));
  return `${'█'.repeat(filled)}${'·'.repeat(barWidth - filled)} ${text}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
