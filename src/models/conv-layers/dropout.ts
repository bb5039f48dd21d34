// Dropout with a seeded mask: in a training pass that has a seed, each element is kept with
// probability 1 − p and scaled by 1/(1 − p); otherwise the identity. The mask is drawn on the host
// from (pass seed, layer index), so every backend applies the same one and a resumed run repeats it.

import type { LayerKind } from './kind.ts';
import { PointwiseLayer, type Pass } from './layer.ts';

// x (P, C) → x ⊙ mask (P, C); generation: x
export class Dropout extends PointwiseLayer {
  private mask: Float32Array | null = null;

  constructor(
    readonly p: number,
    private readonly index: number,
  ) {
    super();
  }

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.mask = pass.mode === 'train' && pass.seed !== undefined && this.p > 0 ? dropoutMask(x.length, this.p, pass.seed, this.index) : null;
    return this.mask ? pass.ops.multiply(x, this.mask) : x;
  }

  backward(dy: Float32Array, pass: Pass): Float32Array {
    return this.mask ? pass.ops.multiply(dy, this.mask) : dy;
  }

  step(x: Float32Array): Float32Array {
    return x;
  }
}

export const dropoutKind: LayerKind = {
  help: 'dropout in training: each element zeroed with probability p, the rest scaled by 1/(1 − p)',
  fields: { p: { type: 'number', min: 0, below: 1, help: 'probability of dropping an element' } },
  size: (_, cIn) => ({ cOut: cIn }),
  build: (layer, ctx) => new Dropout(layer.fields.p as number, ctx.nextDropout()),
};

/** n values, each 0 with probability p, else 1/(1 − p): mulberry32 seeded by (seed, stream). */
export function dropoutMask(n: number, p: number, seed: number, stream: number): Float32Array {
  let state = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  const keep = 1 / (1 - p);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    const u = ((z ^ (z >>> 14)) >>> 0) / 4294967296;
    mask[i] = u < p ? 0 : keep;
  }
  return mask;
}
