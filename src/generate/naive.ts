// Sampling as the lecture does, for any spec: for every new character, the whole stack re-run (the
// conv form, eval mode) on the last receptive field of characters, '.'-padded. No cache: what the
// cached generator (batched.ts) is held to, name for name.

import type { ConvModel } from '../models/conv.ts';
import { PythonRandom } from '../rng.ts';
import type { CandidateSource, NameSpec } from './candidates.ts';
import { seedName } from './name-random.ts';
import { sampleNext, type SamplingOptions } from './sampling.ts';

/** One name: the prefix, then characters drawn from `rng` until '.' or maxLength characters in all. */
export function generateNaive(model: ConvModel, rng: PythonRandom, opts: SamplingOptions, maxLength: number, prefix: readonly number[] = []): number[] {
  const field = model.spec.receptiveField;
  const idx = new Int32Array(field);
  const batch = { positions: field, idx, target: new Int32Array(field), start: new Int32Array(field), words: 1 };
  const V = model.spec.spec.vocabSize;
  const out: number[] = [];
  while (out.length < maxLength) {
    let next = prefix[out.length];
    if (next === undefined) {
      next = sampleNext(model.forward(batch, 'eval').subarray((field - 1) * V, field * V), rng, opts);
      if (next === 0) break;
    }
    out.push(next);
    idx.copyWithin(0, 1);
    idx[field - 1] = next;
  }
  return out;
}

/** Candidates one at a time, in index order, name i from its own random stream (name-random.ts), each starting with `spec.prefix`. */
export function naiveSource(model: ConvModel, spec: NameSpec): CandidateSource {
  const rng = new PythonRandom();
  return {
    draw(next, done) {
      for (let index = next(); index !== null; index = next()) {
        done({ index, chars: generateNaive(model, seedName(rng, spec.seed, index), spec.sampling, spec.maxChars, spec.prefix) });
      }
    },
  };
}
