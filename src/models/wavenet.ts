// WaveNet (van den Oord et al. 2016, §2.3–2.4) as a conv-form network: embedding → 1×1 conv into C
// residual channels → L·S residual layers (dilated conv kernel 2 → [BatchNorm | LayerNorm] → gate → [dropout];
// residual and skip 1×1 convs) → Σ skips → ReLU → 1×1 → ReLU → head. Tensors: wavenet-params.ts.

import type { ParamSet } from '../params.ts';
import { dilation, layerCount, type Norm, type WaveNetConfig } from '../wavenet-params.ts';
import { Gate, ReLU } from './conv-layers/activations.ts';
import { BatchNorm } from './conv-layers/batchnorm.ts';
import { CausalConv, conv1x1 } from './conv-layers/causal-conv.ts';
import { Dropout } from './conv-layers/dropout.ts';
import { Embedding } from './conv-layers/embedding.ts';
import { HeadCrossEntropy } from './conv-layers/head.ts';
import { LayerNorm } from './conv-layers/layernorm.ts';
import type { ConvLayer } from './conv-layers/layer.ts';
import { Sequential } from './conv-layers/sequential.ts';
import { SkipSum } from './conv-layers/skip-sum.ts';
import { WaveNetLayer } from './conv-layers/wavenet-layer.ts';
import type { ConvNet } from './conv-net.ts';

export function waveNetNet(params: ParamSet, cfg: WaveNetConfig): ConvNet {
  const { channels: C, skipChannels: S } = cfg;
  const n = layerCount(cfg);
  const layers: WaveNetLayer[] = [];
  for (let i = 0; i < n; i++) {
    const prefix = `layer.${i}`;
    const norms: Record<Norm, ConvLayer[]> = {
      none: [],
      batchnorm: [new BatchNorm(params, `${prefix}.bn`, 2 * C)],
      layernorm: [new LayerNorm(params, `${prefix}.ln`, 2 * C)],
    };
    const gated: ConvLayer[] = [
      new CausalConv(params, { weight: `${prefix}.dilated.weight`, bias: cfg.norm === 'none' ? `${prefix}.dilated.bias` : null, cIn: C, cOut: 2 * C, K: 2, dilation: dilation(cfg, i) }),
      ...norms[cfg.norm],
      new Gate(C),
      ...(cfg.dropout > 0 ? [new Dropout(cfg.dropout, i)] : []),
    ];
    const residual = i < n - 1 ? conv1x1(params, `${prefix}.residual`, C, C) : null;
    layers.push(new WaveNetLayer(new Sequential(gated), residual, conv1x1(params, `${prefix}.skip`, C, S)));
  }
  return {
    embedding: new Embedding(params, 'embedding.weight', cfg.nEmbd),
    body: new Sequential([conv1x1(params, 'input', cfg.nEmbd, C), new SkipSum(layers), new ReLU(), conv1x1(params, 'out', S, S), new ReLU()]),
    head: new HeadCrossEntropy(params, 'head', S, cfg.vocabSize),
  };
}
