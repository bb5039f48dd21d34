// The character embedding: a row of the table per position. It reads the batch's indices, not an activation.

import type { Grads, ParamSet } from '../../params.ts';
import { gradOf, type Pass, type StepPass } from './layer.ts';

// idx (P) → x (P, C); table (V, C)
export class Embedding {
  constructor(
    private readonly params: ParamSet,
    private readonly name: string,
    readonly C: number,
  ) {}

  forward(pass: Pass): Float32Array {
    return pass.ops.embeddingForward(this.params.get(this.name).data, pass.batch.idx, this.C);
  }

  // chars (B) → x (B, C)
  step(chars: Int32Array, pass: StepPass): Float32Array {
    return pass.ops.embeddingForward(this.params.get(this.name).data, chars, this.C);
  }

  /** dtable += each position's dy on the row it read. */
  backward(dy: Float32Array, pass: Pass, grads: Grads): void {
    pass.ops.embeddingBackward(dy, pass.batch.idx, this.C, gradOf(grads, this.name));
  }
}
