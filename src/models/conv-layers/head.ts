// The output layer and the loss: logits = x·W + b, softmax cross-entropy against the batch's targets.

import type { Grads, ParamSet } from '../../params.ts';
import { gradOf, type Pass, type StepPass } from './layer.ts';

// x (P, H) → logits (P, V); `{prefix}.weight` (H, V), `{prefix}.bias` (V)
export class HeadCrossEntropy {
  private input: Float32Array | null = null;

  constructor(
    private readonly params: ParamSet,
    private readonly prefix: string,
    readonly H: number,
    readonly V: number,
  ) {}

  private tensor(name: string): Float32Array {
    return this.params.get(`${this.prefix}.${name}`).data;
  }

  logits(x: Float32Array, pass: Pass): Float32Array {
    return pass.ops.headForward(x, this.tensor('weight'), this.tensor('bias'), { P: pass.batch.positions, H: this.H, V: this.V });
  }

  // x (B, H) → logits (B, V)
  step(x: Float32Array, pass: StepPass): Float32Array {
    return pass.ops.headForward(x, this.tensor('weight'), this.tensor('bias'), { P: pass.rows, H: this.H, V: this.V });
  }

  /** Σ_p weight[p]·(−log softmax(logits_p)[target_p]) and its gradient with respect to the logits. */
  loss(x: Float32Array, weight: Float32Array, pass: Pass): { loss: number; dlogits: Float32Array } {
    this.input = x;
    const P = pass.batch.positions;
    const head = pass.ops.headCrossEntropy(x, this.tensor('weight'), this.tensor('bias'), pass.batch.target, weight, { P, H: this.H, V: this.V });
    let total = 0;
    for (let p = 0; p < P; p++) total += head.loss[p];
    return { loss: total, dlogits: head.dlogits };
  }

  backward(dlogits: Float32Array, pass: Pass, grads: Grads): Float32Array {
    const s = { P: pass.batch.positions, H: this.H, V: this.V };
    return pass.ops.headBackward(dlogits, this.input!, this.tensor('weight'), s, gradOf(grads, `${this.prefix}.weight`), gradOf(grads, `${this.prefix}.bias`));
  }
}
