// Register-tiled matrix products for the WebAssembly SIMD backend (AssemblyScript), shared by the conv
// and head kernels. A product's tile is 6 rows × 8 columns of f32x4 multiply-adds in the relaxed
// build and 4 × 16 in the plain one (matmulRows); a weight gradient transposes its input first and
// runs the same tiles (matmulTransposedA). The relaxed 6 × 8 tile's accumulators, the vectors of B it
// loads and the splat of A fit x64's 16 vector registers, as XNNPACK's wasmsimd 6x8 micro-kernels
// do. Narrower tiles (4 columns, masked at the edge) and repeated last rows take the edges, so any
// shape works; loads past an edge stay inside the allocation's 16 bytes of slack (wasm-memory.ts)
// and only feed lanes that are never stored. Every output element sums its products in the same
// order whatever the tile, the variant's madd aside, so results do not depend on the tiling or the
// threads.
//
// Pointers are byte addresses in the one wasm memory; sizes are element counts. Rows of A are
// gathered: row p reads A row max(p − off, start[p]) — the conv tap of layout.ts — or p itself
// when `start` is 0.

/** The A row that output row p reads (kernels/layout.ts tapPosition). */
@inline export function gatherRow(start: usize, off: i32, p: i32): i32 {
  return start ? max(p - off, load<i32>(start + (<usize>p << 2))) : p;
}

// acc + a·b: built twice (scripts/build-wasm.mjs), as multiply-then-add, and with relaxed SIMD as
// relaxed_madd, which an engine may fuse into one rounding (x64 FMA); the host picks what it runs
@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// entry i of a table of 32-bit constants (memory.data), in all four lanes. V8 builds a vector
// constant from immediates where it is used, inside the loop, in three instructions; this is one load.
@inline export function lanes(table: usize, i: i32): v128 {
  return v128.load32_splat(table + (<usize>i << 2));
}

/** How a tile's accumulators start. */
export const FROM_ZERO = 0;
export const FROM_OUTPUT = 1; // accumulate into what y holds
export const FROM_BIAS = 2; // every row starts as the bias row

// y rows [r0, r1) of (·, N) ← init + A (·, K) gathered · B (K, N); lda = A's row length. The tile
// that measured fastest for each build (README, Performance): with relaxed_madd, 6 × 8 (15 vector
// registers); with a multiply then an add, whose product needs a register of its own, 4 × 16.
export function matmulRows(y: usize, a: usize, lda: i32, start: usize, off: i32, b: usize, K: i32, N: i32, r0: i32, r1: i32, init: i32, bias: usize): void {
  if (ASC_FEATURE_RELAXED_SIMD) matmulRows6(y, a, lda, start, off, b, K, N, r0, r1, init, bias);
  else matmulRows4(y, a, lda, start, off, b, K, N, r0, r1, init, bias);
}

// matmulRows in tiles of ROWS rows × 8 columns (4 columns, masked, at the right edge), for the relaxed
// build; a short last tile repeats its last row
function matmulRows6(y: usize, a: usize, lda: i32, start: usize, off: i32, b: usize, K: i32, N: i32, r0: i32, r1: i32, init: i32, bias: usize): void {
  const ldy = <usize>N << 2;
  const ldaBytes = <usize>lda << 2;
  for (let p = r0; p < r1; p += ROWS) {
    const last = min(ROWS, r1 - p) - 1;
    const a0 = a + <usize>gatherRow(start, off, p) * ldaBytes;
    const a1 = a + <usize>gatherRow(start, off, p + min(1, last)) * ldaBytes;
    const a2 = a + <usize>gatherRow(start, off, p + min(2, last)) * ldaBytes;
    const a3 = a + <usize>gatherRow(start, off, p + min(3, last)) * ldaBytes;
    const a4 = a + <usize>gatherRow(start, off, p + min(4, last)) * ldaBytes;
    const a5 = a + <usize>gatherRow(start, off, p + min(5, last)) * ldaBytes;
    const y0 = y + <usize>p * ldy;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      const o = <usize>j << 2;
      tile6x8(y0 + o, ldy, a0, a1, a2, a3, a4, a5, b + o, ldy, K, init, bias + o, last);
    }
    for (; j < N; j += 4) {
      const o = <usize>j << 2;
      tile6x4(y0 + o, ldy, a0, a1, a2, a3, a4, a5, b + o, ldy, K, init, bias + o, last, min(4, N - j));
    }
  }
}

