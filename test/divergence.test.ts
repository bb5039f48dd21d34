// A diverging run stops at once, from the first steps, and never makes a diverged state its best;
// a run stopped before its first evaluation is evaluated then, so it has a best model to save.
import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../src/rng.ts';
import { initLecture as initHierarchical, LECTURE_CONFIG } from '../src/presets/lecture.ts';
import { newTrainState, train, type EvalPoint, type TrainOptions } from '../src/train/trainer.ts';
import { DivergenceError, DivergenceWatch, NonFiniteLossError } from '../src/train/divergence.ts';
import { Optimizer, type OptimizerConfig } from '../src/train/optimizer.ts';
import { treeEngine } from '../src/train/engines.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { split, vocab } from './equivalence-helpers.ts';

const trainWords = split.train.slice(0, 400).map((w) => vocab.encode(w));
const devWords = split.val.slice(0, 40).map((w) => vocab.encode(w));

/** The lecture's model trained on the tree engine; what the hooks saw. */
async function run(optimizer: OptimizerConfig, opts: Partial<TrainOptions> = {}, stopAfter = Infinity) {
  const cfg = { vocabSize: vocab.size, ...LECTURE_CONFIG };
  const rng = new PythonRandom(42);
  const params = initHierarchical(cfg, rng);
  const state = newTrainState();
  const evals: { point: EvalPoint; isBest: boolean }[] = [];
  const checkpoints: (EvalPoint | null)[] = [];
  let error: unknown;
  try {
    await train(treeEngine(params, cfg, trainWords), params, new Optimizer(optimizer, referenceOps), rng, devWords, { steps: 60, batchSize: 32, optimizer, evalEvery: 30, ...opts }, state, {
      onEval: (point, isBest) => evals.push({ point, isBest }),
      onCheckpoint: (s) => checkpoints.push(s.best),
      shouldStop: () => state.step >= stopAfter,
    });
  } catch (e) {
    error = e;
  }
  return { state, evals, checkpoints, error };
}

const ADAMW = { name: 'adamw', lr: 0.003, decayAt: 0.75, weightDecay: 0.01 } as const;

describe('a diverging run', () => {
  it('AdamW at lr 1 (the lecture model) stops within its first steps, before any evaluation or save', async () => {
    const { state, evals, checkpoints, error } = await run({ ...ADAMW, lr: 1 });
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as DivergenceError).message).toMatch(/^training loss diverged at step \d: its moving average \d+\.\d{4} is over 2× its lowest, 3\.\d{4}; stopped/);
    expect(state.step).toBeLessThan(10);
    expect(evals).toEqual([]);
    expect(checkpoints).toEqual([]);
  });

  it('SGD at lr 1e9 stops at its second step, whatever the loss became', async () => {
    const { state, error } = await run({ name: 'sgd', lr: 1e9, decayAt: 0.75, weightDecay: 0 });
    expect(error).toBeInstanceOf(DivergenceError);
    expect(state.step).toBe(1);
  });

  it('trains on, losses far above the start, when the check is turned off (--divergence-factor 0)', async () => {
    const { state, error } = await run({ ...ADAMW, lr: 1 }, { divergenceFactor: 0 });
    expect(error).toBeUndefined();
    expect(state.step).toBe(60);
    expect(Math.max(...state.losses)).toBeGreaterThan(10);
  });

  it('a healthy run at the default rate is left alone', async () => {
    const { state, error, evals } = await run(ADAMW);
    expect(error).toBeUndefined();
    expect(state.step).toBe(60);
    expect(evals.map((e) => e.point.step)).toEqual([30, 60]);
  });
});

describe('DivergenceWatch', () => {
  it('takes the noise of small batches: single hard steps are not a divergence', () => {
    const watch = new DivergenceWatch(2);
    const losses = Array.from({ length: 500 }, (_, i) => 3.3 - Math.min(1.3, i / 100) + (i % 7 === 0 ? 2.5 : 0));
    losses.forEach((loss, i) => watch.step(i + 1, loss));
  });

  it("resumes where it was: a loss far above the history's lowest stops the resumed run", () => {
    const history = Array.from({ length: 200 }, (_, i) => 3.3 - i / 200);
    const watch = new DivergenceWatch(2, history);
    expect(() => {
      for (let step = 201; step < 210; step++) watch.step(step, 50);
    }).toThrow(/training loss diverged at step 20\d/);
  });

  it('refuses a dev loss far above the first training loss, and a non-finite one', () => {
    const watch = new DivergenceWatch(2);
    watch.step(1, 3.3);
    watch.dev(1, 6.5);
    expect(() => watch.dev(1, 6.7)).toThrow(/dev loss diverged at step 1: 6\.7000 is over 2× the first training loss, 3\.3000/);
    expect(() => watch.dev(1, NaN)).toThrow(NonFiniteLossError);
    expect(() => watch.step(2, Infinity)).toThrow(/training loss became Infinity at step 2/);
  });
});

describe('a run stopped before its first evaluation', () => {
  it('is evaluated once, and its checkpoint has a best model', async () => {
    const { state, evals, checkpoints, error } = await run(ADAMW, {}, 5);
    expect(error).toBeUndefined();
    expect(state.step).toBe(5);
    expect(evals).toEqual([{ point: { step: 5, loss: expect.any(Number) }, isBest: true }]);
    expect(checkpoints).toEqual([{ step: 5, loss: evals[0].point.loss }]);
  });

  it('after an evaluation, stops without another', async () => {
    const { evals, checkpoints } = await run(ADAMW, {}, 35);
    expect(evals.map((e) => e.point.step)).toEqual([30]);
    expect(checkpoints.map((best) => best?.step)).toEqual([30, 30]);
  });
});
