// Layers one after another: a model's stack, and the body of a residual or skip.

import type { Grads } from '../../params.ts';
import type { ConvLayer, Pass, StepPass, StepQueue } from './layer.ts';

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

  step(x: Float32Array, pass: StepPass): Float32Array {
    for (const layer of this.layers) x = layer.step(x, pass);
    return x;
  }

  queues(): StepQueue[] {
    return this.layers.flatMap((layer) => layer.queues());
  }
}
