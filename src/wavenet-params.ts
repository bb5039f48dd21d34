// The WaveNet model's parameters (van den Oord et al. 2016, §2.3–2.4, over the lecture's embedding):
// sizes, tensor names and shapes, initialisation. The model itself: models/wavenet.ts.
//
//   embedding.weight              [V, E]
//   input.weight|bias             [E, C], [C]        1×1 conv into the residual channels
//   layer.{i}.dilated.weight      [2·C, 2·C]         kernel 2, dilation 2^(i mod L): rows [0, C) the tap at t − d, [C, 2C) at t;
//                                                    output columns [0, C) the filter, [C, 2C) the gate
//   layer.{i}.dilated.bias        [2·C]              (norm 'none')
//   layer.{i}.bn.weight|bias|running_mean|running_var  [2·C]  (norm 'batchnorm')
//   layer.{i}.ln.weight|bias      [2·C]              (norm 'layernorm')
//   layer.{i}.residual.weight|bias [C, C], [C]       every layer but the last
//   layer.{i}.skip.weight|bias    [C, S], [S]
//   out.weight|bias               [S, S], [S]        ReLU → 1×1 → ReLU → head
//   head.weight|bias              [S, V], [V]

import { randn, tensor, zeros, type Tensor } from './tensor.ts';
import type { PythonRandom } from './rng.ts';
import { blockSize, ParamSet, type ModelConfig } from './params.ts';

export const NORMS = ['none', 'batchnorm', 'layernorm'] as const;
/** How a WaveNet normalises its dilated convs' output: not at all, BatchNorm over the batch's positions, or LayerNorm per position. */
export type Norm = (typeof NORMS)[number];

/** The WaveNet model's sizes. */
export interface WaveNetConfig {
  architecture: 'wavenet';
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

/** Either model: the lecture's hierarchical one or WaveNet. */
export type AnyModelConfig = ModelConfig | WaveNetConfig;

/** Whether a config (a checkpoint's, say) is a WaveNet's rather than the lecture model's. */
export function isWaveNet(cfg: AnyModelConfig): cfg is WaveNetConfig {
  return (cfg as { architecture?: string }).architecture === 'wavenet';
}

/** Characters each logit sees: S·(2^L − 1) + 1; for the lecture's model, its block size. */
export function receptiveField(cfg: AnyModelConfig): number {
  return isWaveNet(cfg) ? cfg.stacks * (2 ** cfg.layers - 1) + 1 : blockSize(cfg);
}

/** Layer i's dilation: 2^(i mod L). */
export function dilation(cfg: WaveNetConfig, i: number): number {
  return 2 ** (i % cfg.layers);
}

export function layerCount(cfg: WaveNetConfig): number {
  return cfg.layers * cfg.stacks;
}

/** Every tensor of the model with its shape, in definition order; `true` marks a running buffer. */
export function waveNetShapes(cfg: WaveNetConfig): Map<string, { shape: number[]; buffer: boolean }> {
  const { vocabSize: V, nEmbd: E, channels: C, skipChannels: S } = cfg;
  const shapes = new Map<string, { shape: number[]; buffer: boolean }>();
  const add = (name: string, shape: number[], buffer = false) => shapes.set(name, { shape, buffer });
  const conv = (prefix: string, cIn: number, cOut: number) => {
    add(`${prefix}.weight`, [cIn, cOut]);
    add(`${prefix}.bias`, [cOut]);
  };
  add('embedding.weight', [V, E]);
  conv('input', E, C);
  const n = layerCount(cfg);
  for (let i = 0; i < n; i++) {
    add(`layer.${i}.dilated.weight`, [2 * C, 2 * C]);
    if (cfg.norm === 'none') add(`layer.${i}.dilated.bias`, [2 * C]);
    if (cfg.norm === 'batchnorm') for (const s of ['weight', 'bias', 'running_mean', 'running_var']) add(`layer.${i}.bn.${s}`, [2 * C], s.startsWith('running'));
    if (cfg.norm === 'layernorm') for (const s of ['weight', 'bias']) add(`layer.${i}.ln.${s}`, [2 * C]);
    if (i < n - 1) conv(`layer.${i}.residual`, C, C);
    conv(`layer.${i}.skip`, C, S);
  }
  conv('out', S, S);
  conv('head', S, V);
  return shapes;
}

/**
 * Initial values: embedding N(0, 1); weights N(0, 1/fan_in) as the lecture's Linear; biases 0,
 * BatchNorm and LayerNorm γ 1, β 0, running variance 1; the head scaled by 0.1 as the lecture's last layer.
 */
export function initWaveNet(cfg: WaveNetConfig, rng: PythonRandom): ParamSet {
  const params = new ParamSet();
  for (const [name, { shape, buffer }] of waveNetShapes(cfg)) params.add(name, initial(name, shape, rng), buffer);
  return params;
}

function initial(name: string, shape: number[], rng: PythonRandom): Tensor {
  if (name === 'embedding.weight') return randn(shape, rng);
  if (/\.(bn|ln)\.weight$|\.running_var$/.test(name)) return tensor(shape, new Float32Array(shape[0]).fill(1));
  if (shape.length === 1) return zeros(shape);
  const w = randn(shape, rng, 1 / Math.sqrt(shape[0]));
  if (name === 'head.weight') for (let i = 0; i < w.data.length; i++) w.data[i] *= 0.1;
  return w;
}
