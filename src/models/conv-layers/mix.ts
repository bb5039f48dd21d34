// A 1×1 mix of the channels: y = x·W + b at every position, no taps into the past. The README's
// worked example of adding a layer type: this file and one line in registry.ts. It reuses the conv's
// forward, backward and step (a 1-tap conv keeps no queue).

import { MAX_SPEC_WIDTH } from '../../spec/types.ts';
import { CausalConv } from './causal-conv.ts';
import { tensorName, type LayerKind } from './kind.ts';

// x (P, Cin) → x·W + b (P, out); `{name}.weight` (Cin, out), `{name}.bias` (out)
export const mixKind: LayerKind = {
  help: '1×1 mix of the channels: x·W + b at each position',
  fields: { out: { type: 'int', min: 1, max: MAX_SPEC_WIDTH, help: 'output channels' } },
  size: (layer, cIn) => {
    const out = layer.fields.out as number;
    return {
      cOut: out,
      tensors: [
        { name: tensorName(layer, 'weight'), shape: [cIn, out], init: { normal: 1 / Math.sqrt(cIn) } },
        { name: tensorName(layer, 'bias'), shape: [out], init: 'zeros' },
      ],
    };
  },
  build: (layer, ctx) => new CausalConv(ctx.params, { weight: tensorName(layer, 'weight'), bias: tensorName(layer, 'bias'), cIn: layer.cIn, cOut: layer.cOut, K: 1, dilation: 1 }),
};
