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

// reused between calls: the batched generator draws hundreds of thousands of characters
let weights = new Float64Array(0);
let sorted = new Float64Array(0);

export function sampleNext(logits: ArrayLike<number>, rng: PythonRandom, opts: SamplingOptions): number {
  if (!(opts.temperature > 0)) throw new RangeError(`temperature must be > 0, got ${opts.temperature}`);
  const V = logits.length;
  if (weights.length < V) [weights, sorted] = [new Float64Array(V), new Float64Array(V)];
  const scaled = weights.subarray(0, V);
  for (let v = 0; v < V; v++) scaled[v] = logits[v] / opts.temperature;
  if (opts.topK > 0 && opts.topK < V) {
    const ascending = sorted.subarray(0, V);
    ascending.set(scaled);
    ascending.sort();
    const kth = ascending[V - opts.topK];
    for (let v = 0; v < V; v++) if (scaled[v] < kth) scaled[v] = -Infinity;
  }
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (scaled[v] > max) max = scaled[v];
  for (let v = 0; v < V; v++) scaled[v] = Math.exp(scaled[v] - max);
  return rng.choice(scaled);
}
