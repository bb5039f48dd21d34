// A conv whose input is a table's rows: a first 1-tap conv's output (embedding-conv.ts), every
// position the row of its character (the WaveNet's first dilated conv reads its input conv's so).
// It runs over that table as the first conv runs over the embedding's (conv-over-table.ts), and its
// input's gradient stays a table's, (V, Cin), which the first conv adds to its own: no position's
// dx is formed. Where the first conv did not fold, the plain conv.

import type { Grads } from '../../params.ts';
import type { CausalConv } from './causal-conv.ts';
import { ConvOverTable } from './conv-over-table.ts';
import { NOTHING } from './embedding.ts';
import type { EmbeddingConv } from './embedding-conv.ts';
import type { ConvLayer, Pass, StepPass, StepQueue } from './layer.ts';

// x (P, Cin) → y (P, Cout); backward: dx NOTHING when folded (the gradient went to the first conv's table)
export class TableConv implements ConvLayer {
  private readonly fold: ConvOverTable;
  /** The table this pass's forward read, or null when it ran the plain conv. */
  private table: Float32Array | null = null;

  constructor(
    private readonly conv: CausalConv,
    private readonly source: EmbeddingConv,
    V: number,
  ) {
    this.fold = new ConvOverTable(conv, V);
  }

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.table = this.source.outputTable();
    return this.table ? this.fold.forward(this.table, pass).y : this.conv.forward(x, pass);
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    if (!this.table) return this.conv.backward(dy, pass, grads);
    const { ops } = pass;
    let dtable: Float32Array | null = null;
    this.fold.backward(this.table, dy, null, pass, grads, (d) => (dtable = dtable ? ops.add(dtable, d) : d));
    this.source.addTableGrad(dtable!, pass);
    return NOTHING;
  }

  // a residual's gradient around it: dx is all in the table's, so the addend alone
  backwardAdd(dy: Float32Array, addend: Float32Array, pass: Pass, grads: Grads): Float32Array {
    if (!this.table) return this.conv.backwardAdd(dy, addend, pass, grads);
    this.backward(dy, pass, grads);
    return addend;
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    return this.conv.step(x, pass);
  }

  queues(): StepQueue[] {
    return this.conv.queues();
  }
}
