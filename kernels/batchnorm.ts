// BatchNorm over the P positions of a packed batch (every position is a real node; layout.ts).
// Training statistics use the unbiased variance, as the lecture's BatchNorm1d.

import { paddedRows } from './layout.ts';
import type { KernelSpec, KernelThis } from './spec.ts';

export interface BnShape {
  P: number;
  C: number;
}

// x (P, C) → mean (C), var (C) unbiased
export function bnStatsRef(x: Float32Array, s: BnShape): { mean: Float32Array; variance: Float32Array } {
  const mean = new Float32Array(s.C);
  const variance = new Float32Array(s.C);
  for (let c = 0; c < s.C; c++) {
    let sum = 0;
    for (let p = 0; p < s.P; p++) sum += x[p * s.C + c];
    const m = sum / s.P;
    let sq = 0;
    for (let p = 0; p < s.P; p++) sq += (x[p * s.C + c] - m) ** 2;
    mean[c] = m;
    variance[c] = sq / (s.P - 1);
  }
  return { mean, variance };
}

// x (P, C), mean, var, γ, β (C) → y (P, C) = γ·(x − mean)/√(var + eps) + β
export function bnForwardRef(x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, s: BnShape): Float32Array {
  const y = new Float32Array(s.P * s.C);
  for (let p = 0; p < s.P; p++) {
    for (let c = 0; c < s.C; c++) {
      const i = p * s.C + c;
      y[i] = (gamma[c] * (x[i] - mean[c])) / Math.sqrt(variance[c] + eps) + beta[c];
    }
  }
  return y;
}

// dy, x (P, C), batch mean/var, γ (C) → dx (P, C), dγ, dβ (C). `training` false: statistics are constants.
export function bnBackwardRef(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  eps: number,
  training: boolean,
  s: BnShape,
): { dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array } {
  const dx = new Float32Array(s.P * s.C);
  const dgamma = new Float32Array(s.C);
  const dbeta = new Float32Array(s.C);
  for (let c = 0; c < s.C; c++) {
    const invStd = 1 / Math.sqrt(variance[c] + eps);
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let p = 0; p < s.P; p++) {
      const i = p * s.C + c;
      sumDy += dy[i];
      sumDyXhat += dy[i] * (x[i] - mean[c]) * invStd;
    }
    dgamma[c] = sumDyXhat;
    dbeta[c] = sumDy;
    for (let p = 0; p < s.P; p++) {
      const i = p * s.C + c;
      const xhat = (x[i] - mean[c]) * invStd;
      const centred = training ? dy[i] - sumDy / s.P - (xhat * sumDyXhat) / (s.P - 1) : dy[i];
      dx[i] = gamma[c] * invStd * centred;
    }
  }
  return { dx, dgamma, dbeta };
}

// gpu.js kernels over padded rows (layout.ts): R = paddedRows(P), sums stop at P. One thread per
// output element; per-channel sums are two-row outputs [C, 2], so one kernel serves both
// statistics and each thread still computes one number.

export type BnConstants = { C: number };
export type BnBackwardConstants = { C: number; training: boolean };

// x (R, C), P → (2, C): row 0 the mean, row 1 the unbiased variance
export function bnStatsKernel(this: KernelThis<BnConstants>, x: Float32Array, positions: number): number {
  const c = this.thread.x;
  let sum = 0;
  for (let p = 0; p < positions; p++) sum += x[p * this.constants.C + c];
  const mean = sum / positions;
  let result = mean;
  if (this.thread.y === 1) {
    // two-pass: squaring deviations from the mean keeps float32 accurate
    let sq = 0;
    for (let p = 0; p < positions; p++) {
      const d = x[p * this.constants.C + c] - mean;
      sq += d * d;
    }
    result = sq / (positions - 1);
  }
  return result;
}

// x (R, C), mean, var, γ, β (C), eps → y (R, C)
export function bnForwardKernel(
  this: KernelThis<BnConstants>,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
): number {
  const c = this.thread.x;
  const i = this.thread.y * this.constants.C + c;
  return (gamma[c] * (x[i] - mean[c])) / Math.sqrt(variance[c] + eps) + beta[c];
}

// dy, x (R, C), mean, var (C), eps, P → (2, C): row 0 Σ dy = dβ, row 1 Σ dy·x̂ = dγ
export function bnBackwardSumsKernel(
  this: KernelThis<BnConstants>,
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
  positions: number,
): number {
  const c = this.thread.x;
  const invStd = 1 / Math.sqrt(variance[c] + eps);
  let acc = 0;
  for (let p = 0; p < positions; p++) {
    const i = p * this.constants.C + c;
    let term = dy[i];
    if (this.thread.y === 1) term = dy[i] * (x[i] - mean[c]) * invStd;
    acc += term;
  }
  return acc;
}

// dy, x (R, C), mean, var, γ, dβ, dγ (C), eps, P → dx (R, C); `training` false: statistics are constants
export function bnBackwardKernel(
  this: KernelThis<BnBackwardConstants>,
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  dbeta: Float32Array,
  dgamma: Float32Array,
  eps: number,
  positions: number,
): number {
  const c = this.thread.x;
  const i = this.thread.y * this.constants.C + c;
  const invStd = 1 / Math.sqrt(variance[c] + eps);
  let centred = dy[i];
  if (this.constants.training) {
    const xhat = (x[i] - mean[c]) * invStd;
    centred = dy[i] - dbeta[c] / positions - (xhat * dgamma[c]) / (positions - 1);
  }
  return gamma[c] * invStd * centred;
}

export function bnStatsSpec(s: BnShape): KernelSpec<BnConstants> {
  return { source: bnStatsKernel, constants: { C: s.C }, output: [s.C, 2] };
}

export function bnForwardSpec(s: BnShape): KernelSpec<BnConstants> {
  return { source: bnForwardKernel, constants: { C: s.C }, output: [s.C, paddedRows(s.P)] };
}

export function bnBackwardSumsSpec(s: BnShape): KernelSpec<BnConstants> {
  return { source: bnBackwardSumsKernel, constants: { C: s.C }, output: [s.C, 2] };
}

export function bnBackwardSpec(s: BnShape, training: boolean): KernelSpec<BnBackwardConstants> {
  return { source: bnBackwardKernel, constants: { C: s.C, training }, output: [s.C, paddedRows(s.P)] };
}
