// The head and cross-entropy ops of every backend (kernels/head.ts, head.as.ts) against the
// references, alone and fused.

import { it } from 'vitest';
import { crossEntropyRef, headBackwardRef, headForwardRef, type HeadShape } from '../kernels/head.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeBackends, expectClose, gaussian, plus } from './kernels-harness.ts';

describeBackends('head kernels', (ops) => {
  for (const s of [{ P: 37, H: 7, V: 27 }, { P: 8, H: 12, V: 5 }, { P: 101, H: 20, V: 27 }] satisfies HeadShape[]) {
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

    it(`head fused with cross-entropy: ${name}`, () => {
      const got = ops().headCrossEntropy(h, w, b, target, weight, s);
      const z = headForwardRef(h, w, b, s);
      const want = crossEntropyRef(z, target, weight, s);
      expectClose(got.logits, z);
      expectClose(got.loss, want.loss);
      expectClose(got.dlogits, want.dlogits);
    });

    it(`head backward: dh, and dw, db added into: ${name}`, () => {
      const dwBefore = gaussian(rng, s.H * s.V);
      const dbBefore = gaussian(rng, s.V);
      const [dw, db] = [dwBefore.slice(), dbBefore.slice()];
      const dh = ops().headBackward(dlogits, h, w, s, dw, db);
      const want = headBackwardRef(dlogits, h, w, s);
      expectClose(dh, want.dh);
      expectClose(dw, plus(dwBefore, want.dw));
      expectClose(db, plus(dbBefore, want.db));
    });
  }
});
