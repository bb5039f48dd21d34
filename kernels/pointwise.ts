// Elementwise kernels: tanh, ReLU and their backward passes, the sum and product of two arrays
// (residual and skip connections; dropout's mask), and the optimizer updates (flat arrays of any length).

import { paddedRows } from './layout.ts';
import type { KernelSpec, KernelThis } from './spec.ts';

// x (N) → y (N)
export function tanhForwardRef(x: Float32Array): Float32Array {
  return x.map(Math.tanh);
}

// y = tanh(x) (N), dy (N) → dx (N) = (1 − y²)·dy
export function tanhBackwardRef(y: Float32Array, dy: Float32Array): Float32Array {
  return y.map((v, i) => (1 - v * v) * dy[i]);
}

// x (N) → y (N) = max(x, 0)
export function reluForwardRef(x: Float32Array): Float32Array {
  return x.map((v) => Math.max(v, 0));
}

// y = relu(x) (N), dy (N) → dx (N) = dy where y > 0
export function reluBackwardRef(y: Float32Array, dy: Float32Array): Float32Array {
  return y.map((v, i) => (v > 0 ? dy[i] : 0));
}

// a, b (N) → a + b (N)
export function addRef(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + b[i]);
}

// a, b (N) → a ⊙ b (N)
export function multiplyRef(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v * b[i]);
}

// SGD: w ← w − lr·g (in place)
export function sgdUpdateRef(w: Float32Array, g: Float32Array, lr: number): void {
  for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
}

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number; // 1-based, for bias correction
}

// AdamW (decoupled weight decay, torch.optim.AdamW's update), in place on w, m, v
export function adamwUpdateRef(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamWHyper): void {
  const c1 = 1 - h.beta1 ** h.step;
  const c2 = 1 - h.beta2 ** h.step;
  for (let i = 0; i < w.length; i++) {
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i];
    w[i] -= h.lr * ((m[i] / c1) / (Math.sqrt(v[i] / c2) + h.eps) + h.weightDecay * w[i]);
  }
}

// gpu.js kernels: one thread per element; no sizes to bake in, so one kernel serves every length.
// The activations' lengths follow the batch, so tanh runs at paddedRows(N) (layout.ts).

type NoConstants = Record<string, never>;

// x (N) → y (N). Eigen's float tanh: an odd [13/6] rational fit, within 4e-7 of Math.tanh, clamped
// where float32 tanh is ±1. The webasm backend has no tanh and would call Math.tanh lane by lane.
export function tanhForwardKernel(this: KernelThis<NoConstants>, x: Float32Array): number {
  const v = Math.min(Math.max(x[this.thread.x], -7.90531110763549805), 7.90531110763549805);
  const v2 = v * v;
  let p = v2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = p * v2 - 8.60467152213735e-11;
  p = p * v2 + 5.12229709037114e-8;
  p = p * v2 + 1.48572235717979e-5;
  p = p * v2 + 6.37261928875436e-4;
  p = p * v2 + 4.89352455891786e-3;
  let q = v2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = q * v2 + 2.268434632439e-3;
  q = q * v2 + 4.89352518554385e-3;
  return (v * p) / q;
}

// y = tanh(x) (N), dy (N) → dx (N)
export function tanhBackwardKernel(this: KernelThis<NoConstants>, y: Float32Array, dy: Float32Array): number {
  const v = y[this.thread.x];
  return (1 - v * v) * dy[this.thread.x];
}

// x (N) → y (N)
export function reluForwardKernel(this: KernelThis<NoConstants>, x: Float32Array): number {
  return Math.max(x[this.thread.x], 0);
}

// y = relu(x) (N), dy (N) → dx (N)
export function reluBackwardKernel(this: KernelThis<NoConstants>, y: Float32Array, dy: Float32Array): number {
  let result = 0;
  if (y[this.thread.x] > 0) result = dy[this.thread.x];
  return result;
}

// a, b (N) → a + b (N)
export function addKernel(this: KernelThis<NoConstants>, a: Float32Array, b: Float32Array): number {
  return a[this.thread.x] + b[this.thread.x];
}

// a, b (N) → a ⊙ b (N)
export function multiplyKernel(this: KernelThis<NoConstants>, a: Float32Array, b: Float32Array): number {
  return a[this.thread.x] * b[this.thread.x];
}

// w, g (N), lr → w′ (N)
export function sgdKernel(this: KernelThis<NoConstants>, w: Float32Array, g: Float32Array, lr: number): number {
  return w[this.thread.x] - lr * g[this.thread.x];
}

// w, g, m, v (N), hyperparameters → (3·N): m′, v′, w′ one after the other. The host passes 1 − β
// (in float32, 1 − 0.999 is off by 1e-5) and the bias corrections c1 = 1 − β1^t, c2 = 1 − β2^t.
// One kernel, three parts (gpu.js kernel maps do not run on webasm); the w′ part recomputes m′ and
// v′. The output is one-dimensional: a GL backend stores an (N, 3) output as an N-wide texture,
// past WebGL's 8192 texels for the lecture's 32,768-element conv weights, and reads back zeros.
// Which part a thread is in comes from comparisons, exact where a GL division need not be.
export function adamwKernel(
  this: KernelThis<NoConstants>,
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  n: number,
  lr: number,
  beta1: number,
  beta2: number,
  oneMinusBeta1: number,
  oneMinusBeta2: number,
  eps: number,
  weightDecay: number,
  c1: number,
  c2: number,
): number {
  let i = this.thread.x;
  let part = 0;
  if (i >= n) {
    i -= n;
    part = 1;
  }
  if (i >= n) {
    i -= n;
    part = 2;
  }
  const m2 = beta1 * m[i] + oneMinusBeta1 * g[i];
  const v2 = beta2 * v[i] + oneMinusBeta2 * g[i] * g[i];
  let result = m2;
  if (part === 1) result = v2;
  if (part === 2) result = w[i] - lr * (m2 / c1 / (Math.sqrt(v2 / c2) + eps) + weightDecay * w[i]);
  return result;
}

/** Any of the one-thread-per-element kernels above over N elements, run at paddedRows(N). */
export function elementwiseSpec(source: KernelSpec<NoConstants>['source'], N: number): KernelSpec<NoConstants> {
  return { source, constants: {}, output: [paddedRows(N)] };
}

export function sgdSpec(N: number): KernelSpec<NoConstants> {
  return { source: sgdKernel, constants: {}, output: [N] };
}

export function adamwSpec(N: number): KernelSpec<NoConstants> {
  return { source: adamwKernel, constants: {}, output: [3 * N] };
}