/** Rows of a relaxed-build tile: 6 × 2 accumulators, 2 vectors of B and a splat fit x64's 16 vector registers. */
const ROWS = 6;

// rows y0, y0 + ldy, … (last + 1 of them) × 8 columns
function tile6x8(y0: usize, ldy: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize, b: usize, ldb: usize, K: i32, init: i32, bias: usize, last: i32): void {
  let c00 = f32x4.splat(0), c01 = c00;
  if (init == FROM_BIAS) {
    c00 = v128.load(bias); c01 = v128.load(bias, 16);
  }
  let c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01, c50 = c00, c51 = c01;
  if (init == FROM_OUTPUT) {
    c00 = v128.load(y0); c01 = v128.load(y0, 16);
    c10 = v128.load(y0 + ldy * min(1, last)); c11 = v128.load(y0 + ldy * min(1, last), 16);
    c20 = v128.load(y0 + ldy * min(2, last)); c21 = v128.load(y0 + ldy * min(2, last), 16);
    c30 = v128.load(y0 + ldy * min(3, last)); c31 = v128.load(y0 + ldy * min(3, last), 16);
    c40 = v128.load(y0 + ldy * min(4, last)); c41 = v128.load(y0 + ldy * min(4, last), 16);
    c50 = v128.load(y0 + ldy * min(5, last)); c51 = v128.load(y0 + ldy * min(5, last), 16);
  }
  let bp = b;
  const end = <usize>K << 2;
  for (let ko: usize = 0; ko < end; ko += 4) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load32_splat(a0 + ko);
    c00 = madd(c00, s, b0); c01 = madd(c01, s, b1);
    s = v128.load32_splat(a1 + ko);
    c10 = madd(c10, s, b0); c11 = madd(c11, s, b1);
    s = v128.load32_splat(a2 + ko);
    c20 = madd(c20, s, b0); c21 = madd(c21, s, b1);
    s = v128.load32_splat(a3 + ko);
    c30 = madd(c30, s, b0); c31 = madd(c31, s, b1);
    s = v128.load32_splat(a4 + ko);
    c40 = madd(c40, s, b0); c41 = madd(c41, s, b1);
    s = v128.load32_splat(a5 + ko);
    c50 = madd(c50, s, b0); c51 = madd(c51, s, b1);
    bp += ldb;
  }
  v128.store(y0, c00); v128.store(y0, c01, 16);
  if (last < 1) return;
  v128.store(y0 + ldy, c10); v128.store(y0 + ldy, c11, 16);
  if (last < 2) return;
  v128.store(y0 + ldy * 2, c20); v128.store(y0 + ldy * 2, c21, 16);
  if (last < 3) return;
  v128.store(y0 + ldy * 3, c30); v128.store(y0 + ldy * 3, c31, 16);
  if (last < 4) return;
  v128.store(y0 + ldy * 4, c40); v128.store(y0 + ldy * 4, c41, 16);
  if (last < 5) return;
  v128.store(y0 + ldy * 5, c50); v128.store(y0 + ldy * 5, c51, 16);
}

