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
    if (x.shape[x.shape.length - 1] !== fanIn) throw new Error(`Linear ${this.weightName}: input [${x.shape}] does not end in ${fanIn}`);
    const rows = x.data.length / fanIn;
    const y = zeros([...x.shape.slice(0, -1), fanOut]);
    if (this.biasName) {
      const b = this.params.get(this.biasName).data;
      for (let r = 0; r < rows; r++) y.data.set(b, r * fanOut);
    }
    for (let r = 0; r < rows; r += ROW_BLOCK) matmulRows(x.data, w.data, y.data, r, Math.min(ROW_BLOCK, rows - r), fanIn, fanOut);
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
    for (let r = 0; r < rows; r += ROW_BLOCK) {
      const n = Math.min(ROW_BLOCK, rows - r);
      inputGradRows(dy.data, w.data, dx.data, r, n, fanIn, fanOut);
      weightGradRows(x.data, dy.data, dw, r, n, fanIn, fanOut);
    }
    if (this.biasName) {
      const db = grads.get(this.biasName)!.data;
      for (let i = 0; i < dy.data.length; i++) db[i % fanOut] += dy.data[i];
    }
    return dx;
  }
}

// Rows are processed four at a time so that each weight loaded feeds four multiply-adds: plain
// JS on a 2-core machine runs this about 2× faster than one row at a time (0.75 vs 0.33 GMAC/s).
const ROW_BLOCK = 4;

// y[r..r+n) += x[r..r+n) · W
function matmulRows(x: Float32Array, w: Float32Array, y: Float32Array, r: number, n: number, fanIn: number, fanOut: number): void {
  const y0 = r * fanOut;
  const [y1, y2, y3] = [y0 + fanOut, y0 + 2 * fanOut, y0 + 3 * fanOut];
  for (let i = 0; i < fanIn; i++) {
    const x0 = x[r * fanIn + i];
    const x1 = n > 1 ? x[(r + 1) * fanIn + i] : 0;
    const x2 = n > 2 ? x[(r + 2) * fanIn + i] : 0;
    const x3 = n > 3 ? x[(r + 3) * fanIn + i] : 0;
    const wRow = i * fanOut;
    if (n === ROW_BLOCK) {
      for (let o = 0; o < fanOut; o++) {
        const wv = w[wRow + o];
        y[y0 + o] += x0 * wv;
        y[y1 + o] += x1 * wv;
        y[y2 + o] += x2 * wv;
        y[y3 + o] += x3 * wv;
      }
    } else {
      const xs = [x0, x1, x2];
      for (let k = 0; k < n; k++) for (let o = 0; o < fanOut; o++) y[y0 + k * fanOut + o] += xs[k] * w[wRow + o];
    }
  }
}

// dx[r..r+n) = dy[r..r+n) · Wᵀ, four independent sums at once (one chain of adds is latency-bound)
function inputGradRows(dy: Float32Array, w: Float32Array, dx: Float32Array, r: number, n: number, fanIn: number, fanOut: number): void {
  const g0 = r * fanOut;
  const [g1, g2, g3] = [g0 + fanOut, g0 + 2 * fanOut, g0 + 3 * fanOut];
  for (let i = 0; i < fanIn; i++) {
    const wRow = i * fanOut;
    if (n === ROW_BLOCK) {
      let [a0, a1, a2, a3] = [0, 0, 0, 0];
      for (let o = 0; o < fanOut; o++) {
        const wv = w[wRow + o];
        a0 += dy[g0 + o] * wv;
        a1 += dy[g1 + o] * wv;
        a2 += dy[g2 + o] * wv;
        a3 += dy[g3 + o] * wv;
      }
      [dx[r * fanIn + i], dx[(r + 1) * fanIn + i], dx[(r + 2) * fanIn + i], dx[(r + 3) * fanIn + i]] = [a0, a1, a2, a3];
      continue;
    }
    for (let k = 0; k < n; k++) {
      let acc = 0;
      for (let o = 0; o < fanOut; o++) acc += dy[g0 + k * fanOut + o] * w[wRow + o];
      dx[(r + k) * fanIn + i] = acc;
    }
  }
}

// dW += x[r..r+n)ᵀ · dy[r..r+n)
function weightGradRows(x: Float32Array, dy: Float32Array, dw: Float32Array, r: number, n: number, fanIn: number, fanOut: number): void {
  const g0 = r * fanOut;
  const [g1, g2, g3] = [g0 + fanOut, g0 + 2 * fanOut, g0 + 3 * fanOut];
  for (let i = 0; i < fanIn; i++) {
    const wRow = i * fanOut;
    if (n === ROW_BLOCK) {
      const [x0, x1, x2, x3] = [x[r * fanIn + i], x[(r + 1) * fanIn + i], x[(r + 2) * fanIn + i], x[(r + 3) * fanIn + i]];
      for (let o = 0; o < fanOut; o++) dw[wRow + o] += x0 * dy[g0 + o] + x1 * dy[g1 + o] + x2 * dy[g2 + o] + x3 * dy[g3 + o];
      continue;
    }
    for (let k = 0; k < n; k++) {
      const xk = x[(r + k) * fanIn + i];
      for (let o = 0; o < fanOut; o++) dw[wRow + o] += xk * dy[g0 + k * fanOut + o];
    }
  }
}
