// The pure-TS SHA-256 behind the checkpoints' tensor checksums, against node:crypto's.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sha256Hex } from '../src/io/sha256.ts';

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 test vector for "abc"', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  // every padding case: empty, a tail that fits one block (< 56 bytes), one that needs two, whole blocks
  it.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 4099])('agrees with node:crypto on %i bytes', (n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);
    expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('hashes a view into a larger buffer by its own bytes only', () => {
    const whole = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
    const view = whole.subarray(17, 250);
    expect(sha256Hex(view)).toBe(createHash('sha256').update(view).digest('hex'));
  });
});
