// The first conv after the embedding, run over the embedding's table instead of its output
// (conv-over-table.ts): the lecture's first layer multiplies 27 rows a pass instead of ~230
// positions. The fold runs more ops than the plain conv (K products over the table, K lookups, their
// sum), so a batch of fewer than twice the table's rows in positions runs the plain way; one
// position on (`step`) it is the plain conv over the embedding's output. A 1-tap conv's output is a
// table's rows itself, which a conv reading it may fold over in turn (table-conv.ts).

import type { Grads } from '../../params.ts';
import { addInto } from '../../engine/ops.ts';
import type { CausalConv, ConvCore } from './causal-conv.ts';
import { ConvOverTable } from './conv-over-table.ts';
import { NOTHING, type Embedding } from './embedding.ts';
import { gradOf, type Pass, type StepPass, type StepQueue } from './layer.ts';

// (x unused: the batch's indices) → y (P, Cout); step: x (B, Cin) the embedding's output → y (B, Cout)
export class EmbeddingConv implements ConvCore {
  /** Whether this pass ran over the table. */
  private folded = false;
  private readonly fold: ConvOverTable;
  /** A 1-tap conv's output as a table (V, Cout) this pass, when it folded. */
  private table: Float32Array | null = null;
  /** The gradient of that table from the convs that read it as one, this pass. */
  private tableGrad: Float32Array | null = null;

  constructor(
    private readonly conv: CausalConv,
    private readonly embedding: Embedding,
    private readonly V: number,
  ) {
    embedding.folded = true;
    this.fold = new ConvOverTable(conv, V);
  }

  forward(_x: Float32Array, pass: Pass): Float32Array {
    this.begin(pass);
    return this.folded ? this.overTable(pass) : this.conv.forward(this.embedding.lookup(pass), pass);
  }

  forwardStats(_x: Float32Array, pass: Pass) {
    this.begin(pass);
    if (!this.folded) return this.conv.forwardStats(this.embedding.lookup(pass), pass);
    const y = this.overTable(pass);
    return { y, ...pass.ops.bnStats(y, { P: pass.batch.positions, C: this.conv.spec.cOut }) };
  }

  /** Whether a folding pass's output is a table's rows (a 1-tap conv's is). */
  get outputIsTable(): boolean {
    return this.conv.spec.K === 1;
  }

  /** Whether the output is a table's rows this pass, every position the row of its character: that table (V, Cout), else null. */
  outputTable(): Float32Array | null {
    return this.table;
  }

  /** Adds a gradient of {@link outputTable}'s table (V, Cout) from a conv that read it as a table; before this layer's backward. */
  addTableGrad(d: Float32Array, pass: Pass): void {
    this.tableGrad = this.tableGrad ? pass.ops.add(this.tableGrad, d) : d;
  }

  private begin(pass: Pass): void {
    this.folded = 2 * this.V <= pass.batch.positions;
    this.table = null;
    this.tableGrad = null;
  }

  private overTable(pass: Pass): Float32Array {
    const { y, tables } = this.fold.forward(this.embedding.table, pass);
    if (this.outputIsTable) this.table = tables[0];
    return y;
  }

  // dy: NOTHING when every reader took the output as a table
  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    if (!this.folded) {
      this.embedding.addGrad(this.conv.backward(dy, pass, grads), pass, grads);
      return NOTHING;
    }
    const dtable = gradOf(grads, this.embedding.name);
    this.fold.backward(this.embedding.table, dy, this.tableGrad, pass, grads, (d) => addInto(dtable, d));
    this.tableGrad = null;
    return NOTHING;
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    return this.conv.step(x, pass);
  }

  queues(): StepQueue[] {
    return this.conv.queues();
  }
}
