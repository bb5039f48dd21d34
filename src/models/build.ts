// A resolved spec built into layers over a parameter set: embedding → body → head. Where a bias-free
// conv, BatchNorm and tanh stand in a row, they run as one fused layer (conv-bn-tanh.ts), and so do
// LayerNorm, gate and an optional dropout (ln-gate.ts), whichever spec they come from; a conv first
// in the stack runs over the embedding's table (embedding-conv.ts), and a conv reading a 1-tap first
// conv's output over that conv's table (table-conv.ts).

import type { ParamSet } from '../params.ts';
import { EMBEDDING, HEAD, type ResolvedSpec } from '../spec/resolve.ts';
import { BatchNorm } from './conv-layers/batchnorm.ts';
import { CausalConv, type ConvCore } from './conv-layers/causal-conv.ts';
import { EmbeddingConv } from './conv-layers/embedding-conv.ts';
import { ConvBnTanh } from './conv-layers/conv-bn-tanh.ts';
import { Embedding } from './conv-layers/embedding.ts';
import { HeadCrossEntropy } from './conv-layers/head.ts';
import type { BuildContext, ResolvedLayer } from './conv-layers/kind.ts';
import type { ConvLayer } from './conv-layers/layer.ts';
import { Sequential } from './conv-layers/sequential.ts';
import { Residual } from './conv-layers/residual.ts';
import { TableConv } from './conv-layers/table-conv.ts';
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
    body: (layers) => new Sequential(buildLayers(layers, ctx, null)),
    nextDropout: () => dropouts++,
  };
  const embedding = new Embedding(params, EMBEDDING, spec.spec.embedding);
  const V = spec.spec.vocabSize;
  const stack = buildLayers(spec.layers, ctx, (conv) => new EmbeddingConv(conv, embedding, V));
  readTable(stack, V);
  return { embedding, body: new Sequential(stack), head: new HeadCrossEntropy(params, HEAD, spec.width, V) };
}

// The conv that reads a 1-tap first conv's output (spec/cost.ts tableReader: the next layer when a
// plain conv, or the first of a residual's body next) runs over that conv's table
function readTable(stack: ConvLayer[], V: number): void {
  const [source, next] = stack;
  if (!(source instanceof EmbeddingConv) || !source.outputIsTable) return;
  const reader = (conv: CausalConv) => new TableConv(conv, source, V);
  if (next instanceof CausalConv) stack[1] = reader(next);
  else if (next instanceof Residual && next.body instanceof Sequential && next.body.layers[0] instanceof CausalConv) next.body.layers[0] = reader(next.body.layers[0]);
}

// first: how the stack's first layer, when a conv, reads the embedding (null inside a body)
function buildLayers(layers: readonly ResolvedLayer[], ctx: BuildContext, first: ((conv: CausalConv) => EmbeddingConv) | null): ConvLayer[] {
  const out: ConvLayer[] = [];
  const conv = (layer: ResolvedLayer, i: number): ConvCore => {
    const built = layer.kind.build(layer, ctx) as CausalConv;
    return i === 0 && first ? first(built) : built;
  };
  for (let i = 0; i < layers.length; i++) {
    const [a, b, c] = layers.slice(i, i + 3);
    if (a.type === 'conv' && !a.fields.bias && !a.fields.weightNorm && b?.type === 'batchnorm' && c?.type === 'tanh') {
      out.push(new ConvBnTanh(conv(a, i), b.kind.build(b, ctx) as BatchNorm));
      i += 2;
    } else if (a.type === 'conv') {
      out.push(conv(a, i));
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
