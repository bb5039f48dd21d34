// The data a command works on: items from a file, the vocabulary, and the lecture's split.

import { readItemsFile } from '../io/text-file.ts';
import { Vocab } from '../data/vocab.ts';
import { encodeSplit } from '../data/encoded-split.ts';
import type { Split } from '../data/split.ts';

export const DEFAULT_DATA = 'data/names.txt';

export interface Dataset {
  file: string;
  vocab: Vocab;
  words: Split<number[]>; // encoded
  text: Split<string>;
}

/** Reads `file`; with `vocab` (a checkpoint's), every character must be in it, else the error names the line. */
export function loadDataset(file: string, vocab?: Vocab): Dataset {
  const items = readItemsFile(file);
  const v = vocab ?? Vocab.fromItems(items, file);
  return { file, vocab: v, ...encodeSplit(items, v, file) };
}
