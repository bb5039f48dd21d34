// Items as a model's inputs: the lecture's split of them, each encoded with a vocabulary, in words
// (character indices) and as text. The CLI reads the items from a file; the browser demo from a page.

import { InputError } from '../errors.ts';
import type { Item } from './items.ts';
import { lectureSplit, type Split } from './split.ts';
import type { Vocab } from './vocab.ts';

/** The lecture's split of `items`, encoded; a character outside `vocab` is an InputError naming `file` and the line. */
export function encodeSplit(items: Item[], vocab: Vocab, file: string): { words: Split<number[]>; text: Split<string> } {
  const encoded = new Map<Item, number[]>(items.map((item) => [item, encodeItem(vocab, item, file)]));
  const split = lectureSplit(items);
  const words = { train: split.train.map((i) => encoded.get(i)!), val: split.val.map((i) => encoded.get(i)!), test: split.test.map((i) => encoded.get(i)!) };
  const text = { train: split.train.map((i) => i.text), val: split.val.map((i) => i.text), test: split.test.map((i) => i.text) };
  return { words, text };
}

function encodeItem(vocab: Vocab, item: Item, file: string): number[] {
  for (const c of item.text) {
    if (c === '.') throw new InputError(file, `'.' is reserved as the end-of-word token and cannot appear in an item ("${item.text}")`, item.line);
    if (!vocab.has(c)) throw new InputError(file, `character ${JSON.stringify(c)} in "${item.text}" is not in the model's vocabulary (${vocab.chars.join('')})`, item.line);
  }
  return vocab.encode(item.text);
}
