// SGD with the lecture's step decay, and AdamW. Updates run through the engine's ops, in place.

import type { AdamWTensors, ConvOps } from '../engine/ops.ts';
import type { Grads, ParamSet } from '../params.ts';

export type OptimizerName = 'sgd' | 'adamw';

/** Which optimizer and its settings. */
export interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  /** The lecture's step decay, for either optimizer: lr until this fraction of the steps, then lr / 10. */
  decayAt: number;
  /** AdamW's decoupled weight decay (SGD has none). */
  weightDecay: number;
  /**
   * After the warm-up: 'step' (the default; lr, then lr / 10 from `decayAt`) or 'cosine' (from lr
   * down to lr / 10 along half a cosine, over the rest of the steps or of the time budget).
   */
  schedule?: LrSchedule;
  /** Steps of linear warm-up from 0 to lr (default 0): step s (0-based) of them uses lr·(s + 1)/warmup. */
  warmup?: number;
}

export type LrSchedule = 'step' | 'cosine';

/** Where both schedules end: lr / 10. */
const FINAL_FRACTION = 0.1;

export const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.1, adamw: 0.003 };

/**
 * The learning rate at `step` (0-based) of `steps`: the lecture drops 0.1 → 0.01 at 150,000 of
 * 200,000 (schedule 'step'); 'cosine' goes from lr at the end of the warm-up to lr / 10 at the last step.
 */
export function learningRate(cfg: OptimizerConfig, step: number, steps: number): number {
  const warmup = cfg.warmup ?? 0;
  if (step < warmup) return (cfg.lr * (step + 1)) / warmup;
  if (cfg.schedule === 'cosine') return cosine(cfg.lr, steps - warmup <= 1 ? 1 : (step - warmup) / (steps - warmup - 1));
  return step < Math.floor(cfg.decayAt * steps) ? cfg.lr : cfg.lr / 10;
}

/**
 * The learning rate of a time-budgeted run `seconds` into its `budget`, at `step` (0-based): the
 * warm-up still counts steps; the step drop comes at decayAt of the time, and the cosine runs over
 * the whole budget's time (the warm-up's included: it is near lr for its first moments anyway).
 */
export function timedLearningRate(cfg: OptimizerConfig, seconds: number, budget: number, step = Infinity): number {
  const warmup = cfg.warmup ?? 0;
  if (step < warmup) return (cfg.lr * (step + 1)) / warmup;
  if (cfg.schedule === 'cosine') return cosine(cfg.lr, seconds / budget);
  return seconds < cfg.decayAt * budget ? cfg.lr : cfg.lr / 10;
}

// lr at fraction t (clamped to [0, 1]) of a half cosine from lr to lr / 10
function cosine(lr: number, t: number): number {
  const f = Math.min(1, Math.max(0, t));
  const low = lr * FINAL_FRACTION;
  return low + ((lr - low) * (1 + Math.cos(Math.PI * f))) / 2;
}

/** SGD or AdamW (β 0.9 / 0.999, ε 1e-8), updating the trainable tensors in place through the ops. */
export class Optimizer {
  /** AdamW moments, by parameter name (empty for SGD). */
  readonly moments = new Map<string, { m: Float32Array; v: Float32Array }>();

  constructor(
    readonly cfg: OptimizerConfig,
    private readonly ops: ConvOps,
  ) {}

  /** Continues from saved moments (a resumed run), copied to where the ops read them in place. */
  restore(moments: Map<string, { m: Float32Array; v: Float32Array }>): void {
    for (const [name, saved] of moments) {
      const m = this.ops.allocate(saved.m.length);
      const v = this.ops.allocate(saved.v.length);
      m.set(saved.m);
      v.set(saved.v);
      this.moments.set(name, { m, v });
    }
  }

  step(params: ParamSet, grads: Grads, lr: number, step: number): void {
    const adamw: AdamWTensors[] = [];
    for (const [name, w] of params.trainable()) {
      const g = grads.get(name)!.data;
      if (this.cfg.name === 'sgd') {
        this.ops.sgdUpdate(w.data, g, lr);
        continue;
      }
      let state = this.moments.get(name);
      if (!state) {
        state = { m: this.ops.allocate(g.length), v: this.ops.allocate(g.length) };
        this.moments.set(name, state);
      }
      adamw.push({ w: w.data, g, ...state });
    }
    // every tensor in one op: one kernel call rather than one per tensor
    if (adamw.length) this.ops.adamwUpdateAll(adamw, { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: this.cfg.weightDecay, step: step + 1 });
  }
}
