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

export interface Packed {
  positions: number; // P
  start: Int32Array; // (P)
}

/** The position tap j of a K-tap causal conv with dilation d reads for output position p. */
export function tapPosition(p: number, j: number, K: number, dilation: number, start: Int32Array): number {
  return Math.max(p - (K - 1 - j) * dilation, start[p]);
}
