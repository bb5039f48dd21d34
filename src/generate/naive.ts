// Sampling as the lecture does: for every new character, run the whole (tree) model on the last
// block of characters. Each character costs the full tree: 2^(n−k) nodes of every layer k.

import type { PythonRandom } from '../rng.ts';
import type { TreeModel } from '../models/tree.ts';
import { sampleNext, type SamplingOptions } from './sampling.ts';

/** One word's character indices as the lecture samples: the whole tree model on the last block for every character. */
export function generateNaive(model: TreeModel, rng: PythonRandom, opts: SamplingOptions, maxLength: number): number[] {
  const context = new Array<number>(model.blockSize).fill(0);
  const out: number[] = [];
  while (out.length < maxLength) {
    const logits = model.forward(context, 'eval').data;
    const next = sampleNext(logits, rng, opts);
    if (next === 0) break;
    out.push(next);
    context.shift();
    context.push(next);
  }
  return out;
}
