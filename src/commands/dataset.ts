// The data a command works on: items from a file, the vocabulary, and the lecture's split.

import { readItemsFile } from '../io/text-file.ts';
import { Vocab } from '../data/vocab.ts';
import { encodeSplit } from '../data/encoded-split.ts';
import { splitSizes, type Split, type SplitName } from '../data/split.ts';
import { InputError } from '../errors.ts';
import { bundledNamesFile } from '../package-files.ts';

/** --data by default: the names file the package bundles, wherever the command is run from. */
export const DEFAULT_DATA = bundledNamesFile();

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

/** Refuses data whose split leaves one of `needed` empty (too few items), saying what the split gave and how many items would do. */
export function requireSplits(data: Dataset, needed: SplitName[], purpose: string): void {
  if (needed.every((s) => data.words[s].length > 0)) return;
  const { train, val, test } = data.words;
  const total = train.length + val.length + test.length;
  let enough = total + 1;
  while (needed.some((s) => splitSizes(enough)[s] === 0)) enough++;
  throw new InputError(
    data.file,
    `${total} item${total === 1 ? '' : 's'} split 80/10/10 into ${train.length} train, ${val.length} val, ${test.length} test; ${purpose} needs ${needed.join(' and ')} items (at least ${enough} items in the file)`,
  );
}
