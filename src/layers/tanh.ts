import type { Layer } from './layer.ts';
import { zeros, type Tensor } from '../tensor.ts';

// x → y = tanh(x), any shape; backward uses the output: dx = (1 − y²)·dy
export class Tanh implements Layer {
  private y: Tensor | null = null;

  forward(x: Tensor): Tensor {
    const y = zeros(x.shape);
    for (let i = 0; i < x.data.length; i++) y.data[i] = Math.tanh(x.data[i]);
    this.y = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const y = this.y!.data;
    const dx = zeros(dy.shape);
    for (let i = 0; i < y.length; i++) dx.data[i] = (1 - y[i] * y[i]) * dy.data[i];
    return dx;
  }
}
