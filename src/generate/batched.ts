// Batched cached generation: up to B names in flight, one row each, every layer's step for all rows
// in one call of the model's ops (models/step.ts). Layer k keeps, per row, a ring of its last 2^k
// inputs (Fast WaveNet's queue); a row whose name ends takes the next candidate at once, so a long
// run streams names as they finish. Rings start full of each layer's all-'.' input — the value
// every position before a word has (kernels/layout.ts) — so a name's first character sees exactly
// the lecture's '.'-padded context. With no candidate left to start, the last row moves into the
// finished one's place: the rows in flight are always 0 … A−1, and a step costs A rows.

import { PythonRandom } from '../rng.ts';
import type { StepModel } from '../models/step.ts';
import type { Candidate, CandidateSource, NameSpec } from './candidates.ts';
import { seedName } from './name-random.ts';
import { sampleNext } from './sampling.ts';

interface Row {
  index: number;
  rng: PythonRandom;
  chars: number[];
}

/**
 * Cached (Fast WaveNet) generation of many names at once over a model's ops: name i draws from its
 * own random stream (seed, i), so the names do not depend on how many are in flight.
 */
export class BatchedGenerator implements CandidateSource {
  /** rings[k] (B, dilation_k, width_k): row r's input `t` characters in sits at slot t mod dilation_k. */
  private readonly rings: Float32Array[];
  /** pairs[k] (B, 2·width_k): [earlier | now], the layer's input, where the model's ops read it. */
  private readonly pairs: Float32Array[];
  /** dots[k] (width_k): layer k's input over an all-'.' receptive field. */
  private readonly dots: Float32Array[];
  private readonly inputs: Int32Array;
  private readonly rows: Row[];
  private active = 0;

  constructor(
    private readonly model: StepModel,
    private readonly spec: NameSpec,
    /** Names in flight at once. */
    readonly batch: number,
  ) {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
    this.rings = model.layers.map((l) => new Float32Array(batch * l.dilation * l.width));
    this.pairs = model.layers.map((l) => model.allocate(batch * 2 * l.width));
    this.inputs = new Int32Array(batch);
    this.rows = Array.from({ length: batch }, () => ({ index: -1, rng: new PythonRandom(), chars: [] }));
    this.dots = this.dotInputs();
  }

  // embed('.') and every layer over a pair of all-'.' inputs, as one row
  private dotInputs(): Float32Array[] {
    const { model } = this;
    model.begin();
    let x = model.embed(new Int32Array(1)).slice();
    const dots = [x];
    for (let k = 0; k < model.layers.length - 1; k++) {
      const pair = this.pairs[k];
      pair.set(x, 0);
      pair.set(x, x.length);
      x = model.step(k, pair.subarray(0, 2 * x.length), 1).slice();
      dots.push(x);
    }
    return dots;
  }

  draw(next: () => number | null, done: (candidate: Candidate) => void): void {
    this.active = 0;
    while (this.active < this.batch) {
      const index = next();
      if (index === null) break;
      this.start(this.active++, index);
    }
    while (this.active > 0) {
      const logits = this.forward();
      const V = logits.length / this.active;
      // backwards, so that a row moved into a finished one's place has had its draw this step
      for (let r = this.active - 1; r >= 0; r--) {
        if (!this.advance(r, logits.subarray(r * V, (r + 1) * V))) continue;
        const row = this.rows[r];
        done({ index: row.index, chars: row.chars });
        const index = next();
        if (index !== null) this.start(r, index);
        else this.retire(r);
      }
    }
  }

  private start(r: number, index: number): void {
    const row = this.rows[r];
    row.index = index;
    row.chars = [];
    seedName(row.rng, this.spec.seed, index);
    this.model.layers.forEach((l, k) => {
      for (let t = 0; t < l.dilation; t++) this.rings[k].set(this.dots[k], (r * l.dilation + t) * l.width);
    });
  }

  // the last row in flight takes finished row r's place
  private retire(r: number): void {
    const last = --this.active;
    if (r === last) return;
    [this.rows[r], this.rows[last]] = [this.rows[last], this.rows[r]];
    this.model.layers.forEach((l, k) => {
      const size = l.dilation * l.width;
      this.rings[k].copyWithin(r * size, last * size, (last + 1) * size);
    });
  }

  // every row in flight fed its last character (or '.' at the start) → logits (A, V)
  private forward(): Float32Array {
    const { model, active: A } = this;
    for (let r = 0; r < A; r++) {
      const chars = this.rows[r].chars;
      this.inputs[r] = chars.length === 0 ? 0 : chars[chars.length - 1];
    }
    model.begin();
    let x = model.embed(this.inputs.subarray(0, A));
    model.layers.forEach((l, k) => {
      const { width: w, dilation: d } = l;
      const ring = this.rings[k];
      const pair = this.pairs[k];
      for (let r = 0; r < A; r++) {
        const slot = (r * d + (this.rows[r].chars.length % d)) * w;
        const now = x.subarray(r * w, (r + 1) * w);
        pair.set(ring.subarray(slot, slot + w), 2 * r * w);
        pair.set(now, (2 * r + 1) * w);
        ring.set(now, slot);
      }
      x = model.step(k, pair.subarray(0, 2 * A * w), A);
    });
    return model.head(x, A);
  }

  /** Row r's next character, forced by the prefix or drawn from its logits (V); true when its name is finished. */
  private advance(r: number, logits: Float32Array): boolean {
    const { chars, rng } = this.rows[r];
    const { prefix, sampling, maxChars } = this.spec;
    let next = prefix[chars.length];
    if (next === undefined) {
      next = sampleNext(logits, rng, sampling);
      if (next === 0) return true;
    }
    chars.push(next);
    return chars.length >= maxChars;
  }
}
