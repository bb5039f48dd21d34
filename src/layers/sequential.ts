import type { Layer, Mode } from './layer.ts';
import type { Grads } from '../params.ts';
import type { Tensor } from '../tensor.ts';

export class Sequential implements Layer {
  constructor(readonly layers: Layer[]) {}

  forward(x: Tensor, mode: Mode): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h, mode), x);
  }

  backward(dy: Tensor, grads: Grads): Tensor {
    return this.layers.reduceRight((g, layer) => layer.backward(g, grads), dy);
  }
}
