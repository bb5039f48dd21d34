// A one-line progress bar on a terminal (step, loss, targets/s, ETA); periodic lines otherwise.

export class Progress {
  private readonly startedAt = performance.now();
  private lastDraw = 0;
  private targets = 0;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly firstStep: number,
    /** A time budget left for this run (train --minutes), which bounds the ETA. */
    private readonly secondsLeft = Infinity,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  update(step: number, loss: number, targets: number): void {
    this.targets += targets;
    const now = performance.now();
    const every = this.tty ? 200 : 10_000;
    if (now - this.lastDraw < every && step !== this.total) return;
    this.lastDraw = now;
    const seconds = (now - this.startedAt) / 1000;
    const done = step - this.firstStep;
    const eta = Math.min(done > 0 ? ((this.total - step) * seconds) / done : 0, Math.max(0, this.secondsLeft - seconds));
    const width = 24;
    const filled = Math.round((width * step) / this.total);
    const bar = '█'.repeat(filled) + '·'.repeat(width - filled);
    const line = `${bar} step ${step}/${this.total} | loss ${loss.toFixed(4)} | ${Math.round(this.targets / seconds).toLocaleString('en-US')} targets/s | ETA ${formatDuration(eta)}`;
    this.out.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** Prints a line above the bar. */
  log(message: string): void {
    this.out.write(this.tty ? `\r\x1b[K${message}\n` : `${message}\n`);
    this.lastDraw = 0;
  }

  end(): void {
    if (this.tty) this.out.write('\n');
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
