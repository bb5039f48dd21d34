// Causal dilated Conv1d over a packed batch (layout.ts) for the WebAssembly SIMD backend: forward
// (with BatchNorm's batch statistics fused), backward to the input, backward to the weight. Every
// kernel takes (t, T) last and does piece t of T (src/engine/wasm-threads.ts runs the pieces over
// its threads and returns when every one is done).
//
// The first tap (the furthest back, off = (K−1)·d) runs over its *sources* only: the positions it
// reads (tap_sources). Every position of a word whose tap falls before the word reads the word's
// first position, and a word's last `off` positions are read by no one, so at the lecture's and
// WaveNet's dilations there are 14–85 % fewer sources than positions (names: 86 % of the positions
// at d = 1, 72 % at 2, 44 % at 4, 15 % at 8). The forward multiplies each source once and copies its
// row to the positions that read it; the backward sums dy over those positions first (as the tap
// sums always did) and multiplies the sources' rows only. The forward and the gradient to the input
// are bit for bit what a product per position gives; the first tap's weight gradient sums per
// source first.

import { addRow, FROM_BIAS, FROM_OUTPUT, FROM_ZERO, gatherRow, matmulRows, matmulTransposedA, share, storeLanes, TILE_ROWS } from './matmul.as';
import { partialStats } from './batchnorm.as';

// start (P), off → src (U): the positions a tap at offset off reads, in order; rank (P + 1): how many
// of them lie before each position. Returns U. Position s is read when it is its word's first (the
// taps clamped onto it) or when s + off lies in its word.
export function tap_sources(start: usize, P: i32, off: i32, src: usize, rank: usize): i32 {
  let U = 0;
  for (let s = 0; s < P; s++) {
    store<i32>(rank + (<usize>s << 2), U);
    const word = load<i32>(start + (<usize>s << 2));
    if (s == word || (s + off < P && load<i32>(start + (<usize>(s + off) << 2)) == word)) {
      store<i32>(src + (<usize>U << 2), s);
      U++;
    }
  }
  store<i32>(rank + (<usize>P << 2), U);
  return U;
}

// x (P, Cin), w (K·Cin, Cout), bias (Cout) | 0, start (P) → y (P, Cout); with `addend` ≠ 0, y + addend
// (P, Cout) instead, added as the separate add would (a residual, a running skip sum); with `stats` ≠
// 0 also the batch statistics' partial sums of y (batchnorm.as.ts partialStats). K > 1: src, rank the
// first tap's sources (tap_sources), z scratch (U + T, Cout).
export function conv_forward(x: usize, w: usize, bias: usize, start: usize, y: usize, P: i32, cIn: i32, cOut: i32, K: i32, dilation: i32, stats: usize, addend: usize, src: usize, rank: usize, z: usize, t: i32, T: i32): void {
  const r0 = share(P, TILE_ROWS, t, T);
  const r1 = share(P, TILE_ROWS, t + 1, T);
  const init = bias ? FROM_BIAS : FROM_ZERO;
  if (K > 1) firstTapForward(x, w, bias, start, y, cIn, cOut, (K - 1) * dilation, src, rank, z + <usize>t * (<usize>cOut << 2), r0, r1, init);
  for (let j = K > 1 ? 1 : 0; j < K; j++) {
    const wj = w + ((<usize>j * cIn * cOut) << 2);
    matmulRows(y, x, cIn, start, (K - 1 - j) * dilation, wj, cIn, cOut, r0, r1, j > 0 ? FROM_OUTPUT : init, bias);
  }
  if (addend) addRows(y, addend, r0, r1, cOut);
  if (stats) partialStats(y, cOut, r0, r1, stats + ((<usize>t * 2 * cOut) << 3));
}

// rows [r0, r1) of y ← init + tap 0: the sources those rows read, multiplied once into rows u0… of z
// (offset by the piece, as neighbouring pieces may share one source), each copied to its readers
function firstTapForward(x: usize, w0: usize, bias: usize, start: usize, y: usize, cIn: i32, cOut: i32, off: i32, src: usize, rank: usize, z: usize, r0: i32, r1: i32, init: i32): void {
  if (r0 >= r1) return;
  const u0 = load<i32>(rank + (<usize>gatherRow(start, off, r0) << 2));
  const u1 = load<i32>(rank + (<usize>gatherRow(start, off, r1 - 1) << 2)) + 1;
  const row = <usize>cOut << 2;
  const zu = z + <usize>u0 * row;
  // src[u] ≥ u, so gatherRow's max(u − 0, src[u]) reads row src[u]
  matmulRows(zu, x, cIn, src + (<usize>u0 << 2), 0, w0, cIn, cOut, 0, u1 - u0, init, bias);
  for (let p = r0; p < r1; p++) {
    const u = load<i32>(rank + (<usize>gatherRow(start, off, p) << 2));
    memory.copy(y + <usize>p * row, zu + <usize>(u - u0) * row, row);
  }
}

// rows [r0, r1) of y (·, C) += those of a
function addRows(y: usize, a: usize, r0: i32, r1: i32, C: i32): void {
  const row = <usize>C << 2;
  for (let r = r0; r < r1; r++) addRow(y + <usize>r * row, a + <usize>r * row, C);
}

