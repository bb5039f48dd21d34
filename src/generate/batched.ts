// Batched cached generation: up to B names in flight, one row of the model's step form each
// (models/step.ts), every layer's step for all rows in one call of the ops. A row whose name ends
// takes the next candidate at once, so a long run streams names as they finish. With no candidate
// left to start, the last row moves into the finished one's place: the rows in flight are always
// 0 … A−1, and a step costs A rows.

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
 * Cached (Fast WaveNet) generation of many names at once: name i draws from its own random stream
 * (seed, i), so the names do not depend on how many are in flight.
 */
export class BatchedGenerator implements CandidateSource {
  private readonly inputs: Int32Array;
  private readonly positions: Int32Array;
  private readonly rows: Row[];
  private active = 0;

  constructor(
    private readonly model: StepModel,
    private readonly spec: NameSpec,
  ) {
    this.inputs = new Int32Array(model.rows);
    this.positions = new Int32Array(model.rows);
    this.rows = Array.from({ length: model.rows }, () => ({ index: -1, rng: new PythonRandom(), chars: [] }));
  }

  draw(next: () => number | null, done: (candidate: Candidate) => void): void {
    this.active = 0;
    while (this.active < this.model.rows) {
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
    this.model.start(r);
  }

  // the last row in flight takes finished row r's place
  private retire(r: number): void {
    const last = --this.active;
    if (r === last) return;
    [this.rows[r], this.rows[last]] = [this.rows[last], this.rows[r]];
    this.model.move(last, r);
  }

  // every row in flight fed its last character (or '.' at the start) → logits (A, V)
  private forward(): Float32Array {
    const A = this.active;
    for (let r = 0; r < A; r++) {
      const chars = this.rows[r].chars;
      this.inputs[r] = chars.length === 0 ? 0 : chars[chars.length - 1];
      this.positions[r] = chars.length;
    }
    return this.model.step(this.inputs.subarray(0, A), this.positions.subarray(0, A));
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
