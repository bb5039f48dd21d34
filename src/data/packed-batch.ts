// Whole words packed end to end for the conv engine (layout: kernels/layout.ts).
// Word w contributes len(w) + 1 positions: the input at each is the character before the target.

/** The conv form's input: whole words packed end to end, every position a target. */
export interface PackedBatch {
  /** P = Σ (len(w) + 1) = number of targets. */
  positions: number;
  /** (P) input character: '.', w0, …, w[L−1]. */
  idx: Int32Array;
  /** (P) target: w0, …, w[L−1], '.'. */
  target: Int32Array;
  /** (P) first position of the word. */
  start: Int32Array;
  /** How many words. */
  words: number;
}

/** Packs encoded words (character indices, no '.') for {@link ConvModel}. */
export function packWords(words: number[][]): PackedBatch {
  const P = words.reduce((n, w) => n + w.length + 1, 0);
  const idx = new Int32Array(P);
  const target = new Int32Array(P);
  const start = new Int32Array(P);
  let p = 0;
  for (const word of words) {
    const first = p;
    for (let i = 0; i <= word.length; i++, p++) {
      idx[p] = i === 0 ? 0 : word[i - 1];
      target[p] = i < word.length ? word[i] : 0;
      start[p] = first;
    }
  }
  return { positions: P, idx, target, start, words: words.length };
}
