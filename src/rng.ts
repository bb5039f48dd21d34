// MT19937 seeded exactly like CPython's `random.seed(int)`, so that `shuffle` reproduces the
// lecture's split. The same generator (with Python's `gauss`) also serves init, minibatches and
// sampling: one seeded source of randomness, passed in explicitly, never Math.random.

const N = 624;
const M = 397;

/**
 * CPython's `random` (MT19937, `seed`, `random`, `shuffle`, `gauss`, …), bit for bit: the one seeded
 * source of randomness for the split, initialisation, minibatches and sampling.
 */
export class PythonRandom {
  /** The 624 words as int32 bit patterns: an Int32Array keeps the JIT on small integers, where a Uint32Array word ≥ 2^31 is a double. */
  private readonly mt = new Int32Array(N);
  private index = N;
  private gaussNext: number | null = null;

  /** Seeded as `random.seed(seed)` with an integer seed. */
  constructor(seed: number | bigint = 0) {
    this.seed(seed);
  }

  /** `random.seed(n)` for an integer n: init_by_array over |n|'s 32-bit words, least significant first. */
  seed(seed: number | bigint): void {
    let n = BigInt(seed);
    if (n < 0n) n = -n;
    const key: number[] = [];
    do {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    } while (n > 0n);
    this.initByArray(key);
    this.gaussNext = null;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.index = N;
  }

  // the wrap-arounds of k + 1 and k + M out of the loop: every generated name reseeds and twists once
  private twist(): void {
    const mt = this.mt;
    const next = (k: number, k1: number, km: number) => {
      const y = (mt[k] & 0x80000000) | (mt[k1] & 0x7fffffff);
      mt[k] = mt[km] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    };
    let k = 0;
    for (; k < N - M; k++) next(k, k + 1, k + M);
    for (; k < N - 1; k++) next(k, k + 1, k + M - N);
    next(N - 1, 0, M - 1);
    this.index = 0;
  }

  /** One tempered 32-bit output (genrand_uint32). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random.random()`: 53 random bits as a float in [0, 1). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `random.getrandbits(k)` for 0 < k ≤ 53 (words consumed least significant first, as CPython does). */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k <= 0 || k > 53) throw new RangeError(`getrandbits: k must be an integer in 1..53, got ${k}`);
    if (k <= 32) return this.nextUint32() >>> (32 - k);
    const low = this.nextUint32();
    const high = this.nextUint32() >>> (64 - k);
    return high * 4294967296 + low;
  }

  /** `random._randbelow(n)`: getrandbits(n.bit_length()) with rejection. */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`randbelow: n must be a positive integer, got ${n}`);
    const k = Math.floor(Math.log2(n)) + 1;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `random.shuffle(x)` in place (Fisher–Yates from the end, as CPython). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** `random.gauss(mu, sigma)`: Box–Muller with Python's cached second value. */
  gauss(mu = 0, sigma = 1): number {
    let z = this.gaussNext;
    this.gaussNext = null;
    if (z === null) {
      const x2pi = this.random() * 2 * Math.PI;
      const g2rad = Math.sqrt(-2 * Math.log(1 - this.random()));
      z = Math.cos(x2pi) * g2rad;
      this.gaussNext = Math.sin(x2pi) * g2rad;
    }
    return mu + z * sigma;
  }

  /** Index drawn from unnormalised non-negative weights (used by sampling). */
  choice(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let u = this.random() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    // Rounding left u ≥ 0: fall back to the last index with weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    throw new RangeError('choice: all weights are zero');
  }

  /** The generator's full state, for checkpoints that resume bit-exactly. */
  getState(): { mt: number[]; index: number; gaussNext: number | null } {
    return { mt: Array.from(this.mt, (w) => w >>> 0), index: this.index, gaussNext: this.gaussNext };
  }

  /** Restores a state from {@link PythonRandom.getState}. */
  setState(state: { mt: number[]; index: number; gaussNext: number | null }): void {
    if (state.mt.length !== N) throw new Error(`rng state must hold ${N} words, got ${state.mt.length}`);
    this.mt.set(state.mt);
    this.index = state.index;
    this.gaussNext = state.gaussNext;
  }
}
