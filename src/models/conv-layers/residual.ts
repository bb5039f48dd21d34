// A residual connection (He et al. 2016): the body's output added to the input. Where the body
// changes the width, a 1×1 conv `{name}.shortcut` maps the input to it (the TCN paper's downsample).

import type { Grads } from '../../params.ts';
import { CausalConv } from './causal-conv.ts';
import { tensorName, type LayerKind, type TensorSpec } from './kind.ts';
import { backwardAdd, forwardAdd, type ConvLayer, type Pass, type StepPass, type StepQueue } from './layer.ts';

// x (P, Cin) → body(x) + (x or shortcut(x)) (P, Cout)
export class Residual implements ConvLayer {
  constructor(
    readonly body: ConvLayer,
    private readonly shortcut: CausalConv | null,
  ) {}

  forward(x: Float32Array, pass: Pass): Float32Array {
    const around = this.shortcut ? this.shortcut.forward(x, pass) : x;
    return forwardAdd(this.body, x, () => around, pass);
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    return backwardAdd(this.body, dy, this.shortcut ? this.shortcut.backward(dy, pass, grads) : dy, pass, grads);
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    const y = this.body.step(x, pass);
    return pass.ops.add(y, this.shortcut ? this.shortcut.step(x, pass) : x);
  }

  queues(): StepQueue[] {
    return this.body.queues();
  }
}

export const residualKind: LayerKind = {
  help: 'x + body(x); a 1×1 conv on x where the body changes the width',
  fields: { body: { type: 'layers', help: 'the layers on the residual path' } },
  size(layer, cIn, r) {
    const body = r.body('body', layer.fields.body as never, cIn);
    const cOut = body[body.length - 1].cOut;
    const tensors: TensorSpec[] =
      cOut === cIn
        ? []
        : [
            { name: tensorName(layer, 'shortcut.weight'), shape: [cIn, cOut], init: { normal: 1 / Math.sqrt(cIn) } },
            { name: tensorName(layer, 'shortcut.bias'), shape: [cOut], init: 'zeros' },
          ];
    return { cOut, body, tensors };
  },
  build(layer, ctx) {
    const shortcut =
      layer.cOut === layer.cIn
        ? null
        : new CausalConv(ctx.params, { weight: tensorName(layer, 'shortcut.weight'), bias: tensorName(layer, 'shortcut.bias'), cIn: layer.cIn, cOut: layer.cOut, K: 1, dilation: 1 });
    return new Residual(ctx.body(layer.body), shortcut);
  },
  extent: (layer, e, walk) => Math.max(e, walk.body(layer.body, e)),
};
