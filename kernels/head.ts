// The linear head and softmax cross-entropy over a packed batch.

import { BLOCK, paddedRows } from './layout.ts';
import type { Block, KernelSpec, KernelThis } from './spec.ts';

export interface HeadShape {
  P: number;
  H: number;
  V: number;
}

// h (P, H), w (H, V), b (V) → logits (P, V)
export function headForwardRef(h: Float32Array, w: Float32Array, b: Float32Array, s: HeadShape): Float32Array {
  const logits = new Float32Array(s.P * s.V);
  for (let p = 0; p < s.P; p++) {
    for (let v = 0; v < s.V; v++) {
      let acc = b[v];
      for (let k = 0; k < s.H; k++) acc += h[p * s.H + k] * w[k * s.V + v];
      logits[p * s.V + v] = acc;
    }
  }
  return logits;
}

// logits (P, V), target (P), weight (P) → loss (P) = weight·(−log softmax[target]),
// dlogits (P, V) = weight·(softmax − onehot). A weight of 0 masks a position; 1/N gives the mean.
export function crossEntropyRef(logits: Float32Array, target: Int32Array, weight: Float32Array, s: HeadShape): { loss: Float32Array; dlogits: Float32Array } {
  const loss = new Float32Array(s.P);
  const dlogits = new Float32Array(s.P * s.V);
  for (let p = 0; p < s.P; p++) {
    const row = logits.subarray(p * s.V, (p + 1) * s.V);
    let max = -Infinity;
    for (let v = 0; v < s.V; v++) max = Math.max(max, row[v]);
    let sum = 0;
    for (let v = 0; v < s.V; v++) sum += Math.exp(row[v] - max);
    const logSum = max + Math.log(sum);
    loss[p] = weight[p] * (logSum - row[target[p]]);
    for (let v = 0; v < s.V; v++) dlogits[p * s.V + v] = weight[p] * (Math.exp(row[v] - logSum) - (v === target[p] ? 1 : 0));
  }
  return { loss, dlogits };
}

// dlogits (P, V), h (P, H), w (H, V) → dh (P, H), dw (H, V), db (V)
export function headBackwardRef(dlogits: Float32Array, h: Float32Array, w: Float32Array, s: HeadShape): { dh: Float32Array; dw: Float32Array; db: Float32Array } {
  const dh = new Float32Array(s.P * s.H);
  const dw = new Float32Array(s.H * s.V);
  const db = new Float32Array(s.V);
  for (let p = 0; p < s.P; p++) {
    for (let v = 0; v < s.V; v++) {
      const g = dlogits[p * s.V + v];
      db[v] += g;
      for (let k = 0; k < s.H; k++) {
        dh[p * s.H + k] += g * w[k * s.V + v];
        dw[k * s.V + v] += h[p * s.H + k] * g;
      }
    }
  }
  return { dh, dw, db };
}

// gpu.js kernels over padded rows (layout.ts): R = paddedRows(P). The three products are blocked
// (layout.ts), with index locals advanced by addition (`+= 1`: conv1d.ts says why); cross-entropy
// runs as log-sum-exp (R), then the per-position loss (R) and dlogits (R, V) from it, one thread per
// element.

export type HeadConstants = { H: number; V: number };

// h (R, H), w (H, V), b (V) → logits (R, V): cell (p, b) holds columns 4b…4b+3 (a last block past V
// repeats column V − 1, dropped)
export function headForwardKernel(this: KernelThis<HeadConstants>, h: Float32Array, w: Float32Array, b: Float32Array): Block {
  // w0…w3 walk columns 4b…4b+3 down the rows of w
  let w0 = this.thread.y * 4;
  let w1 = Math.min(w0 + 1, this.constants.V - 1);
  let w2 = Math.min(w0 + 2, this.constants.V - 1);
  let w3 = Math.min(w0 + 3, this.constants.V - 1);
  let z0 = b[w0];
  let z1 = b[w1];
  let z2 = b[w2];
  let z3 = b[w3];
  let hi = this.thread.x * this.constants.H;
  for (let k = 0; k < this.constants.H; k++) {
    const hv = h[hi];
    z0 += hv * w[w0];
    z1 += hv * w[w1];
    z2 += hv * w[w2];
    z3 += hv * w[w3];
    hi += 1;
    w0 += this.constants.V;
    w1 += this.constants.V;
    w2 += this.constants.V;
    w3 += this.constants.V;
  }
  return [z0, z1, z2, z3];
}

// logits (R, V) → lse (R) = max + log Σ exp(logit − max)
export function logSumExpKernel(this: KernelThis<HeadConstants>, logits: Float32Array): number {
  const row = this.thread.x * this.constants.V;
  let max = logits[row];
  for (let v = 1; v < this.constants.V; v++) max = Math.max(max, logits[row + v]);
  let sum = 0;
  for (let v = 0; v < this.constants.V; v++) sum += Math.exp(logits[row + v] - max);
  return max + Math.log(sum);
}

