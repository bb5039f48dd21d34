import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseItems } from '../src/data/items.ts';
import { Vocab } from '../src/data/vocab.ts';
import { buildWindows, encodeAll } from '../src/data/windows.ts';
import { packWords } from '../src/data/packed-batch.ts';
import { lectureSplit, splitSizes } from '../src/data/split.ts';
import { chunkWords } from '../src/train/batches.ts';
import { readItemsFile } from '../src/io/text-file.ts';
import { InputError } from '../src/errors.ts';
import { names, split, vocab } from './equivalence-helpers.ts';

describe('the lecture data and split', () => {
  it('reads 32,033 names, longest 15, vocabulary "." then a–z', () => {
    expect(names.length).toBe(32033);
    expect(Math.max(...names.map((n) => n.text.length))).toBe(15);
    expect(vocab.chars.join('')).toBe('.abcdefghijklmnopqrstuvwxyz');
  });

  it("shuffles with Python's random.seed(42) and splits 80/10/10", () => {
    expect(split.train.slice(0, 5)).toEqual(['yuheng', 'diondre', 'xavien', 'jori', 'juanluis']);
    expect(split.val[0]).toBe('amay');
    expect(split.test[0]).toBe('mustafa');
    expect([split.train.length, split.val.length, split.test.length]).toEqual([25626, 3203, 3204]);
  });

  it('sizes the splits as lectureSplit cuts them, for tiny files too', () => {
    for (let n = 1; n <= 40; n++) {
      const split = lectureSplit(Array.from({ length: n }, (_, i) => i));
      expect(splitSizes(n), `n = ${n}`).toEqual({ train: split.train.length, val: split.val.length, test: split.test.length });
    }
    expect([1, 5, 6].map((n) => splitSizes(n).val)).toEqual([0, 0, 1]);
  });

  it('gives the lecture’s block-8 example counts', () => {
    const counts = [split.train, split.val, split.test].map((s) => buildWindows(encodeAll(vocab, s), 8).count);
    expect(counts).toEqual([182625, 22655, 22866]);
  });

  it('builds windows as the lecture does', () => {
    const w = buildWindows([vocab.encode('emma')], 3);
    expect(Array.from(w.x)).toEqual([0, 0, 0, 0, 0, 5, 0, 5, 13, 5, 13, 13, 13, 13, 1]);
    expect(Array.from(w.y)).toEqual([5, 13, 13, 1, 0]);
  });

  it('packs whole words: one position per target', () => {
    const b = packWords([vocab.encode('ab'), vocab.encode('c')]);
    expect(b.positions).toBe(5);
    expect(Array.from(b.idx)).toEqual([0, 1, 2, 0, 3]);
    expect(Array.from(b.target)).toEqual([1, 2, 0, 3, 0]);
    expect(Array.from(b.start)).toEqual([0, 0, 0, 3, 3]);
  });
});

describe('evaluation chunks', () => {
  it('hold at most the given words and positions, in order, and a word too long for one alone', () => {
    const words = [[1], [1, 2, 3], [4, 5], [6, 7, 8, 9, 10, 11], [2]];
    const chunks = chunkWords(words, 3, 6);
    expect(chunks.map((c) => [c.words, c.positions])).toEqual([[2, 6], [1, 3], [1, 7], [1, 2]]);
    expect(chunks.flatMap((c) => Array.from(c.target))).toEqual(Array.from(packWords(words).target));
    expect(chunkWords(words, 2, 100).map((c) => c.words)).toEqual([2, 2, 1]);
  });
});

describe('reading item files', () => {
  it('accepts a BOM, CRLF, blank lines and surrounding spaces', () => {
    const items = parseItems('\ufeffanna\r\n\r\n  bob \r\nçé\n', 'x.txt');
    expect(items).toEqual([
      { text: 'anna', line: 1 },
      { text: 'bob', line: 3 },
      { text: 'çé', line: 4 },
    ]);
    expect(Vocab.fromItems(items, 'x.txt').chars).toEqual(['.', 'a', 'b', 'n', 'o', 'ç', 'é']);
  });

  it('rejects a line containing "." naming file and line', () => {
    const items = parseItems('ann\nj.r\n', 'names.txt');
    expect(() => Vocab.fromItems(items, 'names.txt')).toThrow(/names\.txt:2: .*reserved/);
  });

  it('rejects control characters inside an item, naming file, line and character', () => {
    expect(() => parseItems('ann\nbo\tb\n', 'tabs.txt')).toThrow(new InputError('tabs.txt', 'control character U+0009 in "bo\\tb": items must be plain text', 2));
    expect(() => parseItems('a\u0085b\n', 'c1.txt')).toThrow(/c1\.txt:1: control character U\+0085/);
    expect(parseItems('\tann\t\n', 'x.txt')).toEqual([{ text: 'ann', line: 1 }]); // around an item: trimmed, as spaces
  });

  it('rejects an empty file, a missing file, a directory, and invalid UTF-8', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-data-'));
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '\n  \n');
    expect(() => readItemsFile(empty)).toThrow(new InputError(empty, 'no items: the file is empty or holds only blank lines'));
    expect(() => readItemsFile(join(dir, 'missing.txt'))).toThrow(/missing\.txt: no such file/);
    expect(() => readItemsFile(dir)).toThrow(/is a directory/);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, Buffer.from([0x61, 0xff, 0x0a]));
    expect(() => readItemsFile(bad)).toThrow(/bad\.txt: is not valid UTF-8/);
  });

  it('encodes and decodes, and names unknown characters', () => {
    expect(vocab.decode(vocab.encode('zoe'))).toBe('zoe');
    expect(() => vocab.encode('zoë', 'val.txt line 3')).toThrow(/val\.txt line 3: character "ë" in "zoë" is not in the model's vocabulary/);
  });
});
