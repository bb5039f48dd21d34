// Training and forward-only throughput of one engine, in targets per second. A training step is
// what the trainer runs: zero the gradients, forward and backward one batch, then the SGD update.

import { PythonRandom } from '../src/rng.ts';
import { zeroGrads, type ModelConfig, type ParamSet } from '../src/params.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import type { ConvOps } from '../src/engine/ops.ts';
import { convEngine, treeEngine, type Engine } from '../src/train/engines.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { measureRate, type Budget, type Rate } from './measure.ts';
import { BATCH, LR, SEED } from './setup.ts';

export interface EngineUnderTest {
  engine: Engine;
  params: ParamSet;
  /** What runs the optimizer updates (the conv engine's ops; the reference for the tree form). */
  ops: ConvOps;
}

export function convUnderTest(params: ParamSet, cfg: ModelConfig, ops: ConvOps, train: number[][]): EngineUnderTest {
  return { engine: convEngine(params, cfg, ops, train), params, ops };
}

/** The tree form is plain TypeScript; its updates run on the reference ops, as `train --engine tree` does. */
export function treeUnderTest(params: ParamSet, cfg: ModelConfig, train: number[][]): EngineUnderTest {
  return { engine: treeEngine(params, cfg, train), params, ops: referenceOps };
}

export async function trainRate({ engine, params, ops }: EngineUnderTest, budget: Budget): Promise<Rate> {
  const rng = new PythonRandom(SEED);
  const grads = params.zeroGrads();
  const optimizer = new Optimizer({ name: 'sgd', lr: LR, decayAt: 1, weightDecay: 0 }, ops);
  let step = 0;
  return measureRate(async () => {
    zeroGrads(grads);
    const { targets } = await engine.step(rng, BATCH, grads);
    await optimizer.step(params, grads, LR, step++);
    return targets;
  }, budget);
}

/** Eval-mode loss over `words`: every target once, no backward. */
export async function forwardRate({ engine }: EngineUnderTest, words: number[][], budget: Budget): Promise<Rate> {
  return measureRate(async () => (await engine.evaluate(words)).targets, budget);
}
