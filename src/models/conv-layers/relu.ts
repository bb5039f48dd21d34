// ReLU, elementwise: max(x, 0).

import type { LayerKind } from './kind.ts';
import { PointwiseLayer, type Pass, type StepPass } from './layer.ts';

// x (P, C) → max(x, 0) (P, C)
export class ReLU extends PointwiseLayer {
  private output: Float32Array | null = null;

  forward(x: Float32Array, pass: Pass): Float32Array {
    return (this.output = pass.ops.reluForward(x));
  }

  backward(dy: Float32Array, pass: Pass): Float32Array {
    return pass.ops.reluBackward(this.output!, dy);
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    return pass.ops.reluForward(x);
  }
}

export const reluKind: LayerKind = {
  help: 'ReLU, elementwise',
  fields: {},
  size: (_, cIn) => ({ cOut: cIn }),
  build: () => new ReLU(),
};
