// A run saved mid-way and resumed continues exactly as the uninterrupted run (AdamW moments included).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonRandom } from '../src/rng.ts';
import type { ParamSet } from '../src/params.ts';
import { initLecture as initHierarchical, lectureSpec } from '../src/presets/lecture.ts';
import { loadCheckpoint } from '../src/io/checkpoint-file.ts';
import { treeEngine } from '../src/train/engines.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { newTrainState, train, type TrainOptions } from '../src/train/trainer.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { loadResume, saveRun } from '../src/io/run-dir.ts';
import { split, vocab } from './equivalence-helpers.ts';

const cfg = { vocabSize: vocab.size, nEmbd: 5, nHidden: 8, nLayers: 3 };
const trainWords = split.train.slice(0, 300).map((w) => vocab.encode(w));
const devWords = split.val.slice(0, 50).map((w) => vocab.encode(w));
const opts: TrainOptions = { steps: 24, batchSize: 16, optimizer: { name: 'adamw', lr: 0.01, decayAt: 0.75, weightDecay: 0.01 }, evalEvery: 8 };

function fresh() {
  const rng = new PythonRandom(9);
  const params = initHierarchical(cfg, rng);
  return { rng, params, optimizer: new Optimizer(opts.optimizer, referenceOps) };
}

describe('resume', () => {
  it('continues an AdamW run bit for bit', async () => {
    const whole = fresh();
    const expected = await train(treeEngine(whole.params, cfg, trainWords), whole.params, whole.optimizer, whole.rng, devWords, opts, newTrainState());

    const dir = mkdtempSync(join(tmpdir(), 'mm-resume-'));
    const first = fresh();
    let stopAt = 0;
    let best: ParamSet | null = null;
    await train(treeEngine(first.params, cfg, trainWords), first.params, first.optimizer, first.rng, devWords, opts, newTrainState(), {
      shouldStop: () => ++stopAt > 13, // stop after 13 steps, between evaluations
      onEval: (_, isBest) => {
        if (isBest) best = first.params.clone();
      },
      onCheckpoint: (state) => saveRun(dir, { params: first.params, best, vocab, spec: lectureSpec(cfg), settings: { cfg }, state, rng: first.rng, optimizer: first.optimizer }),
    });

    const point = loadResume(dir);
    expect(point.state.step).toBe(13);
    expect(point.state.best?.step).toBe(8);
    for (const [name, t] of best!.tensors) expect(Array.from(point.best!.get(name).data), name).toEqual(Array.from(t.data));
    expect(loadCheckpoint(join(dir, 'model.safetensors')).params.tensors).toEqual(point.best!.tensors);
    expect(point.moments.size).toBe(first.params.trainable().length);
    const rng = new PythonRandom(0);
    rng.setState(point.rngState);
    const optimizer = new Optimizer(opts.optimizer, referenceOps);
    for (const [name, m] of point.moments) optimizer.moments.set(name, m);
    const params = point.checkpoint.params;
    const resumed = await train(treeEngine(params, cfg, trainWords), params, optimizer, rng, devWords, opts, point.state);

    // history.loss is stored in float32, so the steps before the save come back rounded to it
    expect(resumed.losses.map(Math.fround)).toEqual(expected.losses.map(Math.fround));
    expect(resumed.losses.slice(13)).toEqual(expected.losses.slice(13));
    expect(resumed.evals.map((e) => e.loss)).toEqual(expected.evals.map((e) => e.loss));
    for (const [name, t] of whole.params.tensors) expect(Array.from(params.get(name).data), name).toEqual(Array.from(t.data));
    expect(readdirSync(dir).sort()).toEqual(['loss.svg', 'model.safetensors', 'resume.safetensors']); // no temporary files left behind
  });
});
