// The conv ops of every backend (kernels/conv1d.ts, conv1d.as.ts) against the references.

import { expect, it } from 'vitest';
import { convBackwardInputRef, convBackwardWeightRef, convForwardRef, type ConvShape } from '../kernels/conv1d.ts';
import { bnStatsRef } from '../kernels/batchnorm.ts';
import { columnSumRef } from '../kernels/reduce.ts';
import { MAX_POSITIONS } from '../kernels/spec.ts';
import { tapPosition } from '../kernels/layout.ts';
import { PythonRandom } from '../src/rng.ts';
import type { GpuOps } from '../src/engine/gpu-ops.ts';
import { describeBackends, expectClose, gaussian, LAYOUTS, packedStart, plus } from './kernels-harness.ts';

interface Case {
  name: string;
  start: Int32Array;
  s: ConvShape;
}

// odd channel counts (SIMD tails) everywhere, and one shape whose rows fill whole f32x4 quads
function cases(): Case[] {
  const out: Case[] = [];
  for (const layout of LAYOUTS) {
    const start = packedStart(layout.lengths);
    for (const K of [2, 3]) {
      for (const dilation of [1, 2, 4]) out.push({ name: `${layout.name}, K=${K}, d=${dilation}`, start, s: { P: start.length, cIn: 5, cOut: 7, K, dilation } });
    }
  }
  const start = packedStart(LAYOUTS[0].lengths);
  out.push({ name: `${LAYOUTS[0].name}, Cin=8, Cout=16, K=2, d=2`, start, s: { P: start.length, cIn: 8, cOut: 16, K: 2, dilation: 2 } });
  return out;
}

describeBackends('conv1d kernels', (ops, backend) => {
  for (const { name, start, s } of cases()) {
    const rng = new PythonRandom(1234);
    const x = gaussian(rng, s.P * s.cIn);
    const w = gaussian(rng, s.K * s.cIn * s.cOut);
    const bias = gaussian(rng, s.cOut);
    const dy = gaussian(rng, s.P * s.cOut);
    // gradient buffers that already hold something: backward ops add into them
    const dwBefore = gaussian(rng, s.K * s.cIn * s.cOut);
    const dbiasBefore = gaussian(rng, s.cOut);

    it(`forward with bias: ${name}`, () => {
      expectClose(ops().convForward(x, w, bias, start, s), convForwardRef(x, w, bias, start, s));
    });

    it(`forward without bias: ${name}`, () => {
      expectClose(ops().convForward(x, w, null, start, s), convForwardRef(x, w, null, start, s));
    });

    it(`backward to input (gather of clamped and unclamped taps): ${name}`, () => {
      expectClose(ops().convBackwardInput(dy, w, start, s), convBackwardInputRef(dy, w, start, s));
    });

    it(`forward fused with the batch statistics of its output: ${name}`, () => {
      const got = ops().convForwardStats(x, w, start, s);
      const y = convForwardRef(x, w, null, start, s);
      const want = bnStatsRef(y, { P: s.P, C: s.cOut });
      expectClose(got.y, y);
      expectClose(got.mean, want.mean);
      expectClose(got.variance, want.variance);
    });

    it(`both backward passes at once, adding into dw: ${name}`, () => {
      const dw = dwBefore.slice();
      expectClose(ops().convBackward(x, dy, w, start, s, dw), convBackwardInputRef(dy, w, start, s));
      expectClose(dw, plus(dwBefore, convBackwardWeightRef(x, dy, start, s).dw));
    });

    it(`backward to weight and bias, adding into them: ${name}`, () => {
      const [dw, dbias] = [dwBefore.slice(), dbiasBefore.slice()];
      ops().convBackwardWeight(x, dy, start, s, dw, dbias);
      const want = convBackwardWeightRef(x, dy, start, s);
      expectClose(dw, plus(dwBefore, want.dw));
      expectClose(dbias, plus(dbiasBefore, want.dbias));
      expectClose(want.dbias, columnSumRef(dy, s.P, s.cOut));
    });
  }

  if (backend.startsWith('gpu.js')) {
    it('builds one kernel per op and channel shape, whatever P', () => {
      // the cases above ran 5 conv kernels (forward, tap sums, weight transpose, both backward
      // products) + the bias sum + the batch statistics per shape, at P = 37 and 8
      const shapes = 2 * 3 + 1; // (5, 7, K, d) and (8, 16, 2, 2)
      const sums = 2 * 2; // column sums and statistics over 7 and 16 channels
      expect((ops() as GpuOps).kernelCount()).toBe(5 * shapes + sums);
    });

    it('refuses a batch beyond the loop cap instead of summing part of it', () => {
      const P = MAX_POSITIONS + 1;
      const s: ConvShape = { P, cIn: 1, cOut: 1, K: 2, dilation: 1 };
      expect(() => ops().convBackwardWeight(new Float32Array(P), new Float32Array(P), new Int32Array(P), s, new Float32Array(2), new Float32Array(1))).toThrow(RangeError);
    });
  }

  // loops bounded by an argument are capped by gpu.js at loopMaxIterations (1000 by default)
  it('sums over more positions than gpu.js caps unbounded loops at by default', () => {
    const start = packedStart(new Array(110).fill(11));
    const s: ConvShape = { P: start.length, cIn: 3, cOut: 2, K: 2, dilation: 1 };
    const rng = new PythonRandom(8);
    const x = gaussian(rng, s.P * s.cIn);
    const dy = gaussian(rng, s.P * s.cOut);
    const [dw, dbias] = [new Float32Array(s.K * s.cIn * s.cOut), new Float32Array(s.cOut)];
    ops().convBackwardWeight(x, dy, start, s, dw, dbias);
    const want = convBackwardWeightRef(x, dy, start, s);
    expectClose(dw, want.dw);
    expectClose(dbias, want.dbias);
  });
});

