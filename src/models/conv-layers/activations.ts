// The elementwise nonlinearities: tanh (the lecture), ReLU (WaveNet's output), the gated unit.

import type { ConvLayer, Pass } from './layer.ts';

// x (P, C) → tanh(x) (P, C)
export class Tanh implements ConvLayer {
  private output: Float32Array | null = null;

  forward(x: Float32Array, pass: Pass): Float32Array {
    return (this.output = pass.ops.tanhForward(x));
  }

  backward(dy: Float32Array, pass: Pass): Float32Array {
    return pass.ops.tanhBackward(this.output!, dy);
  }
}

// x (P, C) → max(x, 0) (P, C)
export class ReLU implements ConvLayer {
  private output: Float32Array | null = null;

  forward(x: Float32Array, pass: Pass): Float32Array {
    return (this.output = pass.ops.reluForward(x));
  }

  backward(dy: Float32Array, pass: Pass): Float32Array {
    return pass.ops.reluBackward(this.output!, dy);
  }
}

// x (P, 2C) → tanh(x[:, :C]) ⊙ σ(x[:, C:]) (P, C): WaveNet's gated activation unit
export class Gate implements ConvLayer {
  private input: Float32Array | null = null;

  constructor(readonly C: number) {}

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.input = x;
    return pass.ops.gateForward(x, { P: pass.batch.positions, C: this.C });
  }

  backward(dy: Float32Array, pass: Pass): Float32Array {
    return pass.ops.gateBackward(this.input!, dy, { P: pass.batch.positions, C: this.C });
  }
}
