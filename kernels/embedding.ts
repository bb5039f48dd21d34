// Embedding lookup over a packed batch and its gradient.

import { paddedRows } from './layout.ts';
import type { KernelSpec, KernelThis } from './spec.ts';

// table (V, C), idx (P) → y (P, C)
export function embeddingForwardRef(table: Float32Array, idx: Int32Array, C: number): Float32Array {
  const y = new Float32Array(idx.length * C);
  for (let p = 0; p < idx.length; p++) y.set(table.subarray(idx[p] * C, (idx[p] + 1) * C), p * C);
  return y;
}

// dy (P, C), idx (P) → dtable (V, C): each row sums the gradients of the positions that read it
export function embeddingBackwardRef(dy: Float32Array, idx: Int32Array, V: number, C: number): Float32Array {
  const dtable = new Float32Array(V * C);
  for (let p = 0; p < idx.length; p++) for (let c = 0; c < C; c++) dtable[idx[p] * C + c] += dy[p * C + c];
  return dtable;
}

// gpu.js kernels over padded rows (layout.ts): R = paddedRows(P). One thread per output element;
// the gradient gathers over the P positions per table row.

export type EmbeddingConstants = { C: number };

// table (V, C), idx (R) → y (R, C)
export function embeddingForwardKernel(this: KernelThis<EmbeddingConstants>, table: Float32Array, idx: Int32Array): number {
  return table[idx[this.thread.y] * this.constants.C + this.thread.x];
}

// dy (R, C), idx (R), P → dtable (V, C)
export function embeddingBackwardKernel(this: KernelThis<EmbeddingConstants>, dy: Float32Array, idx: Int32Array, positions: number): number {
  const v = this.thread.y;
  let acc = 0;
  for (let p = 0; p < positions; p++) {
    if (idx[p] === v) acc += dy[p * this.constants.C + this.thread.x];
  }
  return acc;
}

export function embeddingForwardSpec(P: number, C: number): KernelSpec<EmbeddingConstants> {
  return { source: embeddingForwardKernel, constants: { C }, output: [C, paddedRows(P)] };
}

export function embeddingBackwardSpec(V: number, C: number): KernelSpec<EmbeddingConstants> {
  return { source: embeddingBackwardKernel, constants: { C }, output: [C, V] };
}
