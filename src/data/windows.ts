// Fixed-size context windows, one per target, as the lecture builds X and Y (the tree form's input).

import type { Vocab } from './vocab.ts';

export interface Windows {
  x: Int32Array; // (N, blockSize) character indices, '.'-padded on the left
  y: Int32Array; // (N) the next character, '.' after the last
  blockSize: number;
  count: number;
}

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
