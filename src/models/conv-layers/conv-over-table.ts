// A conv run over a table of V rows that each position looks up by its character, instead of over
// the positions' rows: per tap j, T_j = table · W_j (V, Cout) once a pass, and each position sums its
// taps' rows, y[p] = Σ_j T_j[idx[tap_j(p)]], the bias in the last tap's table. Backward, the gradient
// of T_j is the sum of dy over the positions that read each row (an embedding's backward), then
// dW_j = tableᵀ·dT_j and the table's gradient Σ_j dT_j·W_jᵀ. The same sums in another order, with
// V·K·Cin·Cout multiply-adds a pass instead of P·K·Cin·Cout. Composed of ops every backend has.

import type { Grads } from '../../params.ts';
import { tapPosition } from '../../../kernels/layout.ts';
import type { CausalConv } from './causal-conv.ts';
import type { Pass } from './layer.ts';

// table (V, Cin), the batch's indices → y (P, Cout); backward: dy (P, Cout) → dtable (V, Cin) per tap
export class ConvOverTable {
  /** Each tap's index per position (the last tap's: idx itself), this pass. */
  private tapIdx: Int32Array[] = [];
  /** Room for the other taps' indices, reused from pass to pass (grown to the largest batch). */
  private tapIdxRoom: Int32Array[] = [];
  /** (V) 0 … V − 1: the table's rows, each a sequence of its own. */
  private readonly rows: Int32Array;
  /** (K, V, Cout) the tables' gradients, kept between passes in the ops' memory. */
  private dTables: Float32Array | null = null;

  constructor(
    private readonly conv: CausalConv,
    private readonly V: number,
  ) {
    this.rows = Int32Array.from({ length: V }, (_, v) => v);
  }

  /** The tables T_j (each (V, Cout)) and every position's sum of its taps' rows. */
  forward(table: Float32Array, pass: Pass): { y: Float32Array; tables: Float32Array[] } {
    const { ops, batch } = pass;
    const { cIn, cOut, K, dilation } = this.conv.spec;
    const w = this.conv.weight(ops);
    this.tapIdx = Array.from({ length: K }, (_, j) => (j === K - 1 ? batch.idx : this.tapIndices(batch.idx, batch.start, j, K, dilation)));
    const tables: Float32Array[] = [];
    let y: Float32Array | null = null;
    for (let j = K - 1; j >= 0; j--) {
      const t = ops.convForward(table, tap(w, j, cIn, cOut), j === K - 1 ? this.conv.bias : null, this.rows, this.tableShape());
      tables[j] = t;
      const rows = ops.embeddingForward(t, this.tapIdx[j], cOut);
      y = y ? ops.add(y, rows) : rows;
    }
    return { y: y!, tables };
  }

  /**
   * dW, dbias added into `grads`; `each` gets the table's gradient tap by tap (V, Cin). dy may be
   * empty (no position's gradient), and `dLast` (V, Cout) or null is a gradient of the last tap's
   * table itself, from a conv that read it as a table in turn (table-conv.ts).
   */
  backward(table: Float32Array, dy: Float32Array, dLast: Float32Array | null, pass: Pass, grads: Grads, each: (dtable: Float32Array) => void): void {
    const { ops } = pass;
    const { cIn, cOut, K } = this.conv.spec;
    const { dw, dbias, w } = this.conv.gradTargets(ops, grads);
    const dTables = (this.dTables ??= ops.allocate(K * this.V * cOut));
    ops.zero([dTables]);
    for (let j = K - 1; j >= 0; j--) {
      const dT = dTables.subarray(j * this.V * cOut, (j + 1) * this.V * cOut);
      if (dy.length > 0) ops.embeddingBackward(dy, this.tapIdx[j], cOut, dT);
      if (dLast && j === K - 1) ops.embeddingBackward(dLast, this.rows, cOut, dT);
      each(ops.convBackward(table, dT, tap(w, j, cIn, cOut), this.rows, this.tableShape(), tap(dw, j, cIn, cOut), j === K - 1 ? dbias : null));
    }
    this.conv.endBackward(grads);
  }

  /** idx[tap_j(p)] for every position p: the character tap j of a K-tap conv reads there (kernels/layout.ts). */
  private tapIndices(idx: Int32Array, start: Int32Array, j: number, K: number, dilation: number): Int32Array {
    if ((this.tapIdxRoom[j]?.length ?? 0) < idx.length) this.tapIdxRoom[j] = new Int32Array(idx.length);
    const out = this.tapIdxRoom[j].subarray(0, idx.length);
    for (let p = 0; p < idx.length; p++) out[p] = idx[tapPosition(p, j, K, dilation, start)];
    return out;
  }

  // the table's V rows through one tap's weights
  private tableShape() {
    return { P: this.V, cIn: this.conv.spec.cIn, cOut: this.conv.spec.cOut, K: 1, dilation: 1 };
  }
}

/** Tap j's rows of a conv weight (K·Cin, Cout): (Cin, Cout). */
function tap(w: Float32Array, j: number, cIn: number, cOut: number): Float32Array {
  return w.subarray(j * cIn * cOut, (j + 1) * cIn * cOut);
}
