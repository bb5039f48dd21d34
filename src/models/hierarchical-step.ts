// The lecture model's incremental form over the ops the conv engine trains with. One layer's step
// for B names is one conv call: the weight (2·Cin, H) of a 2-tap conv is, in memory, a 1-tap conv
// of 2·Cin input channels, so [earlier | now] (B, 2·Cin) with each row a word of its own gives every
// name's new node at once. Then eval-mode BatchNorm and tanh, as ConvModel in eval mode.

import type { ConvOps } from '../engine/ops.ts';
import { BN_EPS } from '../layers/batchnorm1d.ts';
import { kernelOf, type ModelConfig, type ParamSet } from '../params.ts';
import type { StepLayer, StepModel } from './step.ts';

/** The parameters move into the ops' memory (their values unchanged), as the conv engine's. */
export function hierarchicalStep(params: ParamSet, cfg: ModelConfig, ops: ConvOps): StepModel {
  // its layers are 2-tap convs of dilation 2^k: another kernel's weights would be read wrong
  if (kernelOf(cfg) !== 2) throw new RangeError(`the batched generator runs kernel-2 models only, not kernel ${kernelOf(cfg)} (sample it through generatorFor)`);
  params.moveTo(ops.allocate);
  const p = (name: string) => params.get(name).data;
  const layers: StepLayer[] = Array.from({ length: cfg.nLayers }, (_, k) => ({ width: k === 0 ? cfg.nEmbd : cfg.nHidden, dilation: 2 ** k }));
  let rows = new Int32Array(0);
  // row b's word starts at b: every row is a name of its own
  const starts = (B: number) => {
    if (rows.length < B) rows = Int32Array.from({ length: B }, (_, b) => b);
    return rows.subarray(0, B);
  };
  return {
    layers,
    allocate: (length) => ops.allocate(length),
    begin: () => ops.beginPass(),
    embed: (chars) => ops.embeddingForward(p('embedding.weight'), chars, cfg.nEmbd),
    step(k, pair, B) {
      const H = cfg.nHidden;
      const y = ops.convForward(pair, p(`conv.${k}.weight`), null, starts(B), { P: B, cIn: 2 * layers[k].width, cOut: H, K: 1, dilation: 1 });
      const bn = (name: string) => p(`bn.${k}.${name}`);
      return ops.bnTanhForward(y, bn('running_mean'), bn('running_var'), bn('weight'), bn('bias'), BN_EPS, { P: B, C: H });
    },
    head: (top, B) => ops.headForward(top, p('head.weight'), p('head.bias'), { P: B, H: cfg.nHidden, V: cfg.vocabSize }),
  };
}