// a residual's input or a running skip sum added where the conv stores y, and the gradient around a
// conv where it stores dx: the same values as the op and then ops.add, bit for bit
describeBackends('conv1d kernels with an addend', (ops) => {
  for (const { name, start, s } of cases()) {
    const rng = new PythonRandom(99);
    const [x, w, bias, dy] = [gaussian(rng, s.P * s.cIn), gaussian(rng, s.K * s.cIn * s.cOut), gaussian(rng, s.cOut), gaussian(rng, s.P * s.cOut)];
    const [addY, addX] = [gaussian(rng, s.P * s.cOut), gaussian(rng, s.P * s.cIn)];
    const [dwBefore, dbiasBefore] = [gaussian(rng, s.K * s.cIn * s.cOut), gaussian(rng, s.cOut)];

    it(`forward + addend ≡ add(forward, addend): ${name}`, () => {
      const o = ops();
      for (const b of [bias, null]) expect(o.convForwardAdd(x, w, b, start, s, addY).slice()).toEqual(o.add(o.convForward(x, w, b, start, s), addY).slice());
    });

    it(`backward + addend ≡ add(backward, addend), the same weight gradients: ${name}`, () => {
      const o = ops();
      const [dw, dbias, dwWant, dbiasWant] = [dwBefore.slice(), dbiasBefore.slice(), dwBefore.slice(), dbiasBefore.slice()];
      const got = o.convBackwardAdd(x, dy, w, start, s, dw, dbias, addX).slice();
      expect(got).toEqual(o.add(o.convBackward(x, dy, w, start, s, dwWant, dbiasWant), addX).slice());
      expect(dw).toEqual(dwWant);
      expect(dbias).toEqual(dbiasWant);
      expectClose(got, plus(addX, convBackwardInputRef(dy, w, start, s)));
    });
  }
});

// The first tap runs over the positions it reads (kernels/conv1d.as.ts): each source multiplied
// once and copied to every position that reads it. What a position gets is still its taps'
// products summed in order, as a 1-tap conv over the taps side by side sums them.
describeBackends('conv1d kernels: a K-tap conv ≡ a 1-tap conv over its taps side by side', (ops) => {
  const rng = new PythonRandom(17);
  // names' lengths: whole words shorter than the taps' reach, and pieces that end inside a word
  const start = packedStart(Array.from({ length: 48 }, () => 1 + Math.floor(rng.random() * 12)));
  for (const [K, dilation] of [[2, 1], [2, 2], [2, 4], [2, 8], [3, 2]]) {
    const s: ConvShape = { P: start.length, cIn: 13, cOut: 20, K, dilation };
    const [x, w, bias] = [gaussian(rng, s.P * s.cIn), gaussian(rng, K * s.cIn * s.cOut), gaussian(rng, s.cOut)];
    it(`bit for bit: P=${s.P}, K=${K}, d=${dilation}`, () => {
      const taps = new Float32Array(s.P * K * s.cIn);
      for (let p = 0; p < s.P; p++) {
        for (let j = 0; j < K; j++) taps.set(x.subarray(tapPosition(p, j, K, dilation, start) * s.cIn, (tapPosition(p, j, K, dilation, start) + 1) * s.cIn), (p * K + j) * s.cIn);
      }
      const o = ops();
      const want = o.convForward(taps, w, bias, start, { ...s, cIn: K * s.cIn, K: 1, dilation: 1 }).slice();
      expect(o.convForward(x, w, bias, start, s).slice()).toEqual(want);
    });
  }
});
