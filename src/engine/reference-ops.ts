// The reference ops: the plain-TS references of kernels/, which every other backend is held to.

import { convBackwardInputRef, convBackwardWeightRef, convForwardRef, type ConvShape } from '../../kernels/conv1d.ts';
import { bnBackwardRef, bnForwardRef, bnStatsRef } from '../../kernels/batchnorm.ts';
import { adamwUpdateRef, addRef, multiplyRef, reluBackwardRef, reluForwardRef, sgdUpdateRef, tanhBackwardRef, tanhForwardRef } from '../../kernels/pointwise.ts';
import { gateBackwardRef, gateForwardRef } from '../../kernels/gate.ts';
import { lnBackwardRef, lnForwardRef } from '../../kernels/layernorm.ts';
import { embeddingBackwardRef, embeddingForwardRef } from '../../kernels/embedding.ts';
import { crossEntropyRef, headBackwardRef, headForwardRef } from '../../kernels/head.ts';
import { addInto, withComposedFusions, type ConvOps } from './ops.ts';
import { UNLIMITED } from './backend-limits.ts';

// a normalisation's reference backward: dγ, dβ added into their buffers, dx returned
function affineGrads(g: { dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array }, dgamma: Float32Array, dbeta: Float32Array): Float32Array {
  addInto(dgamma, g.dgamma);
  addInto(dbeta, g.dbeta);
  return g.dx;
}

// the conv's reference weight (and bias) gradients, added into their buffers
function convBackwardWeight(x: Float32Array, dy: Float32Array, start: Int32Array, s: ConvShape, dw: Float32Array, dbias: Float32Array | null): void {
  const g = convBackwardWeightRef(x, dy, start, s);
  addInto(dw, g.dw);
  if (dbias) addInto(dbias, g.dbias);
}

/** The plain-TS reference ops ({@link ConvOps}): exact, slow, and what every backend is tested against. */
export const referenceOps: ConvOps = withComposedFusions({
  name: 'reference',
  limits: UNLIMITED,
  allocate: (length) => new Float32Array(length),
  beginPass: () => {},
  embeddingForward: embeddingForwardRef,
  embeddingBackward: (dy, idx, C, dtable) => addInto(dtable, embeddingBackwardRef(dy, idx, dtable.length / C, C)),
  convForward: convForwardRef,
  convBackwardInput: convBackwardInputRef,
  convBackwardWeight,
  convBackward: (x, dy, w, start, s, dw, dbias) => {
    convBackwardWeight(x, dy, start, s, dw, dbias ?? null);
    return convBackwardInputRef(dy, w, start, s);
  },
  bnStats: bnStatsRef,
  bnForward: bnForwardRef,
  bnBackward: (dy, x, mean, variance, gamma, eps, training, s, dgamma, dbeta) => affineGrads(bnBackwardRef(dy, x, mean, variance, gamma, eps, training, s), dgamma, dbeta),
  tanhForward: tanhForwardRef,
  tanhBackward: tanhBackwardRef,
  gateForward: gateForwardRef,
  gateBackward: gateBackwardRef,
  lnForward: lnForwardRef,
  lnBackward: (dy, x, gamma, eps, s, dgamma, dbeta) => affineGrads(lnBackwardRef(dy, x, gamma, eps, s), dgamma, dbeta),
  reluForward: reluForwardRef,
  reluBackward: reluBackwardRef,
  add: addRef,
  multiply: multiplyRef,
  headForward: headForwardRef,
  crossEntropy: crossEntropyRef,
  headBackward: (dlogits, h, w, s, dw, db) => {
    const g = headBackwardRef(dlogits, h, w, s);
    addInto(dw, g.dw);
    addInto(db, g.db);
    return g.dh;
  },
  sgdUpdate: sgdUpdateRef,
  adamwUpdate: adamwUpdateRef,
});
