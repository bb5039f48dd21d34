// A line-per-item text file: UTF-8, optional BOM, LF or CRLF; blank lines skipped, items trimmed.
// Control characters (NUL, tab, …) inside an item are refused: they are a binary or tabular file's,
// not a name's, and would silently become characters of the vocabulary.

import { InputError } from '../errors.ts';

/** One item of a line-per-item file: a name, say. */
export interface Item {
  /** The line's text, trimmed. */
  text: string;
  /** 1-based line in the source file, for error messages. */
  line: number;
}

/**
 * The items of a line-per-item text (UTF-8 already decoded; a BOM, CRLF, blank lines and surrounding
 * whitespace are fine). `file` names the source in errors: no items at all is an {@link InputError}.
 */
export function parseItems(text: string, file: string): Item[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const items: Item[] = [];
  body.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.length === 0) return;
    const control = /\p{Cc}/u.exec(trimmed);
    if (control) throw new InputError(file, `control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} in ${JSON.stringify(trimmed)}: items must be plain text`, i + 1);
    items.push({ text: trimmed, line: i + 1 });
  });
  if (items.length === 0) throw new InputError(file, 'no items: the file is empty or holds only blank lines');
  return items;
}