// as tile6x8, `cols` (1–4) columns
function tile6x4(y0: usize, ldy: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize, b: usize, ldb: usize, K: i32, init: i32, bias: usize, last: i32, cols: i32): void {
  let c0 = f32x4.splat(0);
  if (init == FROM_BIAS) c0 = v128.load(bias);
  let c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  if (init == FROM_OUTPUT) {
    c0 = v128.load(y0);
    c1 = v128.load(y0 + ldy * min(1, last));
    c2 = v128.load(y0 + ldy * min(2, last));
    c3 = v128.load(y0 + ldy * min(3, last));
    c4 = v128.load(y0 + ldy * min(4, last));
    c5 = v128.load(y0 + ldy * min(5, last));
  }
  let bp = b;
  const end = <usize>K << 2;
  for (let ko: usize = 0; ko < end; ko += 4) {
    const bv = v128.load(bp);
    c0 = madd(c0, v128.load32_splat(a0 + ko), bv);
    c1 = madd(c1, v128.load32_splat(a1 + ko), bv);
    c2 = madd(c2, v128.load32_splat(a2 + ko), bv);
    c3 = madd(c3, v128.load32_splat(a3 + ko), bv);
    c4 = madd(c4, v128.load32_splat(a4 + ko), bv);
    c5 = madd(c5, v128.load32_splat(a5 + ko), bv);
    bp += ldb;
  }
  storeLanes(y0, c0, cols);
  if (last >= 1) storeLanes(y0 + ldy, c1, cols);
  if (last >= 2) storeLanes(y0 + ldy * 2, c2, cols);
  if (last >= 3) storeLanes(y0 + ldy * 3, c3, cols);
  if (last >= 4) storeLanes(y0 + ldy * 4, c4, cols);
  if (last >= 5) storeLanes(y0 + ldy * 5, c5, cols);
}

// matmulRows in tiles of 4 rows × 16 columns, for the plain build
function matmulRows4(y: usize, a: usize, lda: i32, start: usize, off: i32, b: usize, K: i32, N: i32, r0: i32, r1: i32, init: i32, bias: usize): void {
  const ldy = <usize>N << 2;
  const ldaBytes = <usize>lda << 2;
  for (let p = r0; p < r1; p += 4) {
    const count = min(4, r1 - p);
    const a0 = a + <usize>gatherRow(start, off, p) * ldaBytes;
    const a1 = a + <usize>gatherRow(start, off, p + min(1, count - 1)) * ldaBytes;
    const a2 = a + <usize>gatherRow(start, off, p + min(2, count - 1)) * ldaBytes;
    const a3 = a + <usize>gatherRow(start, off, p + min(3, count - 1)) * ldaBytes;
    const y0 = y + <usize>p * ldy;
    const y1 = y + <usize>(p + min(1, count - 1)) * ldy;
    const y2 = y + <usize>(p + min(2, count - 1)) * ldy;
    const y3 = y + <usize>(p + min(3, count - 1)) * ldy;
    let j = 0;
    for (; j + 16 <= N; j += 16) {
      const o = <usize>j << 2;
      tile4x16(y0 + o, y1 + o, y2 + o, y3 + o, a0, a1, a2, a3, b + o, ldy, K, init, bias + o, count);
    }
    for (; j < N; j += 4) {
      const o = <usize>j << 2;
      tile4x4(y0 + o, y1 + o, y2 + o, y3 + o, a0, a1, a2, a3, b + o, ldy, K, init, bias + o, count, min(4, N - j));
    }
  }
}

