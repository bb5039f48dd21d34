import type { Layer } from './layer.ts';
import type { ParamSet, Grads } from '../params.ts';
import { zeros, type Tensor } from '../tensor.ts';

// idx (..., ) of character indices stored as floats → y (..., C); weight (V, C)
export class Embedding implements Layer {
  private idx: Tensor | null = null;

  constructor(
    private readonly params: ParamSet,
    private readonly name = 'embedding.weight',
  ) {}

  forward(idx: Tensor): Tensor {
    const w = this.params.get(this.name);
    const [V, C] = w.shape;
    const y = zeros([...idx.shape, C]);
    for (let i = 0; i < idx.data.length; i++) {
      const v = idx.data[i];
      if (!(v >= 0 && v < V && Number.isInteger(v))) throw new RangeError(`Embedding: index ${v} outside [0, ${V})`);
      y.data.set(w.data.subarray(v * C, (v + 1) * C), i * C);
    }
    this.idx = idx;
    return y;
  }

  // Scatter-add: rows of dW receive the gradients of every position that looked them up.
  backward(dy: Tensor, grads: Grads): Tensor {
    const idx = this.idx!;
    const dw = grads.get(this.name)!;
    const C = dw.shape[1];
    for (let i = 0; i < idx.data.length; i++) {
      const row = idx.data[i] * C;
      for (let c = 0; c < C; c++) dw.data[row + c] += dy.data[i * C + c];
    }
    return zeros(idx.shape); // indices have no gradient
  }
}
