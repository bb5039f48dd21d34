// Polyak averaging: an exponential moving average of the weights, updated after every optimizer
// step, which is the model evaluated and saved (WaveNet and most recipes since train with one).
// Bias-corrected as Adam's moments: the sum starts at zero and is divided by 1 − decay^t, so after
// t steps the average is Σᵢ (1 − d)·d^(t−i)·wᵢ / (1 − d^t), over the weights after steps 1…t only
// (the initial weights do not count: a short run's average is not pulled back to its
// initialisation). BatchNorm's running statistics are buffers, not averaged: the averaged model
// uses the live ones.

import { tensor } from '../tensor.ts';
import { ParamSet } from '../params.ts';

export class WeightAverage {
  /** The uncorrected sums by trainable parameter name (what the resume file stores). */
  readonly sums: Map<string, Float32Array>;

  /** An average of `params`' trainable tensors with `decay`, continuing from `sums` (a resumed run's) or starting at zero. */
  constructor(
    readonly decay: number,
    params: ParamSet,
    sums?: Map<string, Float32Array>,
  ) {
    this.sums = new Map(params.trainable().map(([name, t]) => [name, Float32Array.from(sums?.get(name) ?? new Float32Array(t.data.length))]));
    for (const [name, sum] of this.sums) {
      if (sum.length !== params.get(name).data.length) throw new Error(`the weight average of ${name} has ${sum.length} values, the parameter ${params.get(name).data.length}`);
    }
  }

  /** After an optimizer step: sum ← d·sum + (1 − d)·w, in float32. */
  update(params: ParamSet): void {
    const d = Math.fround(this.decay);
    const r = Math.fround(1 - this.decay);
    for (const [name, sum] of this.sums) {
      const w = params.get(name).data;
      for (let i = 0; i < sum.length; i++) sum[i] = d * sum[i] + r * w[i];
    }
  }

  /** The averaged weights after `updates` steps, into `into` (one array per trainable parameter, as `sums`). */
  private correctedInto(updates: number, into: (name: string) => Float32Array): void {
    const scale = updates > 0 ? 1 / (1 - Math.pow(this.decay, updates)) : 1;
    for (const [name, sum] of this.sums) {
      const out = into(name);
      for (let i = 0; i < sum.length; i++) out[i] = sum[i] * scale;
    }
  }

  /** The averaged model after `updates` steps: the averaged trainable tensors and `params`' buffers, a new ParamSet. */
  averaged(params: ParamSet, updates: number): ParamSet {
    const copy = new ParamSet();
    for (const [name, t] of params.tensors) copy.add(name, tensor(t.shape, t.data), params.buffers.has(name));
    if (updates > 0) this.correctedInto(updates, (name) => copy.get(name).data);
    return copy;
  }

  /**
   * Runs `body` with `params`' trainable tensors holding the average after `updates` steps (in
   * place, where the engine reads them), then puts the trained weights back, bit for bit.
   */
  with<T>(params: ParamSet, updates: number, body: () => T): T {
    if (updates === 0) return body();
    const saved = new Map([...this.sums.keys()].map((name) => [name, Float32Array.from(params.get(name).data)]));
    this.correctedInto(updates, (name) => params.get(name).data);
    try {
      return body();
    } finally {
      for (const [name, data] of saved) params.get(name).data.set(data);
    }
  }
}
