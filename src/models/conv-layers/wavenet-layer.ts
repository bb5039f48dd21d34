// One residual layer of WaveNet (van den Oord et al. 2016, §2.4): the gated activation of a dilated
// causal conv, a 1×1 conv added back to the layer's input (the residual), and a 1×1 conv to the skip
// connections. The stack's last layer has no residual conv: nothing reads its residual output.

import type { Grads } from '../../params.ts';
import type { CausalConv } from './causal-conv.ts';
import type { ConvLayer, Pass } from './layer.ts';

// x (P, C) → x + residual(z) (P, C) and skip(z) (P, S), z = gated(x) (P, C)
export class WaveNetLayer {
  constructor(
    /** dilated conv (P, C) → (P, 2C), [BatchNorm], gate → (P, C), [dropout] */
    private readonly gated: ConvLayer,
    private readonly residual: CausalConv | null,
    private readonly skip: CausalConv,
  ) {}

  forward(x: Float32Array, pass: Pass): { x: Float32Array | null; skip: Float32Array } {
    const z = this.gated.forward(x, pass);
    const skip = this.skip.forward(z, pass);
    return { x: this.residual ? pass.ops.add(x, this.residual.forward(z, pass)) : null, skip };
  }

  /** dx: the gradient of the residual output (null for the last layer); dskip: of the skip output. */
  backward(dx: Float32Array | null, dskip: Float32Array, pass: Pass, grads: Grads): Float32Array {
    const { ops } = pass;
    let dz = this.skip.backward(dskip, pass, grads);
    if (this.residual && dx) dz = ops.add(dz, this.residual.backward(dx, pass, grads));
    const dIn = this.gated.backward(dz, pass, grads);
    return dx ? ops.add(dIn, dx) : dIn;
  }
}
