// A gpu.js backend's primitives, each call split into calls that fit the backend's limits
// (backend-limits.ts), so no batch the CLI accepts reaches a size where GL or gpu.js's WebAssembly
// would compute wrong numbers. Ops that treat rows alone run per part and concatenate; the convs
// split at word boundaries; ops that sum over positions add their parts (backward ops already add
// into their gradient buffers); BatchNorm's statistics combine per-part moments, and its backward
// sums all parts before any part's dx. A call that fits runs as it is.

import type { ConvShape } from '../../kernels/conv1d.ts';
import type { BnShape } from '../../kernels/batchnorm.ts';
import { elementsPerCall, rowsPerCall, type BackendLimits } from './backend-limits.ts';
import { evenSpans, spanStart, wordSpans } from './row-spans.ts';
import { addInto, type BatchStats, type PrimitiveOps } from './ops.ts';

/** BatchNorm's backward in its two steps, so that the sums can span several calls. */
export interface SplitBnBackward {
  /** dy, x (P, C) → Σ dy (C), Σ dy·x̂ (C). */
  bnBackwardSums(dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, eps: number, s: BnShape): { sumDy: Float32Array; sumDyXhat: Float32Array };
  /** dy, x (P, C) and the sums over all `positions` of the batch → dx (P, C). */
  bnBackwardDx(dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, sumDy: Float32Array, sumDyXhat: Float32Array, eps: number, training: boolean, positions: number, s: BnShape): Float32Array;
}

type Span = [number, number];

// runs `part` on each span and lays its (rows, width) results end to end; one span runs alone
function concatenated(P: number, width: number, spans: Span[], part: (from: number, to: number) => Float32Array): Float32Array {
  if (spans.length === 1) return part(0, P);
  const out = new Float32Array(P * width);
  for (const [from, to] of spans) out.set(part(from, to), from * width);
  return out;
}

// rows [from, to) of a (P, width) array
const rowsOf = (a: Float32Array, width: number, [from, to]: Span) => a.subarray(from * width, to * width);

