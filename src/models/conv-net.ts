// A conv-form network as the composition of its layers (conv-layers/): the embedding, a body of
// layers, and the head with its loss. The lecture's hierarchical model is one such composition;
// WaveNet (wavenet.ts) is another.

import { kernelOf, type ModelConfig, type ParamSet } from '../params.ts';
import { BatchNorm } from './conv-layers/batchnorm.ts';
import { CausalConv } from './conv-layers/causal-conv.ts';
import { ConvBnTanh } from './conv-layers/conv-bn-tanh.ts';
import { Tanh } from './conv-layers/activations.ts';
import { Embedding } from './conv-layers/embedding.ts';
import { HeadCrossEntropy } from './conv-layers/head.ts';
import type { ConvLayer } from './conv-layers/layer.ts';
import { Sequential } from './conv-layers/sequential.ts';

/** idx (P) → embedding → body → head → logits (P, V). */
export interface ConvNet {
  embedding: Embedding;
  body: ConvLayer;
  head: HeadCrossEntropy;
}

/**
 * The lecture's model: Embedding → n × [conv K d=K^k (no bias) → BatchNorm → tanh] → head, K = 2
 * unless the config says otherwise. conv.{k}.weight (K·Cin, H): rows [j·Cin, (j+1)·Cin) are the tap
 * at t − (K−1−j)·d — exactly the lecture's Linear after FlattenConsecutive(K), earliest node first.
 * `batchNorm: false` leaves BatchNorm out (as the tree form's option), for equivalence tests.
 */
export function hierarchicalNet(params: ParamSet, cfg: ModelConfig, { batchNorm = true } = {}): ConvNet {
  const layers: ConvLayer[] = [];
  const K = kernelOf(cfg);
  for (let k = 0; k < cfg.nLayers; k++) {
    const cIn = k === 0 ? cfg.nEmbd : cfg.nHidden;
    const conv = new CausalConv(params, { weight: `conv.${k}.weight`, bias: null, cIn, cOut: cfg.nHidden, K, dilation: K ** k });
    if (batchNorm) layers.push(new ConvBnTanh(conv, new BatchNorm(params, `bn.${k}`, cfg.nHidden)));
    else layers.push(conv, new Tanh());
  }
  return {
    embedding: new Embedding(params, 'embedding.weight', cfg.nEmbd),
    body: new Sequential(layers),
    head: new HeadCrossEntropy(params, 'head', cfg.nHidden, cfg.vocabSize),
  };
}
