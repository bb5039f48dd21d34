// Candidates from a generator that makes one name at a time (the cached generators of the WaveNet
// block and of lecture models of another kernel, for-model.ts; the naive sampler), name i from its own random stream
// as the batched generator draws it (name-random.ts).

import { PythonRandom } from '../rng.ts';
import type { CandidateSource, NameSpec } from './candidates.ts';
import { seedName } from './name-random.ts';
import type { SamplingOptions } from './sampling.ts';

/** Draws one word's character indices (without the final '.'). */
export type Generate = (rng: PythonRandom, opts: SamplingOptions, maxLength: number) => number[];

/** Candidates in index order, name i drawn by `generate` from its own random stream. */
export function oneAtATimeSource(generate: Generate, spec: NameSpec): CandidateSource {
  const rng = new PythonRandom();
  return {
    draw(next, done) {
      for (let index = next(); index !== null; index = next()) done({ index, chars: generate(seedName(rng, spec.seed, index), spec.sampling, spec.maxChars) });
    },
  };
}
