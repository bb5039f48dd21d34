// A few training steps on every backend's ops give the losses the reference ops give: the whole
// loop (minibatches of whole words, forward, backward, AdamW, BatchNorm's running buffers) with each
// step's parameters coming out of the previous step's updates on that backend.

import { expect, it } from 'vitest';
import { describeBackends, maxRelError } from './kernels-harness.ts';
import { randomModel, split, vocab } from './equivalence-helpers.ts';
import { PythonRandom } from '../src/rng.ts';
import { convEngine } from '../src/train/engines.ts';
import { Optimizer, type OptimizerConfig } from '../src/train/optimizer.ts';
import { newTrainState, train } from '../src/train/trainer.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import type { ConvOps } from '../src/engine/ops.ts';

const STEPS = 8;
const LOSS_TOL = 1e-4; // relative, per step: float32 kernels against the reference's float64 sums
// relative to each tensor's scale, after STEPS updates: AdamW divides each gradient by its own running
// scale, so an element whose gradient is near zero moves by up to lr a step, in a direction that float32
// rounding decides (measured: at most 1.0e-3, gpu.js webasm's conv.2.weight)
const PARAM_TOL = 5e-3;
const OPTIMIZER: OptimizerConfig = { name: 'adamw', lr: 0.01, decayAt: 0.75, weightDecay: 0.01 };
const words = split.train.slice(0, 400).map((w) => vocab.encode(w));
const devWords = split.val.slice(0, 40).map((w) => vocab.encode(w));

async function run(ops: ConvOps) {
  // the lecture's sizes, so that the optimizer runs over its 32,768-element conv weights
  const { params, spec } = randomModel(3, 21, { nEmbd: 24, nHidden: 128 });
  const engine = convEngine(params, spec, ops, words);
  const state = await train(engine, params, new Optimizer(OPTIMIZER, ops), new PythonRandom(5), devWords, { steps: STEPS, batchSize: 12, optimizer: OPTIMIZER, evalEvery: STEPS }, newTrainState());
  return { params, state };
}

describeBackends('training steps on each backend', (ops) => {
  it(`${STEPS} AdamW steps: every step's loss, the dev loss and the parameters match the reference ops`, async () => {
    const want = await run(referenceOps);
    const got = await run(ops());
    expect(got.state.losses.length).toBe(STEPS);
    got.state.losses.forEach((loss, i) => expect(Math.abs(loss - want.state.losses[i]) / want.state.losses[i], `step ${i + 1}: ${loss} vs ${want.state.losses[i]}`).toBeLessThanOrEqual(LOSS_TOL));
    expect(want.state.losses[STEPS - 1]).toBeLessThan(want.state.losses[0]);
    expect(Math.abs(got.state.evals[0].loss - want.state.evals[0].loss)).toBeLessThanOrEqual(LOSS_TOL * want.state.evals[0].loss);
    for (const [name, t] of want.params.tensors) expect(maxRelError(got.params.get(name).data, t.data), name).toBeLessThanOrEqual(PARAM_TOL);
  });
});
