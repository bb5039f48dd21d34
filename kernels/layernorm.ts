// Per-position LayerNorm over a packed batch: each position's C channels normalised by their own
// mean and (biased) variance, then scaled and shifted per channel (torch.nn.LayerNorm(C)).

import { paddedRows } from './layout.ts';
import type { KernelSpec, KernelThis } from './spec.ts';

export interface LnShape {
  P: number;
  C: number;
}

// row p of x (P, C) → its mean and 1/sqrt(variance + eps)
function rowStats(x: Float32Array, p: number, C: number, eps: number): { mean: number; rstd: number } {
  let mean = 0;
  for (let c = 0; c < C; c++) mean += x[p * C + c];
  mean /= C;
  let variance = 0;
  for (let c = 0; c < C; c++) variance += (x[p * C + c] - mean) ** 2;
  return { mean, rstd: 1 / Math.sqrt(variance / C + eps) };
}

// x (P, C), γ, β (C) → y (P, C)
export function lnForwardRef(x: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, s: LnShape): Float32Array {
  const y = new Float32Array(s.P * s.C);
  for (let p = 0; p < s.P; p++) {
    const { mean, rstd } = rowStats(x, p, s.C, eps);
    for (let c = 0; c < s.C; c++) y[p * s.C + c] = (x[p * s.C + c] - mean) * rstd * gamma[c] + beta[c];
  }
  return y;
}

// dy, x (P, C), γ (C) → dx (P, C) = rstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ; dγ = Σ dy·x̂, dβ = Σ dy (C)
export function lnBackwardRef(dy: Float32Array, x: Float32Array, gamma: Float32Array, eps: number, s: LnShape): { dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array } {
  const dx = new Float32Array(s.P * s.C);
  const dgamma = new Float32Array(s.C);
  const dbeta = new Float32Array(s.C);
  for (let p = 0; p < s.P; p++) {
    const { mean, rstd } = rowStats(x, p, s.C, eps);
    let meanG = 0;
    let meanGX = 0;
    for (let c = 0; c < s.C; c++) {
      const i = p * s.C + c;
      const xhat = (x[i] - mean) * rstd;
      meanG += dy[i] * gamma[c];
      meanGX += dy[i] * gamma[c] * xhat;
      dgamma[c] += dy[i] * xhat;
      dbeta[c] += dy[i];
    }
    meanG /= s.C;
    meanGX /= s.C;
    for (let c = 0; c < s.C; c++) {
      const i = p * s.C + c;
      dx[i] = rstd * (dy[i] * gamma[c] - meanG - (x[i] - mean) * rstd * meanGX);
    }
  }
  return { dx, dgamma, dbeta };
}

// gpu.js kernels over paddedRows(P) rows (layout.ts): the row statistics first, one cell per (statistic, row).

export type LnConstants = { C: number };

// x (R, C), eps → stats (R, 2): mean, 1/sqrt(variance + eps)
export function lnStatsKernel(this: KernelThis<LnConstants>, x: Float32Array, eps: number): number {
  const row = this.thread.y * this.constants.C;
  let mean = 0;
  for (let c = 0; c < this.constants.C; c++) mean += x[row + c];
  mean = mean / this.constants.C;
  let variance = 0;
  for (let c = 0; c < this.constants.C; c++) variance += (x[row + c] - mean) * (x[row + c] - mean);
  let result = mean;
  if (this.thread.x === 1) result = 1 / Math.sqrt(variance / this.constants.C + eps);
  return result;
}

// x (R, C), stats (R, 2), γ, β (C) → y (R, C)
export function lnForwardKernel(this: KernelThis<LnConstants>, x: Float32Array, stats: Float32Array, gamma: Float32Array, beta: Float32Array): number {
  const p = this.thread.y;
  const c = this.thread.x;
  return (x[p * this.constants.C + c] - stats[2 * p]) * stats[2 * p + 1] * gamma[c] + beta[c];
}

// dy, x (R, C), stats (R, 2), γ (C) → means (R, 2): mean(g), mean(g·x̂) over each row, g = dy·γ
export function lnBackwardMeansKernel(this: KernelThis<LnConstants>, dy: Float32Array, x: Float32Array, stats: Float32Array, gamma: Float32Array): number {
  const p = this.thread.y;
  const row = p * this.constants.C;
  const mean = stats[2 * p];
  const rstd = stats[2 * p + 1];
  let meanG = 0;
  let meanGX = 0;
  for (let c = 0; c < this.constants.C; c++) {
    const g = dy[row + c] * gamma[c];
    meanG += g;
    meanGX += g * (x[row + c] - mean) * rstd;
  }
  let result = meanG / this.constants.C;
  if (this.thread.x === 1) result = meanGX / this.constants.C;
  return result;
}

// dy, x (R, C), stats (R, 2), γ (C), means (R, 2) → dx (R, C): the row sums once per row, not once per element
export function lnBackwardKernel(this: KernelThis<LnConstants>, dy: Float32Array, x: Float32Array, stats: Float32Array, gamma: Float32Array, means: Float32Array): number {
  const p = this.thread.y;
  const mean = stats[2 * p];
  const rstd = stats[2 * p + 1];
  const i = p * this.constants.C + this.thread.x;
  return rstd * (dy[i] * gamma[this.thread.x] - means[2 * p] - (x[i] - mean) * rstd * means[2 * p + 1]);
}

// dy, x (R, C), stats (R, 2), P → (2, C): row 0 dγ = Σ_p dy·x̂, row 1 dβ = Σ_p dy
export function lnParamGradsKernel(this: KernelThis<LnConstants>, dy: Float32Array, x: Float32Array, stats: Float32Array, positions: number): number {
  const c = this.thread.x;
  let dgamma = 0;
  let dbeta = 0;
  for (let p = 0; p < positions; p++) {
    const g = dy[p * this.constants.C + c];
    dgamma += g * (x[p * this.constants.C + c] - stats[2 * p]) * stats[2 * p + 1];
    dbeta += g;
  }
  let result = dgamma;
  if (this.thread.y === 1) result = dbeta;
  return result;
}

export function lnStatsSpec(s: LnShape): KernelSpec<LnConstants> {
  return { source: lnStatsKernel, constants: { C: s.C }, output: [2, paddedRows(s.P)] };
}

export function lnForwardSpec(s: LnShape): KernelSpec<LnConstants> {
  return { source: lnForwardKernel, constants: { C: s.C }, output: [s.C, paddedRows(s.P)] };
}

export function lnBackwardMeansSpec(s: LnShape): KernelSpec<LnConstants> {
  return { source: lnBackwardMeansKernel, constants: { C: s.C }, output: [2, paddedRows(s.P)] };
}

export function lnBackwardSpec(s: LnShape): KernelSpec<LnConstants> {
  return { source: lnBackwardKernel, constants: { C: s.C }, output: [s.C, paddedRows(s.P)] };
}

export function lnParamGradsSpec(s: LnShape): KernelSpec<LnConstants> {
  return { source: lnParamGradsKernel, constants: { C: s.C }, output: [s.C, 2] };
}
