// Layers one after another: a model's stack, and the body of a residual or skip.

import type { Grads } from '../../params.ts';
import { backwardAdd, forwardAdd, type Addend, type ConvLayer, type Pass, type StepPass, type StepQueue } from './layer.ts';

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

  // the addend goes to the last layer forward, the first backward: they store the results
  forwardAdd(x: Float32Array, addend: Addend, pass: Pass): Float32Array {
    const n = this.layers.length;
    if (n === 0) {
      const a = addend();
      return a ? pass.ops.add(x, a) : x;
    }
    for (let i = 0; i < n - 1; i++) x = this.layers[i].forward(x, pass);
    return forwardAdd(this.layers[n - 1], x, addend, pass);
  }

  backwardAdd(dy: Float32Array, addend: Float32Array, pass: Pass, grads: Grads): Float32Array {
    if (this.layers.length === 0) return pass.ops.add(dy, addend);
    for (let i = this.layers.length - 1; i > 0; i--) dy = this.layers[i].backward(dy, pass, grads);
    return backwardAdd(this.layers[0], dy, addend, pass, grads);
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    for (const layer of this.layers) x = layer.step(x, pass);
    return x;
  }

  queues(): StepQueue[] {
    return this.layers.flatMap((layer) => layer.queues());
  }
}
