// Training and forward-only throughput of one engine, in targets per second. A training step is
// what the trainer runs: zero the gradients, forward and backward one batch, then the SGD update.

import { PythonRandom } from '../src/rng.ts';
import type { ModelConfig, ParamSet } from '../src/params.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import type { ResolvedSpec } from '../src/spec/resolve.ts';
import type { ConvOps } from '../src/engine/ops.ts';
import { convEngine, treeEngine, type Engine } from '../src/train/engines.ts';
import { Optimizer, type OptimizerConfig } from '../src/train/optimizer.ts';
import { measureRate, type Budget, type Rate } from './measure.ts';
import { BATCH, LR, SEED } from './setup.ts';
import { profileSteps } from './op-profile.ts';

export interface EngineUnderTest {
  engine: Engine;
  params: ParamSet;
  /** What runs the optimizer updates (the conv engine's ops; the reference for the tree form). */
  ops: ConvOps;
}

export function convUnderTest(params: ParamSet, spec: ResolvedSpec, ops: ConvOps, train: number[][]): EngineUnderTest {
  return { engine: convEngine(params, spec, ops, train), params, ops };
}

/** The tree form is plain TypeScript; its updates run on the reference ops, as `train --engine tree` does. */
export function treeUnderTest(params: ParamSet, cfg: ModelConfig, train: number[][]): EngineUnderTest {
  return { engine: treeEngine(params, cfg, train), params, ops: referenceOps };
}

/** The lecture's SGD at its first learning rate: the optimizer of the bench's training sections. */
export const LECTURE_SGD: OptimizerConfig = { name: 'sgd', lr: LR, decayAt: 1, weightDecay: 0 };

/** One training step of `batch` words (windows), as the trainer runs it (at `cfg`'s first learning rate); returns the targets it trained on. */
function stepper({ engine, params, ops }: EngineUnderTest, batch: number, cfg: OptimizerConfig): () => number {
  const rng = new PythonRandom(SEED);
  const grads = engine.newGrads();
  const optimizer = new Optimizer(cfg, ops);
  let step = 0;
  return () => {
    engine.clearGrads(grads);
    const { targets } = engine.step(rng, batch, grads);
    optimizer.step(params, grads, cfg.lr, step++);
    return targets;
  };
}

export async function trainRate(under: EngineUnderTest, budget: Budget, batch = BATCH, cfg = LECTURE_SGD): Promise<Rate> {
  return measureRate(stepper(under, batch, cfg), budget);
}

/** ms per training step by op (op-profile.ts); `under` must run on ops timed into `ms`. */
export function stepProfile(under: EngineUnderTest, ms: Map<string, number>, steps: number, batch = BATCH, cfg = LECTURE_SGD): Record<string, number> {
  const step = stepper(under, batch, cfg);
  return profileSteps(() => void step(), ms, Math.min(20, steps), steps);
}

/** Eval-mode loss over `words`: every target once, no backward. */
export async function forwardRate({ engine }: EngineUnderTest, words: number[][], budget: Budget): Promise<Rate> {
  return measureRate(async () => (await engine.evaluate(words)).targets, budget);
}
