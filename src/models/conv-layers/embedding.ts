// The character embedding: a row of the table per position. It reads the batch's indices, not an activation.

import type { Grads, ParamSet } from '../../params.ts';
import { gradOf, type Pass, type StepPass } from './layer.ts';

/** What a folded embedding's forward gives, and a folded first conv's backward. */
export const NOTHING = new Float32Array(0);

// idx (P) → x (P, C); table (V, C)
export class Embedding {
  /**
   * Set when the first layer reads the table itself (embedding-conv.ts): a pass's forward then gives
   * nothing and its backward adds nothing; one position on it looks up as before.
   */
  folded = false;

  constructor(
    private readonly params: ParamSet,
    readonly name: string,
    readonly C: number,
  ) {}

  get table(): Float32Array {
    return this.params.get(this.name).data;
  }

  forward(pass: Pass): Float32Array {
    return this.folded ? NOTHING : this.lookup(pass);
  }

  /** Every position's row, whether or not the embedding is folded. */
  lookup(pass: Pass): Float32Array {
    return pass.ops.embeddingForward(this.table, pass.batch.idx, this.C);
  }

  // chars (B) → x (B, C)
  step(chars: Int32Array, pass: StepPass): Float32Array {
    return pass.ops.embeddingForward(this.table, chars, this.C);
  }

  /** dtable += each position's dy on the row it read. */
  backward(dy: Float32Array, pass: Pass, grads: Grads): void {
    if (!this.folded) this.addGrad(dy, pass, grads);
  }

  addGrad(dy: Float32Array, pass: Pass, grads: Grads): void {
    pass.ops.embeddingBackward(dy, pass.batch.idx, this.C, gradOf(grads, this.name));
  }
}
