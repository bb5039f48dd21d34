// gpu.js embedding kernels (kernels/embedding.ts) against the references, in every mode available here.

import { it } from 'vitest';
import { embeddingBackwardRef, embeddingForwardRef } from '../kernels/embedding.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeModes, expectClose, gaussian } from './kernels-harness.ts';

const V = 27;

describeModes('embedding kernels', (ops) => {
  for (const [P, C] of [[37, 5], [8, 10]]) {
    const rng = new PythonRandom(5);
    const table = gaussian(rng, V * C);
    // only the first 20 rows are read, so some gradient rows must stay zero
    const idx = Int32Array.from({ length: P }, () => rng.randbelow(20));
    const dy = gaussian(rng, P * C);

    it(`forward gathers rows: P=${P}, C=${C}`, () => {
      expectClose(ops().embeddingForward(table, idx, C), embeddingForwardRef(table, idx, C));
    });

    it(`backward sums the positions that read each row: P=${P}, C=${C}`, () => {
      expectClose(ops().embeddingBackward(dy, idx, V, C), embeddingBackwardRef(dy, idx, V, C));
    });
  }
});
