// Memory layout shared by every kernel in this folder.
//
// A batch of whole words is *packed*: the words stand end to end in one sequence of P positions,
// and position p of word w holds the character *before* target p (its first position holds '.').
// So every position is a target and there is no padding to mask: P = Σ (len(w) + 1).
//
// Each word is conceptually preceded by 2^n '.' tokens (the receptive field). A node whose whole
// receptive field lies in those dots has the same value at every layer as the word's first
// position (whose own field is all dots too), so a tap that would reach before the word reads
// the word's first position instead: tap(p, j) = max(p − (K−1−j)·d, start[p]).
//
//   start  (P)          int32   index of the first position of p's word
//   idx    (P)          int32   input character at p
//   target (P)          int32   character to predict at p
//   x, y   (P, C)       f32     activations, channels fastest: element (p, c) at p·C + c
//   conv w (K·Cin, Cout) f32    rows [j·Cin, (j+1)·Cin) multiply tap j; j = K−1 is position p itself.
//                               For K = 2 this is the lecture's Linear weight after FlattenConsecutive(2):
//                               rows [0, Cin) the earlier node (t − d), rows [Cin, 2·Cin) the later (t).
//   bias, γ, β, mean, var (C) f32
//   head w (H, V)       f32     the lecture's (fan_in, fan_out) layout
//   embedding (V, C)    f32
//
// Every kernel file exports gpu.js kernel functions and a plain-TS reference with the same
// arguments; the references are what the kernel tests (and the gpu.js kernels) are held to.
//
// Padded rows. The gpu.js kernels run a batch at paddedRows(P) ≥ P rows: the webasm backend
// compiles a wasm module per array size and keeps a few, and P changes with every batch, so
// rounding it up to one of a few sizes is what lets modules be reused. Rows p ≥ P are words of
// their own (start[p] = p) and hold whatever the kernels computed for them (zeros where an op
// padded its input): a real row only ever reads real rows, and every sum over positions stops at
// P, so they never reach a real result.
//
// Blocked kernels. The webasm backend runs 4 neighbouring cells along output.x as one f32x4, so a
// load whose index varies with thread.x is 4 scalar loads while one that does not is a single load
// shared by the 4. A blocked kernel returns Array(4), 4 rows (or columns) of its result, and loads
// each value of the x-varying operand once for all 4: 16 multiply-adds per such load instead of 4.
// Blocking (spec.ts) says how its cells tile the result; unblock() lays them out as above.

import type { Blocking } from './spec.ts';

/** The position tap j of a K-tap causal conv with dilation d reads for output position p. */
export function tapPosition(p: number, j: number, K: number, dilation: number, start: Int32Array): number {
  return Math.max(p - (K - 1 - j) * dilation, start[p]);
}

/**
 * How many positions a tap `off` positions back reads: each word's first (the taps before the word
 * land there) and every position `off` before another of its word. The wasm conv kernels multiply a
 * conv's first tap over these alone (conv1d.as.ts tap_sources).
 */
export function tapSourceCount(start: Int32Array, off: number): number {
  let n = 0;
  for (let s = 0; s < start.length; s++) if (s === start[s] || (s + off < start.length && start[s + off] === start[s])) n++;
  return n;
}

/** Rows (or columns) per cell of a blocked kernel: gpu.js returnType 'Array(4)'. */
export const BLOCK = 4;

/** P rounded up to a multiple of max(BLOCK, 2^(⌊log2 P⌋ − 3)): under 1/8 padding, 8 sizes per octave. */
export function paddedRows(P: number): number {
  const step = Math.max(BLOCK, 2 ** (Math.floor(Math.log2(Math.max(P, 1))) - 3));
  return Math.ceil(P / step) * step;
}

/** (P, C) → (rows, C), the new rows zero. */
export function padRows(x: Float32Array, C: number, rows: number): Float32Array {
  const padded = new Float32Array(rows * C);
  padded.set(x);
  return padded;
}

/** start (P) → (rows), each padding row a word of its own. */
export function padStart(start: Int32Array, rows: number): Int32Array {
  const padded = new Int32Array(rows);
  padded.set(start);
  for (let p = start.length; p < rows; p++) padded[p] = p;
  return padded;
}

/** idx or target (P) → (rows), the new entries 0. */
export function padIndices(idx: Int32Array, rows: number): Int32Array {
  const padded = new Int32Array(rows);
  padded.set(idx);
  return padded;
}

/**
 * A blocked kernel's raw output (cells in gpu.js order, 4 floats each) as its row-major result.
 * `output` is the kernel's gpu.js output size; see Blocking in spec.ts for the two tilings.
 */
export function unblock(raw: Float32Array, output: readonly number[], blocking: Blocking): Float32Array {
  const [X, Y, Z = 1] = output;
  if (blocking.along === 'columns') {
    const { rows, columns } = blocking;
    const result = new Float32Array(rows * columns);
    for (let x = 0; x < rows; x++) {
      for (let col = 0; col < columns; col++) result[x * columns + col] = raw[((col >> 2) * X + x) * BLOCK + (col & 3)];
    }
    return result;
  }
  const { rows } = blocking;
  const result = new Float32Array(Z * rows * X);
  for (let z = 0; z < Z; z++) {
    for (let row = 0; row < rows; row++) {
      const from = ((z * Y + (row >> 2)) * X) * BLOCK + (row & 3);
      const to = (z * rows + row) * X;
      for (let x = 0; x < X; x++) result[to + x] = raw[from + x * BLOCK];
    }
  }
  return result;
}
