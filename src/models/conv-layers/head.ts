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

  /**
   * Σ_p weight[p]·(−log softmax(logits_p)[target_p]) and its gradient with respect to the logits;
   * with `smoothing` X > 0, the cross-entropy against (1 − X)·onehot + X/V instead (label smoothing).
   */
  loss(x: Float32Array, weight: Float32Array, pass: Pass, smoothing = 0): { loss: number; dlogits: Float32Array } {
    this.input = x;
    const P = pass.batch.positions;
    const target = pass.batch.target;
    const head = pass.ops.headCrossEntropy(x, this.tensor('weight'), this.tensor('bias'), target, weight, { P, H: this.H, V: this.V });
    let total = 0;
    for (let p = 0; p < P; p++) total += head.loss[p];
    if (smoothing > 0) total += smoothLabels(head.logits, target, weight, head.dlogits, smoothing, P, this.V);
    return { loss: total, dlogits: head.dlogits };
  }

  backward(dlogits: Float32Array, pass: Pass, grads: Grads): Float32Array {
    const s = { P: pass.batch.positions, H: this.H, V: this.V };
    return pass.ops.headBackward(dlogits, this.input!, this.tensor('weight'), s, gradOf(grads, `${this.prefix}.weight`), gradOf(grads, `${this.prefix}.bias`));
  }
}

/**
 * Label smoothing on the host, after any backend's cross-entropy kernel. With q = (1 − X)·onehot(t)
 * + X/V, −Σ_c q_c·log p_c = (lse − z_t) + X·(z_t − mean_c z_c): the plain loss plus X·(z_t − z̄); its
 * gradient p − q is the kernel's p − onehot(t) plus X·(onehot(t) − 1/V). Both weighted by weight[p]:
 * adds the second term into `dlogits` and returns Σ_p weight[p]·X·(z_t − z̄), to add to the loss.
 */
export function smoothLabels(logits: Float32Array, target: Int32Array, weight: Float32Array, dlogits: Float32Array, X: number, P: number, V: number): number {
  let extra = 0;
  for (let p = 0; p < P; p++) {
    const w = weight[p];
    if (w === 0) continue;
    const row = p * V;
    let sum = 0;
    for (let c = 0; c < V; c++) sum += logits[row + c];
    const t = target[p];
    extra += w * X * (logits[row + t] - sum / V);
    const spread = (w * X) / V;
    for (let c = 0; c < V; c++) dlogits[row + c] -= spread;
    dlogits[row + t] += w * X;
  }
  return extra;
}
