import type { Layer } from './layer.ts';
import type { Tensor } from '../tensor.ts';

// x (B, T, C) → y (B, T/n, n·C), squeezed to (B, n·C) when T/n = 1, as the lecture's layer.
// Row-major data is unchanged: only the shape moves, so backward is a reshape too.
export class FlattenConsecutive implements Layer {
  private inShape: number[] = [];

  constructor(private readonly n: number) {}

  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape;
    if (x.shape.length !== 3 || T % this.n !== 0) throw new Error(`FlattenConsecutive(${this.n}): cannot group shape [${x.shape}]`);
    this.inShape = x.shape;
    const groups = T / this.n;
    return { data: x.data, shape: groups === 1 ? [B, C * this.n] : [B, groups, C * this.n] };
  }

  backward(dy: Tensor): Tensor {
    return { data: dy.data, shape: this.inShape };
  }
}
