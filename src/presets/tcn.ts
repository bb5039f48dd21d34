// The temporal convolutional network of Bai, Kolter & Koltun 2018 ("An Empirical Evaluation of
// Generic Convolutional and Recurrent Networks for Sequence Modeling", §3, Figure 1b) over the
// lecture's embedding: residual blocks, block i of two causal convs of kernel K and dilation 2^i,
// each weight-normalised and followed by ReLU and dropout; a 1×1 conv on the residual path where
// the width changes; ReLU after the sum. Widths per block (a list, as keras-tcn allows), else one.

import type { LayerSpec, ModelSpec } from '../spec/types.ts';

/** The TCN preset's sizes. */
export interface TcnConfig {
  vocabSize: number;
  nEmbd: number;
  /** Each block's width, bottom up: the number of blocks. */
  channels: number[];
  kernel: number;
  dropout: number;
}

/** The TCN preset's spec for `cfg`: block i's tensors are `block.{i}.conv1|conv2.weight_v|weight_g|bias` (and `.shortcut.*`). */
export function tcnSpec(cfg: TcnConfig): ModelSpec {
  const layers: LayerSpec[] = cfg.channels.flatMap((C, i): LayerSpec[] => {
    const conv = (j: number): LayerSpec[] => [
      { type: 'conv', name: `block.${i}.conv${j}`, out: C, kernel: cfg.kernel, dilation: 2 ** i, weightNorm: true },
      { type: 'relu' },
      ...(cfg.dropout > 0 ? [{ type: 'dropout', p: cfg.dropout }] : []),
    ];
    return [{ type: 'residual', name: `block.${i}`, body: [...conv(1), ...conv(2)] }, { type: 'relu' }];
  });
  return { vocabSize: cfg.vocabSize, embedding: cfg.nEmbd, layers };
}
