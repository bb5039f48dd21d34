// WaveNet (van den Oord et al. 2016, §2.3–2.4) over the lecture's embedding, as a spec: a 1×1 conv
// into C residual channels; L·S residual layers, each a dilated conv of kernel 2 (dilation
// 2^(i mod L)) to 2C → [BatchNorm | LayerNorm] → gate → [dropout], its output to a 1×1 skip conv (S)
// and through a 1×1 conv added back to the layer's input; the skips summed → ReLU → 1×1 → ReLU →
// head. The last layer has no residual conv: nothing reads its residual output. Tensor names are
// those of release 0.1.0's WaveNet (input, layer.{i}.dilated|bn|ln|residual|skip, out), so its
// checkpoints load as they are.

import type { LayerSpec, ModelSpec } from '../spec/types.ts';

export const NORMS = ['none', 'batchnorm', 'layernorm'] as const;
/** How a WaveNet normalises its dilated convs' output: not at all, BatchNorm over the batch's positions, or LayerNorm per position. */
export type Norm = (typeof NORMS)[number];

/** The WaveNet preset's sizes. */
export interface WaveNetConfig {
  vocabSize: number;
  /** E: embedding size. */
  nEmbd: number;
  /** C: residual channels (the dilated convs produce 2·C). */
  channels: number;
  /** S: skip channels, also the width of the output layers. */
  skipChannels: number;
  /** L: layers per stack, dilations 1, 2, …, 2^(L−1). */
  layers: number;
  stacks: number;
  /** Dropout on the gated output in training, 0 for none. */
  dropout: number;
  /** Normalisation of the dilated conv's output, before the gate. */
  norm: Norm;
}

/** The WaveNet preset's spec for `cfg`, its tensors named as release 0.1.0's. */
export function waveNetSpec(cfg: WaveNetConfig): ModelSpec {
  const { channels: C, skipChannels: S } = cfg;
  const n = cfg.layers * cfg.stacks;
  const layers: LayerSpec[] = [{ type: 'conv', name: 'input', out: C }];
  for (let i = 0; i < n; i++) {
    const prefix = `layer.${i}`;
    const norm: LayerSpec[] = { none: [], batchnorm: [{ type: 'batchnorm', name: `${prefix}.bn` }], layernorm: [{ type: 'layernorm', name: `${prefix}.ln` }] }[cfg.norm];
    const gated: LayerSpec[] = [
      { type: 'conv', name: `${prefix}.dilated`, out: 2 * C, kernel: 2, dilation: 2 ** (i % cfg.layers), bias: cfg.norm === 'none' },
      ...norm,
      { type: 'gate' },
      ...(cfg.dropout > 0 ? [{ type: 'dropout', p: cfg.dropout }] : []),
      { type: 'skip', body: [{ type: 'conv', name: `${prefix}.skip`, out: S }] },
    ];
    if (i < n - 1) layers.push({ type: 'residual', body: [...gated, { type: 'conv', name: `${prefix}.residual`, out: C }] });
    else layers.push(...gated);
  }
  layers.push({ type: 'skipSum' }, { type: 'relu' }, { type: 'conv', name: 'out', out: S }, { type: 'relu' });
  return { vocabSize: cfg.vocabSize, embedding: cfg.nEmbd, layers };
}
