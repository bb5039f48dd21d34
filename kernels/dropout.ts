// Dropout's mask, counter-based: element i's value is a function of (seed, stream, i) alone —
// mulberry32's output function at state s₀ + (i + 1)·0x6D2B79F5, s₀ from the seed and the layer's
// stream — so a kernel draws its piece of the mask where it applies it (dropout.as.ts), with no
// mask to store or to copy, whatever thread runs which piece. Drawn in order from s₀, as
// mulberry32 steps, it is the mask the host drew before this kernel existed: a run resumed from an
// earlier release's file repeats its masks.

/** Which mask: drop probability p, the pass's seed, and the layer's stream (its index among the model's dropouts). */
export interface DropoutMask {
  p: number;
  seed: number;
  stream: number;
}

/** The generator's state before element 0. */
export function dropoutState({ seed, stream }: DropoutMask): number {
  return (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
}

/** A kept element's scale, 1/(1 − p), as float32. */
export function dropoutKeep({ p }: DropoutMask): number {
  return Math.fround(1 / (1 - p));
}

/** The draw below which an element is dropped, for a kernel comparing u32 draws: u/2³² < p ⟺ u < ⌈p·2³²⌉, kept below 2³² (exact for every p ≤ 1 − 2⁻³²). */
export function dropoutThreshold({ p }: DropoutMask): number {
  return Math.min(Math.ceil(p * 2 ** 32), 2 ** 32 - 1);
}

/** n values, each 0 with probability p, else 1/(1 − p). */
export function dropoutMaskRef(n: number, mask: DropoutMask): Float32Array {
  let state = dropoutState(mask);
  const keep = dropoutKeep(mask);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    const u = ((z ^ (z >>> 14)) >>> 0) / 4294967296;
    out[i] = u < mask.p ? 0 : keep;
  }
  return out;
}

// x (N) → x ⊙ mask (N)
export function dropoutRef(x: Float32Array, mask: DropoutMask): Float32Array {
  const m = dropoutMaskRef(x.length, mask);
  return x.map((v, i) => v * m[i]);
}
