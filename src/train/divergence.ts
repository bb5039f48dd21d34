// Divergence: a run whose loss has left any useful range (a learning rate far too high) stops at
// once, instead of training on and saving garbage as its "best" model. As PyTorch Lightning's
// EarlyStopping does with check_finite and divergence_threshold, but relative to the run itself:
// the training loss is smoothed (an exponential moving average, so one hard batch of a few words
// is not a divergence) and compared, from the first step, with the lowest it has been — which is
// never above where the run started, about ln(vocabulary size) for a fresh model.

/** How far above its lowest the smoothed training loss may go: 2× by default (the CLI's --divergence-factor). */
export const DEFAULT_DIVERGENCE_FACTOR = 2;

/** Weight of each new step in the moving average: about the last 20 steps count. */
const SMOOTHING = 0.1;

/** Thrown by {@link train} when the loss diverged: not finite, or far above its lowest (lower the learning rate). */
export class DivergenceError extends Error {
  constructor(
    /** The step at which it was seen. */
    readonly step: number,
    /** The loss that diverged (a step's, the moving average, or a dev loss). */
    readonly loss: number,
    problem: string,
  ) {
    super(`${problem}; stopped, the last saved checkpoint is kept`);
    this.name = 'DivergenceError';
  }
}

/** A {@link DivergenceError} for a loss that is NaN or infinite. */
export class NonFiniteLossError extends DivergenceError {
  constructor(step: number, loss: number, which: 'training' | 'dev' = 'training') {
    super(step, loss, `${which} loss became ${loss} at step ${step}`);
    this.name = 'NonFiniteLossError';
  }
}

/** Watches a run's losses; `factor` 0 turns the comparison off (a non-finite loss still stops the run). */
export class DivergenceWatch {
  private average: number | null = null;
  private lowest = Infinity;
  private start: number | null = null;

  /** A watch that has seen `history` (a resumed run's per-step losses). */
  constructor(
    private readonly factor: number,
    history: readonly number[] = [],
  ) {
    for (const loss of history) this.smooth(loss);
  }

  /** Throws a {@link DivergenceError} if the training loss of `step` (1-based) shows the run diverging. */
  step(step: number, loss: number): void {
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(step, loss);
    const average = this.smooth(loss);
    if (this.factor > 0 && average > this.factor * this.lowest) {
      throw new DivergenceError(step, average, `training loss diverged at step ${step}: its moving average ${fmt(average)} is over ${this.factor}× its lowest, ${fmt(this.lowest)}`);
    }
  }

  /** Throws a {@link DivergenceError} if a dev loss shows the parameters diverged: not finite, or far above the run's first training loss. */
  dev(step: number, loss: number): void {
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(step, loss, 'dev');
    if (this.factor > 0 && this.start !== null && loss > this.factor * this.start) {
      throw new DivergenceError(step, loss, `dev loss diverged at step ${step}: ${fmt(loss)} is over ${this.factor}× the first training loss, ${fmt(this.start)}`);
    }
  }

  private smooth(loss: number): number {
    this.start ??= loss;
    this.average = this.average === null ? loss : this.average + SMOOTHING * (loss - this.average);
    this.lowest = Math.min(this.lowest, this.average);
    return this.average;
  }
}

function fmt(x: number): string {
  return x.toFixed(4);
}
