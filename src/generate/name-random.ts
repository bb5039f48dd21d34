// Each name draws from its own random stream: name i of a run seeded s draws from Python's
// random.seed(s · 2^32 + i). So a name does not depend on the names drawn before it, nor on how
// many are in flight at once: the naive sampler, the batched one at any batch size, and a Python
// script reproduce the same names. (One stream shared by all names would tie name i to the
// characters every earlier name drew, which a batch draws in a different order.)

import { PythonRandom } from '../rng.ts';

const STREAM_BITS = 32n;

/** Reseeds `rng` to name `index`'s stream of the run seeded `seed` (index < 2^32). */
export function seedName(rng: PythonRandom, seed: number, index: number): PythonRandom {
  rng.seed((BigInt(seed) << STREAM_BITS) + BigInt(index));
  return rng;
}
