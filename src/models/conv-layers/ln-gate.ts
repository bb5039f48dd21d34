// LayerNorm → gate (→ dropout), wherever a spec has them in a row (the WaveNet's normalised gated
// unit): one fused op each way (ConvOps lnGateForward / lnGateBackward). The same result as the
// layers in sequence — the ops' composition is exactly that, and the wasm kernels compute every
// value as the separate ones do — with one array kept between the passes, of the backend's choosing.

import type { DropoutMask } from '../../../kernels/dropout.ts';
import type { Grads } from '../../params.ts';
import type { Dropout } from './dropout.ts';
import type { Gate } from './gate.ts';
import { LN_EPS, type LayerNorm } from './layernorm.ts';
import { PointwiseLayer, type Pass, type StepPass } from './layer.ts';

// x (P, 2C) → dropout(gate(LN(x))) (P, C)
export class LnGate extends PointwiseLayer {
  private input: Float32Array | null = null;
  private saved: Float32Array | null = null;
  private mask: DropoutMask | null = null;

  constructor(
    private readonly ln: LayerNorm,
    private readonly gate: Gate,
    private readonly dropout: Dropout | null,
  ) {
    super();
  }

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.input = x;
    this.mask = this.dropout?.maskFor(pass) ?? null;
    const { y, saved } = pass.ops.lnGateForward(x, this.ln.tensor('weight'), this.ln.tensor('bias'), LN_EPS, this.mask, { P: pass.batch.positions, C: this.gate.C }, true);
    this.saved = saved;
    return y;
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    const s = { P: pass.batch.positions, C: this.gate.C };
    return pass.ops.lnGateBackward(dy, this.input!, this.saved!, this.ln.tensor('weight'), LN_EPS, this.mask, s, ...this.ln.paramGrads(grads));
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    return pass.ops.lnGateForward(x, this.ln.tensor('weight'), this.ln.tensor('bias'), LN_EPS, null, { P: pass.rows, C: this.gate.C }, false).y;
  }
}
