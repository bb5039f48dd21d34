// The embedding ops of every backend (kernels/embedding.ts, embedding.as.ts) against the references.

import { it } from 'vitest';
import { embeddingBackwardRef, embeddingForwardRef } from '../kernels/embedding.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeBackends, expectClose, gaussian, plus } from './kernels-harness.ts';

const V = 27;

describeBackends('embedding kernels', (ops) => {
  for (const [P, C] of [[37, 5], [8, 10], [101, 6]]) {
    const rng = new PythonRandom(5);
    const table = gaussian(rng, V * C);
    // only the first 20 rows are read, so some gradient rows must stay zero
    const idx = Int32Array.from({ length: P }, () => rng.randbelow(20));
    const dy = gaussian(rng, P * C);

    it(`forward gathers rows: P=${P}, C=${C}`, () => {
      expectClose(ops().embeddingForward(table, idx, C), embeddingForwardRef(table, idx, C));
    });

    it(`backward sums the positions that read each row: P=${P}, C=${C}`, () => {
      const before = gaussian(new PythonRandom(6), V * C);
      const dtable = before.slice();
      ops().embeddingBackward(dy, idx, C, dtable);
      expectClose(dtable, plus(before, embeddingBackwardRef(dy, idx, V, C)));
    });
  }
});