/** `raw`'s ops within `limits`. */
export function chunkedOps<T extends PrimitiveOps & SplitBnBackward>(raw: T, limits: BackendLimits): PrimitiveOps {
  const spans = (P: number, width: number) => evenSpans(P, rowsPerCall(limits, width));
  const flat = (N: number, width: number) => evenSpans(N, elementsPerCall(limits, width));
  const words = (start: Int32Array, s: ConvShape) => wordSpans(start, rowsPerCall(limits, Math.max(s.cIn, s.K * s.cOut)));
  const part = <S extends { P: number }>(s: S, [from, to]: Span): S => ({ ...s, P: to - from });
  // an op over rows that stand alone: (P, inWidth) inputs → (P, outWidth)
  const byRows = (P: number, inWidth: number, outWidth: number, run: (span: Span) => Float32Array) =>
    concatenated(P, outWidth, spans(P, Math.max(inWidth, outWidth)), (from, to) => run([from, to]));
  const elementwise = (N: number, run: (span: Span) => Float32Array) => concatenated(N, 1, flat(N, 1), (from, to) => run([from, to]));

  return {
    ...raw,
    embeddingForward: (table, idx, C) => byRows(idx.length, C, C, (sp) => raw.embeddingForward(table, idx.subarray(...sp), C)),
    embeddingBackward: (dy, idx, C, dtable) => {
      for (const sp of spans(idx.length, C)) raw.embeddingBackward(rowsOf(dy, C, sp), idx.subarray(...sp), C, dtable);
    },

    convForward: (x, w, bias, start, s) =>
      concatenated(s.P, s.cOut, words(start, s), (from, to) => raw.convForward(rowsOf(x, s.cIn, [from, to]), w, bias, spanStart(start, from, to), part(s, [from, to]))),
    convBackwardInput: (dy, w, start, s) =>
      concatenated(s.P, s.cIn, words(start, s), (from, to) => raw.convBackwardInput(rowsOf(dy, s.cOut, [from, to]), w, spanStart(start, from, to), part(s, [from, to]))),
    convBackwardWeight: (x, dy, start, s, dw, dbias) => {
      for (const sp of words(start, s)) raw.convBackwardWeight(rowsOf(x, s.cIn, sp), rowsOf(dy, s.cOut, sp), spanStart(start, ...sp), part(s, sp), dw, dbias);
    },
    convBackward: (x, dy, w, start, s, dw, dbias) =>
      concatenated(s.P, s.cIn, words(start, s), (from, to) =>
        raw.convBackward(rowsOf(x, s.cIn, [from, to]), rowsOf(dy, s.cOut, [from, to]), w, spanStart(start, from, to), part(s, [from, to]), dw, dbias),
      ),

    bnStats: (x, s) => {
      const parts = spans(s.P, s.C);
      return parts.length === 1 ? raw.bnStats(x, s) : combinedStats(parts.map((sp) => ({ n: sp[1] - sp[0], ...raw.bnStats(rowsOf(x, s.C, sp), part(s, sp)) })), s.C);
    },
    bnForward: (x, mean, variance, gamma, beta, eps, s) => byRows(s.P, s.C, s.C, (sp) => raw.bnForward(rowsOf(x, s.C, sp), mean, variance, gamma, beta, eps, part(s, sp))),
    bnBackward: (dy, x, mean, variance, gamma, eps, training, s, dgamma, dbeta) => {
      const parts = spans(s.P, s.C);
      if (parts.length === 1) return raw.bnBackward(dy, x, mean, variance, gamma, eps, training, s, dgamma, dbeta);
      const sumDy = new Float64Array(s.C);
      const sumDyXhat = new Float64Array(s.C);
      for (const sp of parts) {
        const sums = raw.bnBackwardSums(rowsOf(dy, s.C, sp), rowsOf(x, s.C, sp), mean, variance, eps, part(s, sp));
        for (let c = 0; c < s.C; c++) [sumDy[c], sumDyXhat[c]] = [sumDy[c] + sums.sumDy[c], sumDyXhat[c] + sums.sumDyXhat[c]];
      }
      const [dyTotal, dyXhatTotal] = [Float32Array.from(sumDy), Float32Array.from(sumDyXhat)];
      addInto(dbeta, dyTotal);
      addInto(dgamma, dyXhatTotal);
      return concatenated(s.P, s.C, parts, (from, to) =>
        raw.bnBackwardDx(rowsOf(dy, s.C, [from, to]), rowsOf(x, s.C, [from, to]), mean, variance, gamma, dyTotal, dyXhatTotal, eps, training, s.P, part(s, [from, to])),
      );
    },

    tanhForward: (x) => elementwise(x.length, (sp) => raw.tanhForward(x.subarray(...sp))),
    tanhBackward: (y, dy) => elementwise(y.length, (sp) => raw.tanhBackward(y.subarray(...sp), dy.subarray(...sp))),
    gateForward: (x, s) => byRows(s.P, 2 * s.C, s.C, (sp) => raw.gateForward(rowsOf(x, 2 * s.C, sp), part(s, sp))),
    gateBackward: (x, dy, s) => byRows(s.P, 2 * s.C, 2 * s.C, (sp) => raw.gateBackward(rowsOf(x, 2 * s.C, sp), rowsOf(dy, s.C, sp), part(s, sp))),
    lnForward: (x, gamma, beta, eps, s) => byRows(s.P, s.C, s.C, (sp) => raw.lnForward(rowsOf(x, s.C, sp), gamma, beta, eps, part(s, sp))),
    lnBackward: (dy, x, gamma, eps, s, dgamma, dbeta) =>
      byRows(s.P, s.C, s.C, (sp) => raw.lnBackward(rowsOf(dy, s.C, sp), rowsOf(x, s.C, sp), gamma, eps, part(s, sp), dgamma, dbeta)),
    reluForward: (x) => elementwise(x.length, (sp) => raw.reluForward(x.subarray(...sp))),
    reluBackward: (y, dy) => elementwise(y.length, (sp) => raw.reluBackward(y.subarray(...sp), dy.subarray(...sp))),
    add: (a, b) => elementwise(a.length, (sp) => raw.add(a.subarray(...sp), b.subarray(...sp))),
    multiply: (a, b) => elementwise(a.length, (sp) => raw.multiply(a.subarray(...sp), b.subarray(...sp))),

    headForward: (h, w, b, s) => byRows(s.P, s.H, s.V, (sp) => raw.headForward(rowsOf(h, s.H, sp), w, b, part(s, sp))),
    crossEntropy: (logits, target, weight, s) => {
      const parts = spans(s.P, s.V);
      if (parts.length === 1) return raw.crossEntropy(logits, target, weight, s);
      const [loss, dlogits] = [new Float32Array(s.P), new Float32Array(s.P * s.V)];
      for (const sp of parts) {
        const r = raw.crossEntropy(rowsOf(logits, s.V, sp), target.subarray(...sp), weight.subarray(...sp), part(s, sp));
        loss.set(r.loss, sp[0]);
        dlogits.set(r.dlogits, sp[0] * s.V);
      }
      return { loss, dlogits };
    },
    headBackward: (dlogits, h, w, s, dw, db) =>
      byRows(s.P, Math.max(s.H, s.V), s.H, (sp) => raw.headBackward(rowsOf(dlogits, s.V, sp), rowsOf(h, s.H, sp), w, part(s, sp), dw, db)),
    sgdUpdate: (w, g, lr) => {
      for (const sp of flat(w.length, 1)) raw.sgdUpdate(w.subarray(...sp), g.subarray(...sp), lr);
    },
    adamwUpdate: (w, g, m, v, h) => {
      // its kernel writes w, m and v as one (3N) output
      for (const sp of flat(w.length, 3)) raw.adamwUpdate(w.subarray(...sp), g.subarray(...sp), m.subarray(...sp), v.subarray(...sp), h);
    },
  };
}

/** Mean and unbiased variance of a batch from its parts' (Chan et al.'s pairwise update, in float64). */
function combinedStats(parts: ({ n: number } & BatchStats)[], C: number): BatchStats {
  const P = parts.reduce((a, p) => a + p.n, 0);
  const mean = new Float32Array(C);
  const variance = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let m = 0;
    for (const p of parts) m += (p.n * p.mean[c]) / P;
    let squares = 0;
    for (const p of parts) squares += p.variance[c] * (p.n - 1) + p.n * (p.mean[c] - m) ** 2;
    mean[c] = m;
    variance[c] = squares / (P - 1);
  }
  return { mean, variance };
}
