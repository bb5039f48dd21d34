// Every layer type a spec may use, by its `type`. A new layer type: one file exporting its kind
// (kind.ts), one line here.

import { batchnormKind } from './batchnorm.ts';
import { convKind } from './causal-conv.ts';
import { dropoutKind } from './dropout.ts';
import { gateKind } from './gate.ts';
import type { LayerKind } from './kind.ts';
import { layernormKind } from './layernorm.ts';
import { mixKind } from './mix.ts';
import { parallelKind } from './parallel.ts';
import { reluKind } from './relu.ts';
import { residualKind } from './residual.ts';
import { skipKind } from './skip.ts';
import { skipSumKind } from './skip-sum.ts';
import { tanhKind } from './tanh.ts';

export const LAYER_KINDS: Readonly<Record<string, LayerKind>> = {
  conv: convKind,
  batchnorm: batchnormKind,
  layernorm: layernormKind,
  tanh: tanhKind,
  relu: reluKind,
  gate: gateKind,
  dropout: dropoutKind,
  residual: residualKind,
  skip: skipKind,
  skipSum: skipSumKind,
  mix: mixKind,
  parallel: parallelKind,
};
