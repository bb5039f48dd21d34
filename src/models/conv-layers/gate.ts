// WaveNet's gated activation unit: the first half of the channels through tanh, times the second
// half through a sigmoid.

import type { LayerKind } from './kind.ts';
import { PointwiseLayer, type Pass, type StepPass } from './layer.ts';

// x (P, 2C) → tanh(x[:, :C]) ⊙ σ(x[:, C:]) (P, C)
export class Gate extends PointwiseLayer {
  private input: Float32Array | null = null;

  constructor(readonly C: number) {
    super();
  }

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.input = x;
    return pass.ops.gateForward(x, { P: pass.batch.positions, C: this.C });
  }

  backward(dy: Float32Array, pass: Pass): Float32Array {
    return pass.ops.gateBackward(this.input!, dy, { P: pass.batch.positions, C: this.C });
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    return pass.ops.gateForward(x, { P: pass.rows, C: this.C });
  }
}

export const gateKind: LayerKind = {
  help: 'tanh(first half) ⊙ sigmoid(second half): halves the width',
  fields: {},
  size(_, cIn, r) {
    if (cIn % 2 !== 0) r.fail(null, `a gate halves its input, which has an odd width ${cIn}`);
    return { cOut: cIn / 2 };
  },
  build: (layer) => new Gate(layer.cOut),
};
