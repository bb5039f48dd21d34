// The sum of the skip connections (skip.ts) since the previous skip sum: it replaces the stream,
// whose own value goes no further (its gradient is zero).

import type { LayerKind } from './kind.ts';
import { PointwiseLayer, type Pass, type StepPass } from './layer.ts';

// x (P, C) → Σ skips (P, S)
export class SkipSum extends PointwiseLayer {
  private zeros: Float32Array | null = null;
  private inputLength = 0;

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.inputLength = x.length;
    return sum(pass.skips.splice(0), pass);
  }

  backward(dy: Float32Array, pass: Pass): Float32Array {
    pass.skipGrad = dy;
    if (!this.zeros || this.zeros.length < this.inputLength) this.zeros = pass.ops.allocate(this.inputLength);
    return this.zeros.subarray(0, this.inputLength);
  }

  step(_: Float32Array, pass: StepPass): Float32Array {
    return sum(pass.skips.splice(0), pass);
  }
}

function sum(skips: Float32Array[], pass: Pass | StepPass): Float32Array {
  return skips.reduce((total, s) => pass.ops.add(total, s));
}

export const skipSumKind: LayerKind = {
  help: 'the sum of the skips since the last skipSum, in place of x',
  fields: {},
  size(_, __, r) {
    const widths = r.takeSkips();
    if (widths.length === 0) r.fail(null, 'a skipSum needs a skip before it');
    return { cOut: widths[0] };
  },
  build: () => new SkipSum(),
  extent(_, __, walk) {
    const e = Math.max(...walk.skips);
    walk.skips.length = 0;
    return e;
  },
};
