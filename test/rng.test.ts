import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../src/rng.ts';

// Values printed by CPython 3.11: random.seed(42); [random.random() for _ in range(3)];
// then random.getrandbits(5), random.getrandbits(32).
describe('PythonRandom matches CPython', () => {
  it('random() after seed(42)', () => {
    const rng = new PythonRandom(42);
    expect([rng.random(), rng.random(), rng.random()]).toEqual([0.6394267984578837, 0.025010755222666936, 0.27502931836911926]);
    expect(rng.getrandbits(5)).toBe(7);
    expect(rng.getrandbits(32)).toBe(599310825);
  });

  it('seeds from every 32-bit word of a large integer', () => {
    // random.seed(2**40 + 5); random.random() == 0.5043802970418443 (CPython 3.11)
    expect(new PythonRandom(2n ** 40n + 5n).random()).toBe(0.5043802970418443);
    expect(new PythonRandom(-42).random()).toBe(new PythonRandom(42).random());
  });

  it('shuffles like random.shuffle', () => {
    // random.seed(0); x = list(range(10)); random.shuffle(x) → [7, 8, 1, 5, 3, 4, 2, 0, 9, 6]
    expect(new PythonRandom(0).shuffle([...Array(10).keys()])).toEqual([7, 8, 1, 5, 3, 4, 2, 0, 9, 6]);
  });

  it('gauss follows Box–Muller with the cached second value', () => {
    // random.seed(1); [random.gauss(0, 1) for _ in range(2)] in CPython 3.11
    const rng = new PythonRandom(1);
    const [a, b] = [rng.gauss(), rng.gauss()];
    expect(a).toBeCloseTo(1.2881847531554629, 12);
    expect(b).toBeCloseTo(1.449445608699771, 12);
  });

  it('gives its state as CPython does: unsigned 32-bit words', () => {
    // random.seed(42); random.getstate()[1][:2] == (2147483648, 3564348608) in CPython 3.11
    const { mt } = new PythonRandom(42).getState();
    expect(mt.slice(0, 2)).toEqual([2147483648, 3564348608]);
    expect(mt.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)).toBe(true);
  });

  it('round-trips its state', () => {
    const rng = new PythonRandom(7);
    rng.gauss();
    const state = rng.getState();
    const expected = [rng.random(), rng.gauss()];
    const other = new PythonRandom(0);
    other.setState(state);
    expect([other.random(), other.gauss()]).toEqual(expected);
  });
});
