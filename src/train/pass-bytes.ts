// How much one pass of the conv model holds, per position of its batch: what the wasm backend's
// per-pass arena (ConvOps.limits.passBytes) must fit. Calibrated on the wasm backend (1,000 words,
// 8,000 positions; a training pass of the lecture model took 24 bytes per position, hidden unit and
// layer, WaveNet with LayerNorm and dropout 100 per channel and layer; a forward pass 4 and 20),
// rounded up, plus the embedding, the head's logits and their gradients.

import { kernelOf } from '../params.ts';
import { isWaveNet, layerCount, type AnyModelConfig } from '../wavenet-params.ts';

/** Bytes of results a training (forward and backward) or evaluation (forward) pass keeps per position. */
export function passBytesPerPosition(cfg: AnyModelConfig, mode: 'train' | 'eval'): number {
  const train = mode === 'train';
  const ends = 4 * (2 * cfg.nEmbd + 4 * cfg.vocabSize);
  if (isWaveNet(cfg)) {
    return ends + (train ? 112 : 24) * cfg.channels * layerCount(cfg) + 4 * (train ? 6 : 3) * cfg.skipChannels;
  }
  return ends + (train ? 28 : 6) * cfg.nHidden * cfg.nLayers;
}

/** The widest row one conv-model kernel call reads (floats per position): what fits a call's exact index range. */
export function widestRow(cfg: AnyModelConfig): number {
  if (isWaveNet(cfg)) return Math.max(4 * cfg.channels, cfg.skipChannels, cfg.nEmbd, cfg.vocabSize);
  return Math.max(kernelOf(cfg) * Math.max(cfg.nHidden, cfg.nEmbd), cfg.vocabSize);
}
