// gpu.js head and cross-entropy kernels (kernels/head.ts, with the column sum from kernels/reduce.ts)
// against the references, in every mode available here.

import { it } from 'vitest';
import { crossEntropyRef, headBackwardRef, headForwardRef, type HeadShape } from '../kernels/head.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeModes, expectClose, gaussian } from './kernels-harness.ts';

describeModes('head kernels', (ops) => {
  for (const s of [{ P: 37, H: 7, V: 27 }, { P: 8, H: 12, V: 5 }] satisfies HeadShape[]) {
    const rng = new PythonRandom(3);
    const h = gaussian(rng, s.P * s.H);
    const w = gaussian(rng, s.H * s.V);
    const b = gaussian(rng, s.V);
    const logits = gaussian(rng, s.P * s.V, 3);
    const target = Int32Array.from({ length: s.P }, () => rng.randbelow(s.V));
    // every third position masked out, the rest weighted for a mean
    const weight = Float32Array.from({ length: s.P }, (_, p) => (p % 3 === 2 ? 0 : 1 / s.P));
    const dlogits = gaussian(rng, s.P * s.V);
    const name = `P=${s.P}, H=${s.H}, V=${s.V}`;

    it(`head forward: ${name}`, () => {
      expectClose(ops().headForward(h, w, b, s), headForwardRef(h, w, b, s));
    });

    it(`cross-entropy loss and dlogits, weighted and masked: ${name}`, () => {
      const got = ops().crossEntropy(logits, target, weight, s);
      const want = crossEntropyRef(logits, target, weight, s);
      expectClose(got.loss, want.loss);
      expectClose(got.dlogits, want.dlogits);
    });

    it(`head backward (dh, dw, db): ${name}`, () => {
      const got = ops().headBackward(dlogits, h, w, s);
      const want = headBackwardRef(dlogits, h, w, s);
      expectClose(got.dh, want.dh);
      expectClose(got.dw, want.dw);
      expectClose(got.db, want.db);
    });
  }
});
