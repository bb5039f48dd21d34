// tanh, elementwise: the lecture's nonlinearity.

import type { LayerKind } from './kind.ts';
import { PointwiseLayer, type Pass, type StepPass } from './layer.ts';

// x (P, C) → tanh(x) (P, C)
export class Tanh extends PointwiseLayer {
  private output: Float32Array | null = null;

  forward(x: Float32Array, pass: Pass): Float32Array {
    return (this.output = pass.ops.tanhForward(x));
  }

  backward(dy: Float32Array, pass: Pass): Float32Array {
    return pass.ops.tanhBackward(this.output!, dy);
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    return pass.ops.tanhForward(x);
  }
}

export const tanhKind: LayerKind = {
  help: 'tanh, elementwise',
  fields: {},
  size: (_, cIn) => ({ cOut: cIn }),
  build: () => new Tanh(),
};
