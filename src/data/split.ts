// The lecture's split: random.seed(42); random.shuffle(words); 80% / 10% / 10%.

import { PythonRandom } from '../rng.ts';

/** Train, validation (dev) and test parts of a data set. */
export interface Split<T> {
  train: T[];
  val: T[];
  test: T[];
}

export type SplitName = keyof Split<unknown>;
export const SPLIT_NAMES: SplitName[] = ['train', 'val', 'test'];

/** The lecture's split: shuffled as Python's `random.seed(seed); random.shuffle(items)`, then 80% / 10% / 10%. */
export function lectureSplit<T>(items: T[], seed = 42): Split<T> {
  const shuffled = new PythonRandom(seed).shuffle([...items]);
  const { train, val } = splitSizes(shuffled.length);
  return { train: shuffled.slice(0, train), val: shuffled.slice(train, train + val), test: shuffled.slice(train + val) };
}

/** How many of n items each split gets. */
export function splitSizes(n: number): Record<SplitName, number> {
  const n1 = Math.floor(0.8 * n);
  const n2 = Math.floor(0.9 * n);
  return { train: n1, val: n2 - n1, test: n - n2 };
}
