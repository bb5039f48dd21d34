import type { Layer } from './layer.ts';
import type { ParamSet, Grads } from '../params.ts';
import { zeros, type Tensor } from '../tensor.ts';

// x (..., fanIn) → y (..., fanOut) = x·W (+ b); weight (fanIn, fanOut) as the lecture stores it
export class Linear implements Layer {
  private x: Tensor | null = null;

  constructor(
    private readonly params: ParamSet,
    private readonly weightName: string,
    private readonly biasName?: string,
  ) {}

  forward(x: Tensor): Tensor {
    const w = this.params.get(this.weightName);
    const [fanIn, fanOut] = w.shape;
    const rows = x.data.length / fanIn;
    if (x.shape[x.shape.length - 1] !== fanIn) throw new Error(`Linear ${this.weightName}: input [${x.shape}] does not end in ${fanIn}`);
    const y = zeros([...x.shape.slice(0, -1), fanOut]);
    const b = this.biasName ? this.params.get(this.biasName).data : null;
    for (let r = 0; r < rows; r++) {
      const out = y.data.subarray(r * fanOut, (r + 1) * fanOut);
      if (b) out.set(b);
      for (let i = 0; i < fanIn; i++) {
        const xi = x.data[r * fanIn + i];
        const wRow = i * fanOut;
        for (let o = 0; o < fanOut; o++) out[o] += xi * w.data[wRow + o];
      }
    }
    this.x = x;
    return y;
  }

  backward(dy: Tensor, grads: Grads): Tensor {
    const x = this.x!;
    const w = this.params.get(this.weightName);
    const [fanIn, fanOut] = w.shape;
    const rows = x.data.length / fanIn;
    const dx = zeros(x.shape);
    const dw = grads.get(this.weightName)!.data;
    const db = this.biasName ? grads.get(this.biasName)!.data : null;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < fanIn; i++) {
        const xi = x.data[r * fanIn + i];
        let acc = 0;
        for (let o = 0; o < fanOut; o++) {
          const g = dy.data[r * fanOut + o];
          acc += g * w.data[i * fanOut + o];
          dw[i * fanOut + o] += xi * g;
        }
        dx.data[r * fanIn + i] = acc;
      }
      if (db) for (let o = 0; o < fanOut; o++) db[o] += dy.data[r * fanOut + o];
    }
    return dx;
  }
}
