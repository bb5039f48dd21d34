// Sampling by re-running the conv form on the last receptive field of characters for every new
// character: the WaveNet counterpart of naive.ts, against which the cached generator is checked.

import type { PythonRandom } from '../rng.ts';
import type { ConvModel } from '../models/conv.ts';
import { sampleNext, type SamplingOptions } from './sampling.ts';

/** One word's character indices: `model` (eval mode) on the last `field` characters, '.'-padded, for every character. */
export function generateNaiveWindow(model: ConvModel, field: number, rng: PythonRandom, opts: SamplingOptions, maxLength: number): number[] {
  const idx = new Int32Array(field);
  const batch = { positions: field, idx, target: new Int32Array(field), start: new Int32Array(field), words: 1 };
  const V = model.cfg.vocabSize;
  const out: number[] = [];
  while (out.length < maxLength) {
    const logits = model.forward(batch, 'eval').subarray((field - 1) * V, field * V);
    const next = sampleNext(logits, rng, opts);
    if (next === 0) break;
    out.push(next);
    idx.copyWithin(0, 1);
    idx[field - 1] = next;
  }
  return out;
}
