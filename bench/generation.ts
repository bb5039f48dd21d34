// Names per second from the lecture model: the lecture's naive sampler (the whole tree per
// character) against the cached one (one node per layer per character). Random-init weights are
// enough to time them; both draw from the same seed and stop a name at MAX_NAME characters.

import { PythonRandom } from '../src/rng.ts';
import type { ModelConfig } from '../src/params.ts';
import { TreeModel } from '../src/models/tree.ts';
import { generateNaive } from '../src/generate/naive.ts';
import { CachedGenerator } from '../src/generate/cached.ts';
import { DEFAULT_SAMPLING } from '../src/generate/sampling.ts';
import { measureRate, type Budget, type Rate } from './measure.ts';
import { freshParams, SEED } from './setup.ts';

// random weights rarely sample '.', so without a cap a name could run very long
export const MAX_NAME = 50;

export async function generationRates(cfg: ModelConfig, budget: Budget): Promise<{ naive: Rate; cached: Rate }> {
  const params = freshParams(cfg);
  const model = TreeModel.hierarchical(params, cfg);
  const cached = new CachedGenerator(params, cfg);
  const naiveRng = new PythonRandom(SEED);
  const cachedRng = new PythonRandom(SEED);
  return {
    naive: await measureRate(async () => {
      await generateNaive(model, naiveRng, DEFAULT_SAMPLING, MAX_NAME);
      return 1;
    }, budget),
    cached: await measureRate(async () => {
      await cached.generate(cachedRng, DEFAULT_SAMPLING, MAX_NAME);
      return 1;
    }, budget),
  };
}
