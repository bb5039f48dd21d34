// Random minibatches, drawn from the run's seeded generator: whole words for the conv form, the
// lecture's random windows for the tree form.

import type { PythonRandom } from '../rng.ts';
import { packWords, type PackedBatch } from '../data/packed-batch.ts';
import type { Windows } from '../data/windows.ts';

export function sampleWords(words: number[][], count: number, rng: PythonRandom): PackedBatch {
  const chosen: number[][] = [];
  for (let i = 0; i < count; i++) chosen.push(words[rng.randbelow(words.length)]);
  return packWords(chosen);
}

export function sampleWindows(windows: Windows, count: number, rng: PythonRandom): { x: Int32Array; y: Int32Array } {
  const B = windows.blockSize;
  const x = new Int32Array(count * B);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const row = rng.randbelow(windows.count);
    x.set(windows.x.subarray(row * B, (row + 1) * B), i * B);
    y[i] = windows.y[row];
  }
  return { x, y };
}

/** Split a word list into packed batches of at most `maxWords` words and `maxPositions` positions (for evaluation). */
export function chunkWords(words: number[][], maxWords: number, maxPositions: number): PackedBatch[] {
  const out: PackedBatch[] = [];
  let chunk: number[][] = [];
  let positions = 0;
  for (const word of words) {
    if (chunk.length === maxWords || (chunk.length > 0 && positions + word.length + 1 > maxPositions)) {
      out.push(packWords(chunk));
      [chunk, positions] = [[], 0];
    }
    chunk.push(word);
    positions += word.length + 1;
  }
  if (chunk.length > 0) out.push(packWords(chunk));
  return out;
}