function tile4x16(y0: usize, y1: usize, y2: usize, y3: usize, a0: usize, a1: usize, a2: usize, a3: usize, b: usize, ldb: usize, K: i32, init: i32, bias: usize, count: i32): void {
  let c00 = f32x4.splat(0), c01 = c00, c02 = c00, c03 = c00;
  if (init == FROM_BIAS) {
    c00 = v128.load(bias); c01 = v128.load(bias, 16); c02 = v128.load(bias, 32); c03 = v128.load(bias, 48);
  }
  let c10 = c00, c11 = c01, c12 = c02, c13 = c03;
  let c20 = c00, c21 = c01, c22 = c02, c23 = c03;
  let c30 = c00, c31 = c01, c32 = c02, c33 = c03;
  if (init == FROM_OUTPUT) {
    c00 = v128.load(y0); c01 = v128.load(y0, 16); c02 = v128.load(y0, 32); c03 = v128.load(y0, 48);
    c10 = v128.load(y1); c11 = v128.load(y1, 16); c12 = v128.load(y1, 32); c13 = v128.load(y1, 48);
    c20 = v128.load(y2); c21 = v128.load(y2, 16); c22 = v128.load(y2, 32); c23 = v128.load(y2, 48);
    c30 = v128.load(y3); c31 = v128.load(y3, 16); c32 = v128.load(y3, 32); c33 = v128.load(y3, 48);
  }
  let bp = b;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32), b3 = v128.load(bp, 48);
    const ko = <usize>k << 2;
    let s = f32x4.splat(load<f32>(a0 + ko));
    c00 = madd(c00, s, b0); c01 = madd(c01, s, b1); c02 = madd(c02, s, b2); c03 = madd(c03, s, b3);
    s = f32x4.splat(load<f32>(a1 + ko));
    c10 = madd(c10, s, b0); c11 = madd(c11, s, b1); c12 = madd(c12, s, b2); c13 = madd(c13, s, b3);
    s = f32x4.splat(load<f32>(a2 + ko));
    c20 = madd(c20, s, b0); c21 = madd(c21, s, b1); c22 = madd(c22, s, b2); c23 = madd(c23, s, b3);
    s = f32x4.splat(load<f32>(a3 + ko));
    c30 = madd(c30, s, b0); c31 = madd(c31, s, b1); c32 = madd(c32, s, b2); c33 = madd(c33, s, b3);
    bp += ldb;
  }
  v128.store(y0, c00); v128.store(y0, c01, 16); v128.store(y0, c02, 32); v128.store(y0, c03, 48);
  if (count < 2) return;
  v128.store(y1, c10); v128.store(y1, c11, 16); v128.store(y1, c12, 32); v128.store(y1, c13, 48);
  if (count < 3) return;
  v128.store(y2, c20); v128.store(y2, c21, 16); v128.store(y2, c22, 32); v128.store(y2, c23, 48);
  if (count < 4) return;
  v128.store(y3, c30); v128.store(y3, c31, 16); v128.store(y3, c32, 32); v128.store(y3, c33, 48);
}

function tile4x4(y0: usize, y1: usize, y2: usize, y3: usize, a0: usize, a1: usize, a2: usize, a3: usize, b: usize, ldb: usize, K: i32, init: i32, bias: usize, count: i32, cols: i32): void {
  let c0 = f32x4.splat(0);
  if (init == FROM_BIAS) c0 = v128.load(bias);
  let c1 = c0, c2 = c0, c3 = c0;
  if (init == FROM_OUTPUT) {
    c0 = v128.load(y0); c1 = v128.load(y1); c2 = v128.load(y2); c3 = v128.load(y3);
  }
  let bp = b;
  for (let k = 0; k < K; k++) {
    const bv = v128.load(bp);
    const ko = <usize>k << 2;
    c0 = madd(c0, f32x4.splat(load<f32>(a0 + ko)), bv);
    c1 = madd(c1, f32x4.splat(load<f32>(a1 + ko)), bv);
    c2 = madd(c2, f32x4.splat(load<f32>(a2 + ko)), bv);
    c3 = madd(c3, f32x4.splat(load<f32>(a3 + ko)), bv);
    bp += ldb;
  }
  storeLanes(y0, c0, cols);
  if (count > 1) storeLanes(y1, c1, cols);
  if (count > 2) storeLanes(y2, c2, cols);
  if (count > 3) storeLanes(y3, c3, cols);
}

