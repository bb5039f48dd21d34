import { describe, expect, it } from 'vitest';
import { blockAverage } from '../src/plot/block-average.ts';

describe('blockAverage', () => {
  it('averages consecutive blocks, as lossi.view(-1, 1000).mean(1)', () => {
    const values = Array.from({ length: 3000 }, (_, i) => i);
    // Block k holds 1000k … 1000k + 999, whose mean is 1000k + 499.5.
    expect(blockAverage(values, 1000)).toEqual([499.5, 1499.5, 2499.5]);
  });

  it('averages a shorter final block over what it holds', () => {
    expect(blockAverage([1, 3, 5, 7, 10], 2)).toEqual([2, 6, 10]);
    expect(blockAverage(new Float32Array([2, 4, 9]), 5)).toEqual([5]);
    expect(blockAverage([], 1000)).toEqual([]);
  });

  it('rejects a block size that is not a positive integer', () => {
    expect(() => blockAverage([1, 2], 0)).toThrow(RangeError);
    expect(() => blockAverage([1, 2], 1.5)).toThrow(/positive integer, got 1.5/);
  });
});
