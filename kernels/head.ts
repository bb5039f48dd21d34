// The linear head and softmax cross-entropy over a packed batch.

import type { KernelSpec, KernelThis } from './spec.ts';

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

// gpu.js kernels: one thread per output element. Cross-entropy runs as log-sum-exp (P), then the
// per-position loss (P) and dlogits (P, V) from it; summing the loss is left to the caller.

export type HeadConstants = { H: number; V: number };

// h (P, H), w (H, V), b (V) → logits (P, V)
export function headForwardKernel(this: KernelThis<HeadConstants>, h: Float32Array, w: Float32Array, b: Float32Array): number {
  const p = this.thread.y;
  const v = this.thread.x;
  let acc = b[v];
  for (let k = 0; k < this.constants.H; k++) acc += h[p * this.constants.H + k] * w[k * this.constants.V + v];
  return acc;
}

// logits (P, V) → lse (P) = max + log Σ exp(logit − max)
export function logSumExpKernel(this: KernelThis<HeadConstants>, logits: Float32Array): number {
  const row = this.thread.x * this.constants.V;
  let max = logits[row];
  for (let v = 1; v < this.constants.V; v++) max = Math.max(max, logits[row + v]);
  let sum = 0;
  for (let v = 0; v < this.constants.V; v++) sum += Math.exp(logits[row + v] - max);
  return max + Math.log(sum);
}

// logits (P, V), target, weight, lse (P) → loss (P) = weight·(lse − logit[target])
export function crossEntropyLossKernel(this: KernelThis<HeadConstants>, logits: Float32Array, target: Int32Array, weight: Float32Array, lse: Float32Array): number {
  const p = this.thread.x;
  return weight[p] * (lse[p] - logits[p * this.constants.V + target[p]]);
}

// logits (P, V), target, weight, lse (P) → dlogits (P, V) = weight·(softmax − onehot)
export function crossEntropyGradKernel(this: KernelThis<HeadConstants>, logits: Float32Array, target: Int32Array, weight: Float32Array, lse: Float32Array): number {
  const p = this.thread.y;
  const v = this.thread.x;
  let grad = Math.exp(logits[p * this.constants.V + v] - lse[p]);
  if (v === target[p]) grad = grad - 1;
  return weight[p] * grad;
}

// dlogits (P, V), w (H, V) → dh (P, H)
export function headBackwardInputKernel(this: KernelThis<HeadConstants>, dlogits: Float32Array, w: Float32Array): number {
  const p = this.thread.y;
  const k = this.thread.x;
  let acc = 0;
  for (let v = 0; v < this.constants.V; v++) acc += dlogits[p * this.constants.V + v] * w[k * this.constants.V + v];
  return acc;
}

// dlogits (P, V), h (P, H), P → dw (H, V)
export function headBackwardWeightKernel(this: KernelThis<HeadConstants>, dlogits: Float32Array, h: Float32Array, positions: number): number {
  const k = this.thread.y;
  const v = this.thread.x;
  let acc = 0;
  for (let p = 0; p < positions; p++) acc += h[p * this.constants.H + k] * dlogits[p * this.constants.V + v];
  return acc;
}

function headConstants(s: HeadShape): HeadConstants {
  return { H: s.H, V: s.V };
}

export function headForwardSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: headForwardKernel, constants: headConstants(s), output: [s.V, s.P] };
}

export function logSumExpSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: logSumExpKernel, constants: headConstants(s), output: [s.P] };
}

export function crossEntropyLossSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: crossEntropyLossKernel, constants: headConstants(s), output: [s.P] };
}

export function crossEntropyGradSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: crossEntropyGradKernel, constants: headConstants(s), output: [s.V, s.P] };
}

export function headBackwardInputSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: headBackwardInputKernel, constants: headConstants(s), output: [s.H, s.P] };
}

export function headBackwardWeightSpec(s: HeadShape): KernelSpec<HeadConstants> {
  return { source: headBackwardWeightKernel, constants: headConstants(s), output: [s.V, s.H] };
}