// dy (P, Cout), wT (K, Cout, Cin) (transpose_blocks of w), start (P) → dx (P, Cin), or with `addend` ≠ 0
// dx + addend (P, Cin), as conv_forward's. K > 1: src, rank the first tap's sources, sums (U, Cout)
// ← their tap sums (conv_backward_weight reads them), gathered: scratch (U, Cin); taps: scratch
// (K − 2, P, Cout) for the taps between. dx = Σ_j taps_j · W_jᵀ, the last tap (off = 0) dy itself.
export function conv_backward_input(dy: usize, wT: usize, start: usize, taps: usize, dx: usize, addend: usize, P: i32, cIn: i32, cOut: i32, K: i32, dilation: i32, src: usize, rank: usize, sums: usize, gathered: usize, t: i32, T: i32): void {
  const r0 = share(P, TILE_ROWS, t, T);
  const r1 = share(P, TILE_ROWS, t + 1, T);
  const rowBytes = <usize>cOut << 2;
  const block = (<usize>cOut * cIn) << 2;
  if (K > 1) firstTapSums(dy, start, src, rank, sums, P, cOut, (K - 1) * dilation, r0, r1);
  for (let j = 1; j < K - 1; j++) {
    const tj = taps + <usize>(j - 1) * P * rowBytes;
    for (let s = r0; s < r1; s++) tapSum(dy, start, tj + <usize>s * rowBytes, s, (K - 1 - j) * dilation, P, cOut);
  }
  matmulRows(dx, dy, cOut, 0, 0, wT + <usize>(K - 1) * block, cOut, cIn, r0, r1, FROM_ZERO, 0);
  if (K > 1) firstTapBackward(dx, wT, src, rank, sums, gathered, cIn, cOut, r0, r1);
  for (let j = 1; j < K - 1; j++) {
    matmulRows(dx, taps + <usize>(j - 1) * P * rowBytes, cOut, 0, 0, wT + <usize>j * block, cOut, cIn, r0, r1, FROM_OUTPUT, 0);
  }
  if (addend) addRows(dx, addend, r0, r1, cIn);
}

// the first tap's sums for the sources in rows [r0, r1): sums[u] for u ∈ [rank[r0], rank[r1])
function firstTapSums(dy: usize, start: usize, src: usize, rank: usize, sums: usize, P: i32, cOut: i32, off: i32, r0: i32, r1: i32): void {
  const u1 = load<i32>(rank + (<usize>r1 << 2));
  for (let u = load<i32>(rank + (<usize>r0 << 2)); u < u1; u++) tapSum(dy, start, sums + <usize>u * (<usize>cOut << 2), load<i32>(src + (<usize>u << 2)), off, P, cOut);
}

// dx rows of the sources in [r0, r1) += their sums · W_0ᵀ: gathered, multiplied onto, put back
function firstTapBackward(dx: usize, wT0: usize, src: usize, rank: usize, sums: usize, gathered: usize, cIn: i32, cOut: i32, r0: i32, r1: i32): void {
  const u0 = load<i32>(rank + (<usize>r0 << 2));
  const u1 = load<i32>(rank + (<usize>r1 << 2));
  const row = <usize>cIn << 2;
  for (let u = u0; u < u1; u++) memory.copy(gathered + <usize>u * row, dx + <usize>load<i32>(src + (<usize>u << 2)) * row, row);
  matmulRows(gathered, sums, cOut, 0, 0, wT0, cOut, cIn, u0, u1, FROM_OUTPUT, 0);
  for (let u = u0; u < u1; u++) memory.copy(dx + <usize>load<i32>(src + (<usize>u << 2)) * row, gathered + <usize>u * row, row);
}

// dy (P, Cout), start (P), src, rank: the first tap's sources → sums (U, Cout), their tap sums, for
// conv_backward_weight when no conv_backward_input ran before it
export function conv_tap_sums(dy: usize, start: usize, src: usize, rank: usize, sums: usize, P: i32, cOut: i32, off: i32, t: i32, T: i32): void {
  firstTapSums(dy, start, src, rank, sums, P, cOut, off, share(P, 1, t, T), share(P, 1, t + 1, T));
}

// out (Cout) = Σ dy[p] over the p whose tap at offset off reads s: p = s + off in s's word, and for a
// word's first position also every p with p − off < s — together p ∈ [lo, s + off] in the word, lo = s
// for a first position, s + off otherwise
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
// Σ_p x[tap_j(p)]ᵀ dy[p] per tap j, dbias (Cout) += Σ_p dy[p] when dbias ≠ 0; K > 1: the first tap
// as Σ_u x[src[u]]ᵀ sums[u] over its U sources (their tap sums, conv_backward_input or conv_tap_sums),
// its input transposed into srcT: scratch (Cin, U) (a piece's rows of xT, P long, would overlap
// another's rows of U). Pieces share dw's rows in whole tiles, each piece every tap of its rows.
export function conv_backward_weight(x: usize, dy: usize, start: usize, dw: usize, dbias: usize, xT: usize, P: i32, cIn: i32, cOut: i32, K: i32, dilation: i32, src: usize, U: i32, sums: usize, srcT: usize, t: i32, T: i32): void {
  const c0 = share(cIn, TILE_ROWS, t, T);
  const c1 = share(cIn, TILE_ROWS, t + 1, T);
  if (K > 1) matmulTransposedA(dw, x, cIn, src, 0, sums, cOut, U, c0, c1, srcT);
  for (let j = K > 1 ? 1 : 0; j < K; j++) {
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