// logits (R, V), target, weight, lse (R) → loss (R) = weight·(lse − logit[target])
export function crossEntropyLossKernel(this: KernelThis<HeadConstants>, logits: Float32Array, target: Int32Array, weight: Float32Array, lse: Float32Array): number {
  const p = this.thread.x;
  return weight[p] * (lse[p] - logits[p * this.constants.V + target[p]]);
}

// logits (R, V), target, weight, lse (R) → dlogits (R, V) = weight·(softmax − onehot)
export function crossEntropyGradKernel(this: KernelThis<HeadConstants>, logits: Float32Array, target: Int32Array, weight: Float32Array, lse: Float32Array): number {
  const p = this.thread.y;
  const v = this.thread.x;
  let grad = Math.exp(logits[p * this.constants.V + v] - lse[p]);
  if (v === target[p]) grad = grad - 1;
  return weight[p] * grad;
}

// dlogits (R, V), w (H, V) → dh (R, H): cell (k, b) holds rows 4b…4b+3
export function headBackwardInputKernel(this: KernelThis<HeadConstants>, dlogits: Float32Array, w: Float32Array): Block {
  let g0 = this.thread.y * 4 * this.constants.V;
  let g1 = g0 + this.constants.V;
  let g2 = g1 + this.constants.V;
  let g3 = g2 + this.constants.V;
  let wi = this.thread.x * this.constants.V;
  let dh0 = 0;
  let dh1 = 0;
  let dh2 = 0;
  let dh3 = 0;
  for (let v = 0; v < this.constants.V; v++) {
    const wv = w[wi];
    dh0 += dlogits[g0] * wv;
    dh1 += dlogits[g1] * wv;
    dh2 += dlogits[g2] * wv;
    dh3 += dlogits[g3] * wv;
    g0 += 1;
    g1 += 1;
    g2 += 1;
    g3 += 1;
    wi += 1;
  }
  return [dh0, dh1, dh2, dh3];
}

// dlogits (R, V), h (R, H), P → dw (H, V): cell (k, b) holds columns 4b…4b+3 (as headForwardKernel)
export function headBackwardWeightKernel(this: KernelThis<HeadConstants>, dlogits: Float32Array, h: Float32Array, positions: number): Block {
  // g0…g3 walk columns 4b…4b+3 down the rows of dlogits
  let g0 = this.thread.y * 4;
  let g1 = Math.min(g0 + 1, this.constants.V - 1);
  let g2 = Math.min(g0 + 2, this.constants.V - 1);
  let g3 = Math.min(g0 + 3, this.constants.V - 1);
  let hi = this.thread.x;
  let dw0 = 0;
  let dw1 = 0;
  let dw2 = 0;
  let dw3 = 0;
  for (let p = 0; p < positions; p++) {
    const hv = h[hi];
    dw0 += hv * dlogits[g0];
    dw1 += hv * dlogits[g1];
    dw2 += hv * dlogits[g2];
    dw3 += hv * dlogits[g3];
    hi += this.constants.H;
    g0 += this.constants.V;
    g1 += this.constants.V;
    g2 += this.constants.V;
    g3 += this.constants.V;
  }
  return [dw0, dw1, dw2, dw3];
}

function headConstants(s: HeadShape): HeadConstants {
  return { H: s.H, V: s.V };
}

export function headForwardSpec(s: HeadShape): KernelSpec<HeadConstants> {
  const rows = paddedRows(s.P);
  return { source: headForwardKernel, constants: headConstants(s), output: [rows, Math.ceil(s.V / BLOCK)], blocking: { along: 'columns', rows, columns: s.V } };
}

export function logSumExpSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: logSumExpKernel, constants: headConstants(s), output: [paddedRows(s.P)] };
}

export function crossEntropyLossSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: crossEntropyLossKernel, constants: headConstants(s), output: [paddedRows(s.P)] };
}

export function crossEntropyGradSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: crossEntropyGradKernel, constants: headConstants(s), output: [s.V, paddedRows(s.P)] };
}

export function headBackwardInputSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: headBackwardInputKernel, constants: headConstants(s), output: [s.H, paddedRows(s.P) / BLOCK], blocking: { along: 'rows', rows: paddedRows(s.P) } };
}

export function headBackwardWeightSpec(s: HeadShape): KernelSpec<HeadConstants> {
  const output = [s.H, Math.ceil(s.V / BLOCK)];
  return { source: headBackwardWeightKernel, constants: headConstants(s), output, blocking: { along: 'columns', rows: s.H, columns: s.V } };
}
