// Reading a line-per-item file from disk (Node only; the browser passes text to parseItems).

import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { parseItems, type Item } from '../data/items.ts';

/** The items of a UTF-8 text file, one per line (see {@link parseItems}); a bad file is an {@link InputError}. */
export function readItemsFile(file: string): Item[] {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new InputError(file, 'is a directory, expected a text file with one item per line');
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new InputError(file, 'no such file');
    if (e instanceof TypeError) throw new InputError(file, 'is not valid UTF-8');
    throw new InputError(file, err.message);
  }
  return parseItems(text, file);
}
