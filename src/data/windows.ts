// Fixed-size context windows, one per target, as the lecture builds X and Y (the tree form's input).

import type { Vocab } from './vocab.ts';

/** The tree form's input: one fixed-size context window per target, as the lecture's X and Y. */
export interface Windows {
  /** (N, blockSize) character indices, '.'-padded on the left. */
  x: Int32Array;
  /** (N) the next character, '.' after the last. */
  y: Int32Array;
  blockSize: number;
  /** N, the number of windows (targets). */
  count: number;
}

/** Every target of the encoded `words` with its `blockSize` preceding characters ('.' before the word). */
export function buildWindows(words: number[][], blockSize: number): Windows {
  const count = words.reduce((n, w) => n + w.length + 1, 0);
  const x = new Int32Array(count * blockSize);
  const y = new Int32Array(count);
  let row = 0;
  for (const word of words) {
    const context = new Array<number>(blockSize).fill(0);
    for (const next of [...word, 0]) {
      x.set(context, row * blockSize);
      y[row++] = next;
      context.shift();
      context.push(next);
    }
  }
  return { x, y, blockSize, count };
}

export function encodeAll(vocab: Vocab, words: string[], where?: string): number[][] {
  return words.map((w) => vocab.encode(w, where));
}
