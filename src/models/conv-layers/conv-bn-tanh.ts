// conv (no bias) → BatchNorm → tanh, wherever a spec has them in a row (the lecture's layer), on the
// fused ops: the conv returns its output's batch statistics, BatchNorm and tanh run as one op each
// way. Same result as the three layers in sequence (the ops' compositions are exactly that), a pass
// fewer over the activations.

import { BN_EPS } from '../../layers/batchnorm1d.ts';
import type { Grads } from '../../params.ts';
import type { BatchNorm } from './batchnorm.ts';
import type { ConvCore } from './causal-conv.ts';
import type { ConvLayer, Pass, StepPass, StepQueue } from './layer.ts';

// x (P, Cin) → tanh(BN(conv(x))) (P, H)
export class ConvBnTanh implements ConvLayer {
  private output: Float32Array | null = null;

  constructor(
    private readonly conv: ConvCore,
    private readonly bn: BatchNorm,
  ) {}

  forward(x: Float32Array, pass: Pass): Float32Array {
    const { ops, mode } = pass;
    const batchStats = mode === 'train' ? this.conv.forwardStats(x, pass) : null;
    const preNorm = batchStats ? batchStats.y : this.conv.forward(x, pass);
    const { mean, variance } = this.bn.useStats(preNorm, pass, batchStats);
    const s = { P: pass.batch.positions, C: this.bn.C };
    return (this.output = ops.bnTanhForward(preNorm, mean, variance, this.bn.tensor('weight'), this.bn.tensor('bias'), BN_EPS, s));
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    const { input, mean, variance } = this.bn.saved();
    const s = { P: pass.batch.positions, C: this.bn.C };
    const dh = pass.ops.tanhBnBackward(this.output!, dy, input, mean, variance, this.bn.tensor('weight'), BN_EPS, pass.mode === 'train', s, ...this.bn.paramGrads(grads));
    return this.conv.backward(dh, pass, grads);
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    const y = this.conv.step(x, pass);
    const bn = (name: string) => this.bn.tensor(name);
    return pass.ops.bnTanhForward(y, bn('running_mean'), bn('running_var'), bn('weight'), bn('bias'), BN_EPS, { P: pass.rows, C: this.bn.C });
  }

  queues(): StepQueue[] {
    return this.conv.queues();
  }
}
