// Dropout with a seeded mask: in a training pass that has a seed, each element is kept with
// probability 1 − p and scaled by 1/(1 − p); otherwise the identity. The mask is a function of (pass
// seed, layer index, element) alone (kernels/dropout.ts), so every backend applies the same one, a
// resumed run repeats it, and backward draws it again rather than keeping it.

import type { DropoutMask } from '../../../kernels/dropout.ts';
import type { LayerKind } from './kind.ts';
import { PointwiseLayer, type Pass } from './layer.ts';

// x (P, C) → x ⊙ mask (P, C); generation: x
export class Dropout extends PointwiseLayer {
  private mask: DropoutMask | null = null;

  constructor(
    readonly p: number,
    private readonly index: number,
  ) {
    super();
  }

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.mask = this.maskFor(pass);
    return this.mask ? pass.ops.dropout(x, this.mask) : x;
  }

  /** This layer's mask in `pass`: a training pass that has a seed; otherwise none. */
  maskFor(pass: Pass): DropoutMask | null {
    return pass.mode === 'train' && pass.seed !== undefined && this.p > 0 ? { p: this.p, seed: pass.seed, stream: this.index } : null;
  }

  backward(dy: Float32Array, pass: Pass): Float32Array {
    return this.mask ? pass.ops.dropout(dy, this.mask) : dy;
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
