// A skip connection (WaveNet, van den Oord et al. 2016, §2.4): the body's output joins the sum that
// the next skip sum (skip-sum.ts) hands on; the input passes through unchanged.

import type { Grads } from '../../params.ts';
import type { LayerKind } from './kind.ts';
import { backwardAdd, forwardAdd, type ConvLayer, type Pass, type StepPass, type StepQueue } from './layer.ts';

// x (P, C) → x (P, C); body(x) (P, S) to the skip sum
export class Skip implements ConvLayer {
  constructor(private readonly body: ConvLayer) {}

  // the sum kept running: the body's output added to the earlier skips' sum, as it stands when the
  // body's last op runs (a skip sum inside the body takes what came before)
  forward(x: Float32Array, pass: Pass): Float32Array {
    pass.skips.push(forwardAdd(this.body, x, () => pass.skips.pop() ?? null, pass));
    return x;
  }

  // the sum hands its gradient to every skip unchanged
  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    return backwardAdd(this.body, pass.skipGrad!, dy, pass, grads);
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    pass.skips.push(this.body.step(x, pass));
    return x;
  }

  queues(): StepQueue[] {
    return this.body.queues();
  }
}

export const skipKind: LayerKind = {
  help: "passes x on; body(x) joins the next skipSum's sum",
  fields: { body: { type: 'layers', help: 'the layers on the skip path' } },
  size(layer, cIn, r) {
    const body = r.body('body', layer.fields.body as never, cIn);
    const width = body[body.length - 1].cOut;
    const earlier = r.skipWidths()[0];
    if (earlier !== undefined && earlier !== width) r.fail('body', `its output width ${width} differs from the earlier skips' ${earlier}: skips are summed`);
    r.addSkip(width);
    return { cOut: cIn, body };
  },
  build: (layer, ctx) => new Skip(ctx.body(layer.body)),
  extent(layer, e, walk) {
    walk.skips.push(walk.body(layer.body, e));
    return e;
  },
};
