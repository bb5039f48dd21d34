// Drawing the next character from logits: temperature, then top-k, then one draw from the seeded generator.

import type { PythonRandom } from '../rng.ts';

/** How the next character is drawn from the logits. */
export interface SamplingOptions {
  /** > 0; 1 samples the model's distribution, lower is more conservative. */
  temperature: number;
  /** Draw among the K most likely characters only; 0 keeps every character. */
  topK: number;
}

export const DEFAULT_SAMPLING: SamplingOptions = { temperature: 1, topK: 0 };

export function sampleNext(logits: ArrayLike<number>, rng: PythonRandom, opts: SamplingOptions): number {
  if (!(opts.temperature > 0)) throw new RangeError(`temperature must be > 0, got ${opts.temperature}`);
  const V = logits.length;
  const scaled = Array.from(logits, (l) => l / opts.temperature);
  if (opts.topK > 0 && opts.topK < V) {
    const kth = [...scaled].sort((a, b) => b - a)[opts.topK - 1];
    for (let v = 0; v < V; v++) if (scaled[v] < kth) scaled[v] = -Infinity;
  }
  const max = Math.max(...scaled);
  return rng.choice(scaled.map((l) => Math.exp(l - max)));
}
