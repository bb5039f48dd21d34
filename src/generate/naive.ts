// Sampling as the lecture does: for every new character, run the whole (tree) model on the last
// block of characters. Each character costs the full tree: 2^(n−k) nodes of every layer k.

import type { PythonRandom } from '../rng.ts';
import type { TreeModel } from '../models/tree.ts';
import type { CandidateSource, NameSpec } from './candidates.ts';
import { oneAtATimeSource } from './one-at-a-time.ts';
import { sampleNext, type SamplingOptions } from './sampling.ts';

/** One name: the prefix, then characters drawn from `rng` until '.' or maxLength characters in all. */
export function generateNaive(model: TreeModel, rng: PythonRandom, opts: SamplingOptions, maxLength: number, prefix: readonly number[] = []): number[] {
  const context = new Array<number>(model.blockSize).fill(0);
  const out: number[] = [];
  while (out.length < maxLength) {
    let next = prefix[out.length];
    if (next === undefined) {
      next = sampleNext(model.forward(context, 'eval').data, rng, opts);
      if (next === 0) break;
    }
    out.push(next);
    context.shift();
    context.push(next);
  }
  return out;
}

/** Candidates one at a time, in index order, each starting with `spec.prefix`. */
export function naiveSource(model: TreeModel, spec: NameSpec): CandidateSource {
  return oneAtATimeSource((rng, opts, maxLength) => generateNaive(model, rng, opts, maxLength, spec.prefix), spec);
}
