// Causal dilated Conv1d over a packed batch (layout.ts) for the WebAssembly SIMD backend: forward
// (with BatchNorm's batch statistics fused), backward to the input, backward to the weight. Every
// kernel takes (t, T) last and does piece t of T (src/engine/wasm-threads.ts runs the pieces over
// its threads and returns when every one is done).

import { addRow, FROM_BIAS, FROM_OUTPUT, FROM_ZERO, matmulRows, matmulTransposedA, share, storeLanes, TILE_ROWS } from './matmul.as';
import { partialStats } from './batchnorm.as';

// x (P, Cin), w (K·Cin, Cout), bias (Cout) | 0, start (P) → y (P, Cout); with `addend` ≠ 0, y + addend
// (P, Cout) instead, added as the separate add would (a residual, a running skip sum); with `stats` ≠
// 0 also the batch statistics' partial sums of y (batchnorm.as.ts partialStats)
export function conv_forward(x: usize, w: usize, bias: usize, start: usize, y: usize, P: i32, cIn: i32, cOut: i32, K: i32, dilation: i32, stats: usize, addend: usize, t: i32, T: i32): void {
  const r0 = share(P, TILE_ROWS, t, T);
  const r1 = share(P, TILE_ROWS, t + 1, T);
  for (let j = 0; j < K; j++) {
    const init = j > 0 ? FROM_OUTPUT : bias ? FROM_BIAS : FROM_ZERO;
    const wj = w + ((<usize>j * cIn * cOut) << 2);
    matmulRows(y, x, cIn, start, (K - 1 - j) * dilation, wj, cIn, cOut, r0, r1, init, bias);
  }
  if (addend) addRows(y, addend, r0, r1, cOut);
  if (stats) partialStats(y, cOut, r0, r1, stats + ((<usize>t * 2 * cOut) << 3));
}

// rows [r0, r1) of y (·, C) += those of a
function addRows(y: usize, a: usize, r0: i32, r1: i32, C: i32): void {
  const row = <usize>C << 2;
  for (let r = r0; r < r1; r++) addRow(y + <usize>r * row, a + <usize>r * row, C);
}

// dy (P, Cout), wT (K, Cout, Cin) (transpose_blocks of w), start (P), taps: scratch (K − 1, P, Cout) → dx (P, Cin),
// or with `addend` ≠ 0 dx + addend (P, Cin), as conv_forward's.
// Tap j of output p reads s = max(p − off, start[p]), off = (K−1−j)·d, so taps_j[s] sums dy over the
// p that read s: p = s + off in s's word, and for a word's first position also every p with
// p − off < s — together p ∈ [lo, s + off] in the word, lo = s for a first position, s + off
// otherwise. Then dx = Σ_j taps_j · W_jᵀ, where the last tap (off = 0) is dy itself.
export function conv_backward_input(dy: usize, wT: usize, start: usize, taps: usize, dx: usize, addend: usize, P: i32, cIn: i32, cOut: i32, K: i32, dilation: i32, t: i32, T: i32): void {
  const r0 = share(P, TILE_ROWS, t, T);
  const r1 = share(P, TILE_ROWS, t + 1, T);
  const rowBytes = <usize>cOut << 2;
  for (let j = 0; j < K - 1; j++) {
    const off = (K - 1 - j) * dilation;
    const tj = taps + <usize>j * P * rowBytes;
    for (let s = r0; s < r1; s++) tapSum(dy, start, tj + <usize>s * rowBytes, s, off, P, cOut);
  }
  const block = (<usize>cOut * cIn) << 2;
  matmulRows(dx, dy, cOut, 0, 0, wT + <usize>(K - 1) * block, cOut, cIn, r0, r1, FROM_ZERO, 0);
  for (let j = 0; j < K - 1; j++) {
    matmulRows(dx, taps + <usize>j * P * rowBytes, cOut, 0, 0, wT + <usize>j * block, cOut, cIn, r0, r1, FROM_OUTPUT, 0);
  }
  if (addend) addRows(dx, addend, r0, r1, cIn);
}

// out (Cout) = Σ dy[p] over p ∈ [lo, s + off] in s's word (above)
function tapSum(dy: usize, start: usize, out: usize, s: i32, off: i32, P: i32, cOut: i32): void {
  const word = load<i32>(start + (<usize>s << 2));
  const lo = s == word ? s : s + off;
  const hi = min(s + off, P - 1);
  memory.fill(out, 0, <usize>cOut << 2);
  for (let p = lo; p <= hi; p++) {
    if (load<i32>(start + (<usize>p << 2)) != word) break;
    addRow(out, dy + ((<usize>p * cOut) << 2), cOut);
  }
}

// x (P, Cin), dy (P, Cout), start (P), xT: scratch (Cin, P) → dw (K·Cin, Cout) +=
// Σ_p x[tap_j(p)]ᵀ dy[p] per tap j, dbias (Cout) += Σ_p dy[p] when dbias ≠ 0. Pieces share dw's rows
// in whole tiles, each piece every tap of its rows.
export function conv_backward_weight(x: usize, dy: usize, start: usize, dw: usize, dbias: usize, xT: usize, P: i32, cIn: i32, cOut: i32, K: i32, dilation: i32, t: i32, T: i32): void {
  const c0 = share(cIn, TILE_ROWS, t, T);
  const c1 = share(cIn, TILE_ROWS, t + 1, T);
  for (let j = 0; j < K; j++) {
    const dwj = dw + ((<usize>j * cIn * cOut) << 2);
    matmulTransposedA(dwj, x, cIn, start, (K - 1 - j) * dilation, dy, cOut, P, c0, c1, xT);
  }
  if (dbias) columnSums(dy, P, cOut, dbias, share(cOut, 4, t, T), share(cOut, 4, t + 1, T));
}

/** out[c] += Σ_p x[p, c] for columns [c0, c1) of x (P, C): 4 columns a vector, each summed in row order. */
export function columnSums(x: usize, P: i32, C: i32, out: usize, c0: i32, c1: i32): void {
  const ld = <usize>C << 2;
  for (let c = c0; c < c1; c += 4) {
    const o = <usize>c << 2;
    let acc = f32x4.splat(0);
    let row = x + o;
    for (let p = 0; p < P; p++) {
      acc = f32x4.add(acc, v128.load(row));
      row += ld;
    }
    storeLanes(out + o, f32x4.add(v128.load(out + o), acc), min(4, c1 - c));
  }
}
