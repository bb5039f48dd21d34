// WaveNet's residual stack and its skip connections: the layers run in sequence on the residual path,
// and the stack's output is the sum of every layer's skip output.

import type { Grads } from '../../params.ts';
import type { ConvLayer, Pass } from './layer.ts';
import type { WaveNetLayer } from './wavenet-layer.ts';

// x (P, C) → Σ_l skip_l (P, S)
export class SkipSum implements ConvLayer {
  constructor(private readonly layers: WaveNetLayer[]) {}

  forward(x: Float32Array, pass: Pass): Float32Array {
    let residual: Float32Array | null = x;
    let sum: Float32Array | null = null;
    for (const layer of this.layers) {
      const out = layer.forward(residual!, pass);
      residual = out.x;
      sum = sum ? pass.ops.add(sum, out.skip) : out.skip;
    }
    return sum!;
  }

  // the sum hands dy to every layer's skip output unchanged
  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    let dx: Float32Array | null = null;
    for (let i = this.layers.length - 1; i >= 0; i--) dx = this.layers[i].backward(dx, dy, pass, grads);
    return dx!;
  }
}
