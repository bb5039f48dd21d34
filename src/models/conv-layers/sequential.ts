// Layers one after another.

import type { Grads } from '../../params.ts';
import type { ConvLayer, Pass } from './layer.ts';

// x → layers[n−1](… layers[0](x))
export class Sequential implements ConvLayer {
  constructor(readonly layers: ConvLayer[]) {}

  forward(x: Float32Array, pass: Pass): Float32Array {
    for (const layer of this.layers) x = layer.forward(x, pass);
    return x;
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    for (let i = this.layers.length - 1; i >= 0; i--) dy = this.layers[i].backward(dy, pass, grads);
    return dy;
  }
}
