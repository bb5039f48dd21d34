// A resolved spec built into layers over a parameter set: embedding → body → head. Where a bias-free
// conv, BatchNorm and tanh stand in a row, they run as one fused layer (conv-bn-tanh.ts), and so do
// LayerNorm, gate and an optional dropout (ln-gate.ts), whichever spec they come from.

import type { ParamSet } from '../params.ts';
import { EMBEDDING, HEAD, type ResolvedSpec } from '../spec/resolve.ts';
import { BatchNorm } from './conv-layers/batchnorm.ts';
import { CausalConv } from './conv-layers/causal-conv.ts';
import { ConvBnTanh } from './conv-layers/conv-bn-tanh.ts';
import { Embedding } from './conv-layers/embedding.ts';
import { HeadCrossEntropy } from './conv-layers/head.ts';
import type { BuildContext, ResolvedLayer } from './conv-layers/kind.ts';
import type { ConvLayer } from './conv-layers/layer.ts';
import { Sequential } from './conv-layers/sequential.ts';
import type { Dropout } from './conv-layers/dropout.ts';
import type { Gate } from './conv-layers/gate.ts';
import type { LayerNorm } from './conv-layers/layernorm.ts';
import { LnGate } from './conv-layers/ln-gate.ts';

/** idx (P) → embedding → body → head → logits (P, V). */
export interface ConvNet {
  embedding: Embedding;
  body: ConvLayer;
  head: HeadCrossEntropy;
}

export function buildNet(spec: ResolvedSpec, params: ParamSet): ConvNet {
  let dropouts = 0;
  const ctx: BuildContext = {
    params,
    body: (layers) => new Sequential(buildLayers(layers, ctx)),
    nextDropout: () => dropouts++,
  };
  return {
    embedding: new Embedding(params, EMBEDDING, spec.spec.embedding),
    body: ctx.body(spec.layers),
    head: new HeadCrossEntropy(params, HEAD, spec.width, spec.spec.vocabSize),
  };
}

function buildLayers(layers: readonly ResolvedLayer[], ctx: BuildContext): ConvLayer[] {
  const out: ConvLayer[] = [];
  for (let i = 0; i < layers.length; i++) {
    const [a, b, c] = layers.slice(i, i + 3);
    if (a.type === 'conv' && !a.fields.bias && !a.fields.weightNorm && b?.type === 'batchnorm' && c?.type === 'tanh') {
      out.push(new ConvBnTanh(a.kind.build(a, ctx) as CausalConv, b.kind.build(b, ctx) as BatchNorm));
      i += 2;
    } else if (a.type === 'layernorm' && b?.type === 'gate') {
      const dropout = c?.type === 'dropout' ? (c.kind.build(c, ctx) as Dropout) : null;
      out.push(new LnGate(a.kind.build(a, ctx) as LayerNorm, b.kind.build(b, ctx) as Gate, dropout));
      i += dropout ? 2 : 1;
    } else {
      out.push(a.kind.build(a, ctx));
    }
  }
  return out;
}