/** The first `cols` (1–4) lanes of v at p. */
@inline export function storeLanes(p: usize, v: v128, cols: i32): void {
  if (cols == 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (cols > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (cols > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** Rows of matmulRows' tile in this build: pieces of a weight gradient's rows are multiples of it. */
export const TILE_ROWS: i32 = ASC_FEATURE_RELAXED_SIMD ? ROWS : 4;

// dw rows [c0, c1) of (·, N) += Σ_{p < P} A[gathered p, c]ᵀ · D[p, :]: the weight gradient of a
// product. A (·, lda), D (P, N). Columns [c0, c1) of the gathered A are first transposed into rows
// c0… of aT (·, P), so the sum is an ordinary product aT · D (matmulRows, from what dw holds): its
// tile's splats then read consecutive positions, and every element still sums its products in the
// order p = 0, 1, …, P − 1.
export function matmulTransposedA(dw: usize, a: usize, lda: i32, start: usize, off: i32, d: usize, N: i32, P: i32, c0: i32, c1: i32, aT: usize): void {
  if (c0 >= c1) return;
  gatherTranspose(a, lda, start, off, P, c0, c1, aT);
  matmulRows(dw, aT, P, 0, 0, d, P, N, c0, c1, FROM_OUTPUT, 0);
}

// columns [c0, c1) of A gathered (P rows) → rows c0… of aT (·, P), 4 positions × 4 columns at a time
function gatherTranspose(a: usize, lda: i32, start: usize, off: i32, P: i32, c0: i32, c1: i32, aT: usize): void {
  const ldaBytes = <usize>lda << 2;
  const ldt = <usize>P << 2;
  const whole = P & ~3;
  for (let c = c0; c < c1; c += 4) {
    const rows = min(4, c1 - c);
    const ac = a + (<usize>c << 2);
    const t0 = aT + <usize>c * ldt;
    const t1 = t0 + ldt * <usize>min(1, rows - 1);
    const t2 = t0 + ldt * <usize>min(2, rows - 1);
    const t3 = t0 + ldt * <usize>min(3, rows - 1);
    for (let p = 0; p < whole; p += 4) {
      const r0 = v128.load(ac + <usize>gatherRow(start, off, p) * ldaBytes);
      const r1 = v128.load(ac + <usize>gatherRow(start, off, p + 1) * ldaBytes);
      const r2 = v128.load(ac + <usize>gatherRow(start, off, p + 2) * ldaBytes);
      const r3 = v128.load(ac + <usize>gatherRow(start, off, p + 3) * ldaBytes);
      const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
      const lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const o = <usize>p << 2;
      // in a short last quad the rows past c1 alias the last one, stored first so its own store lands last
      v128.store(t3 + o, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7));
      v128.store(t2 + o, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5));
      v128.store(t1 + o, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));
      v128.store(t0 + o, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
    }
    for (let p = whole; p < P; p++) {
      const src = ac + <usize>gatherRow(start, off, p) * ldaBytes;
      const o = <usize>p << 2;
      for (let i = 0; i < rows; i++) store<f32>(t0 + ldt * <usize>i + o, load<f32>(src + (<usize>i << 2)));
    }
  }
}

// src: `count` matrices (R, C) back to back → dst: each transposed to (C, R). The backward-input
// products read weights transposed, so that their inner loop walks rows of B as the forward does.
export function transpose_blocks(src: usize, dst: usize, R: i32, C: i32, count: i32, t: i32, T: i32): void {
  const size = (<usize>R * C) << 2;
  const quads = (C + 3) >> 2;
  const u1 = share(count * quads, 1, t + 1, T);
  // pieces share (matrix, 4 columns) blocks
  for (let u = share(count * quads, 1, t, T); u < u1; u++) {
    const m = <usize>(u / quads);
    const c = (u % quads) << 2;
    gatherTranspose(src + m * size, C, 0, 0, R, c, min(c + 4, C), dst + m * size);
  }
}

/** dst (C) += src (C). */
export function addRow(dst: usize, src: usize, C: i32): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const o = <usize>c << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; c < C; c++) {
    const o = <usize>c << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/**
 * Piece t of T's share of n items, in whole units: its first item (its last is share(n, unit, t + 1, T)).
 * Piece sizes fall linearly, (2T − 1 − 2t)/T² of the units each (piece t starts at 1 − ((T − t)/T)²):
 * threads claim pieces in order, so the last ones, which a run's end waits on, are the small ones.
 */
@inline export function share(n: i32, unit: i32, t: i32, T: i32): i32 {
  const units = <i64>((n + unit - 1) / unit);
  const all = <i64>T * T;
  const left = <i64>(T - t);
  return min(n, <i32>((units * (all - left * left)) / all) * unit);
}
