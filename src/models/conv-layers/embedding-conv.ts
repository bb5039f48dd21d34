// The first conv after the embedding, run over the embedding's table instead of its output. Per tap j
// the conv's weights multiply the table's V rows once a pass, T_j = table · W_j (V, Cout), and each
// position sums its taps' rows: y[p] = Σ_j T_j[idx[tap_j(p)]], the bias in the last tap's table.
// That is V·K·Cin·Cout multiply-adds a pass instead of P·K·Cin·Cout (the lecture: 27 rows against
// ~230 positions), backward likewise: the gradient of T_j is the sum of dy over the positions that
// read each row (an embedding's backward), then dW_j = tableᵀ·dT_j and dtable = Σ_j dT_j·W_jᵀ. The
// same sums in another order. The fold runs more ops than the plain conv (K products over the table,
// K lookups, their sum), so a batch of fewer than twice the table's rows in positions runs the plain
// way; one position on (`step`) it is the plain conv over the embedding's output.

import type { Grads } from '../../params.ts';
import { addInto } from '../../engine/ops.ts';
import { tapPosition } from '../../../kernels/layout.ts';
import type { CausalConv, ConvCore } from './causal-conv.ts';
import { NOTHING, type Embedding } from './embedding.ts';
import { gradOf, type Pass, type StepPass, type StepQueue } from './layer.ts';

// (x unused: the batch's indices) → y (P, Cout); step: x (B, Cin) the embedding's output → y (B, Cout)
export class EmbeddingConv implements ConvCore {
  /** Whether this pass ran over the table, and each tap's index per position (the last tap's: idx itself). */
  private folded = false;
  private tapIdx: Int32Array[] = [];
  /** (V) 0 … V − 1: the table's rows, each a sequence of its own. */
  private readonly rows: Int32Array;
  /** (K, V, Cout) the tables' gradients, kept between passes in the ops' memory. */
  private dTables: Float32Array | null = null;

  constructor(
    private readonly conv: CausalConv,
    private readonly embedding: Embedding,
    private readonly V: number,
  ) {
    embedding.folded = true;
    this.rows = Int32Array.from({ length: V }, (_, v) => v);
  }

  forward(_x: Float32Array, pass: Pass): Float32Array {
    this.folded = this.pays(pass);
    return this.folded ? this.overTable(pass) : this.conv.forward(this.embedding.lookup(pass), pass);
  }

  forwardStats(_x: Float32Array, pass: Pass) {
    this.folded = this.pays(pass);
    if (!this.folded) return this.conv.forwardStats(this.embedding.lookup(pass), pass);
    const y = this.overTable(pass);
    return { y, ...pass.ops.bnStats(y, { P: pass.batch.positions, C: this.conv.spec.cOut }) };
  }

  private pays(pass: Pass): boolean {
    return 2 * this.V <= pass.batch.positions;
  }

  // the tables, then every position's sum of its taps' rows
  private overTable(pass: Pass): Float32Array {
    const { ops, batch } = pass;
    const { cIn, cOut, K, dilation } = this.conv.spec;
    const w = this.conv.weight(ops);
    const table = this.embedding.table;
    const bias = this.conv.bias;
    this.tapIdx = Array.from({ length: K }, (_, j) => (j === K - 1 ? batch.idx : tapIndices(batch.idx, batch.start, j, K, dilation)));
    let y: Float32Array | null = null;
    for (let j = K - 1; j >= 0; j--) {
      const t = ops.convForward(table, tap(w, j, cIn, cOut), j === K - 1 ? bias : null, this.rows, this.tableShape());
      const rows = ops.embeddingForward(t, this.tapIdx[j], cOut);
      y = y ? ops.add(y, rows) : rows;
    }
    return y!;
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    if (!this.folded) {
      this.embedding.addGrad(this.conv.backward(dy, pass, grads), pass, grads);
      return NOTHING;
    }
    const { ops } = pass;
    const { cIn, cOut, K } = this.conv.spec;
    const { dw, dbias, w } = this.conv.gradTargets(ops, grads);
    const dTables = (this.dTables ??= ops.allocate(K * this.V * cOut));
    ops.zero([dTables]);
    const dtable = gradOf(grads, this.embedding.name);
    for (let j = K - 1; j >= 0; j--) {
      const dT = dTables.subarray(j * this.V * cOut, (j + 1) * this.V * cOut);
      ops.embeddingBackward(dy, this.tapIdx[j], cOut, dT);
      addInto(dtable, ops.convBackward(this.embedding.table, dT, tap(w, j, cIn, cOut), this.rows, this.tableShape(), tap(dw, j, cIn, cOut), j === K - 1 ? dbias : null));
    }
    this.conv.endBackward(grads);
    return NOTHING;
  }

  // the table's V rows through one tap's weights
  private tableShape() {
    return { P: this.V, cIn: this.conv.spec.cIn, cOut: this.conv.spec.cOut, K: 1, dilation: 1 };
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    return this.conv.step(x, pass);
  }

  queues(): StepQueue[] {
    return this.conv.queues();
  }
}

/** Tap j's rows of a conv weight (K·Cin, Cout): (Cin, Cout). */
function tap(w: Float32Array, j: number, cIn: number, cOut: number): Float32Array {
  return w.subarray(j * cIn * cOut, (j + 1) * cIn * cOut);
}

/** idx[tap_j(p)] for every position p: the character tap j of a K-tap conv reads there (kernels/layout.ts). */
function tapIndices(idx: Int32Array, start: Int32Array, j: number, K: number, dilation: number): Int32Array {
  const out = new Int32Array(idx.length);
  for (let p = 0; p < idx.length; p++) out[p] = idx[tapPosition(p, j, K, dilation, start)];
  return out;
}
