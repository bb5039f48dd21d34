// A time-budgeted run (train --minutes): it stops once its wall time reaches the budget, evaluating
// at the step it stops at, and its learning rate decays at 75% of the time instead of the steps.
import { expect, it } from 'vitest';
import { PythonRandom } from '../src/rng.ts';
import { train, newTrainState } from '../src/train/trainer.ts';
import { Optimizer, type OptimizerConfig } from '../src/train/optimizer.ts';
import { convEngine } from '../src/train/engines.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { randomModel, split, vocab } from './equivalence-helpers.ts';

it('stops at the time budget with a dev evaluation there, the lr decaying at 75% of the time', async () => {
  const { params, spec } = randomModel(2, 5, { nEmbd: 3, nHidden: 4 });
  const words = split.train.slice(0, 200).map((w) => vocab.encode(w));
  const optimizer: OptimizerConfig = { name: 'sgd', lr: 0.1, decayAt: 0.75, weightDecay: 0 };
  const rates: number[] = [];
  const times: number[] = [];
  const started = performance.now();
  const state = await train(convEngine(params, spec, referenceOps, words), params, new Optimizer(optimizer, referenceOps), new PythonRandom(1), words.slice(0, 20), { steps: 1e9, batchSize: 4, optimizer, evalEvery: 1e9, maxSeconds: 0.5 }, newTrainState(), {
    onStep: (s) => {
      rates.push(s.lr);
      times.push((performance.now() - started) / 1000);
    },
  });
  expect(state.step).toBeGreaterThan(10);
  expect(state.step).toBeLessThan(1e9);
  expect(state.seconds).toBeGreaterThanOrEqual(0.5);
  expect(state.evals).toEqual([{ step: state.step, loss: state.best!.loss }]);
  const decayed = rates.findIndex((lr) => lr < 0.1);
  expect(rates.slice(decayed).every((lr) => Math.abs(lr - 0.01) < 1e-12)).toBe(true);
  expect(times[decayed]).toBeGreaterThanOrEqual(0.375); // 75% of the budget
  expect(times[decayed - 1]).toBeLessThan(0.375 + 0.05);
});
