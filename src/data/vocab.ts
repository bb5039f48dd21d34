// Characters ⇄ indices. '.' is index 0: it pads the context and ends every word.

import { InputError } from '../errors.ts';
import type { Item } from './items.ts';

export const END = '.';

/**
 * The characters a model knows, each with its index: '.' (index 0) pads the context and ends every
 * word; a checkpoint stores them in index order.
 */
export class Vocab {
  readonly chars: string[];
  private readonly index = new Map<string, number>();

  /** `chars` in index order, '.' first. */
  constructor(chars: string[]) {
    if (chars[0] !== END) throw new Error(`vocabulary must start with '${END}', got ${JSON.stringify(chars[0])}`);
    if (new Set(chars).size !== chars.length) throw new Error('vocabulary has a repeated character');
    this.chars = [...chars];
    this.chars.forEach((c, i) => this.index.set(c, i));
  }

  /** Sorted characters of the items (by code point), after the reserved '.'. */
  static fromItems(items: Item[], file: string): Vocab {
    const set = new Set<string>();
    for (const item of items) {
      for (const c of item.text) {
        if (c === END) throw new InputError(file, `'${END}' is reserved as the end-of-word token and cannot appear in an item ("${item.text}")`, item.line);
        set.add(c);
      }
    }
    const sorted = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new Vocab([END, ...sorted]);
  }

  /** How many characters, '.' included: the model's vocabSize. */
  get size(): number {
    return this.chars.length;
  }

  /** Whether `c` is one of the characters. */
  has(c: string): boolean {
    return this.index.has(c);
  }

  /** Indices of a word's characters; `where` names the source for the error on an unknown character. */
  encode(word: string, where = 'input'): number[] {
    const out: number[] = [];
    for (const c of word) {
      const i = this.index.get(c);
      if (i === undefined || i === 0) throw new Error(`${where}: character ${JSON.stringify(c)} in "${word}" is not in the model's vocabulary`);
      out.push(i);
    }
    return out;
  }

  /** The characters at `indices`, as a string (0 decodes to '.'). */
  decode(indices: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < indices.length; i++) s += this.chars[indices[i]];
    return s;
  }
}
