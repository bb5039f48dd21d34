// Sums over the positions of a packed batch: the bias gradients (conv, head).

import type { KernelSpec, KernelThis } from './spec.ts';

// x (R, C) → (C)
export function columnSumRef(x: Float32Array, R: number, C: number): Float32Array {
  const sum = new Float32Array(C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) sum[c] += x[r * C + c];
  return sum;
}

export type ColumnConstants = { C: number };

// x (R, C), R → (C)
export function columnSumKernel(this: KernelThis<ColumnConstants>, x: Float32Array, rows: number): number {
  let acc = 0;
  for (let r = 0; r < rows; r++) acc += x[r * this.constants.C + this.thread.x];
  return acc;
}

export function columnSumSpec(C: number): KernelSpec<ColumnConstants> {
  return { source: columnSumKernel, constants: { C }, output: [C] };
}
