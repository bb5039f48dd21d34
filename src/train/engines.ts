// The two ways to train one parameter set: the conv engine over whole words, and the tree form
// with the lecture's protocol (random windows). Both expose the same step/evaluate pair.

import { passBytesPerPosition } from '../spec/cost.ts';
import type { ResolvedSpec } from '../spec/resolve.ts';
import type { PythonRandom } from '../rng.ts';
import { blockSize, type Grads, type ModelConfig, type ParamSet } from '../params.ts';
import type { ConvOps } from '../engine/ops.ts';
import { ConvModel } from '../models/conv.ts';
import { TreeModel } from '../models/tree.ts';
import { buildWindows } from '../data/windows.ts';
import { chunkWords, sampleWindows, sampleWords } from './batches.ts';
import { MAX_POSITIONS } from '../../kernels/spec.ts';

export type EngineName = 'conv' | 'tree';

/** A mean loss and how many targets it is over. */
export interface LossResult {
  /** Mean cross-entropy over the targets. */
  loss: number;
  targets: number;
}

/** One way to train a parameter set: a minibatch step, and evaluation over whole words. */
export interface Engine {
  readonly name: EngineName;
  /** One minibatch: forward, backward into `grads`. */
  step(rng: PythonRandom, batchSize: number, grads: Grads): LossResult;
  /** Eval-mode mean loss over every target of `words`. */
  evaluate(words: number[][]): LossResult;
  /** Zeroed gradient buffers for `step`, where the engine's ops read them in place. */
  newGrads(): Grads;
  /** Zeroes `grads` (from newGrads) before a step, whose backward adds into them. */
  clearGrads(grads: Grads): void;
}

/** How an engine trains, beyond its batches. */
export interface EngineTraining {
  /** Label smoothing of the training loss (step's loss and gradient); evaluation stays plain cross-entropy. */
  labelSmoothing?: number;
}

const EVAL_CHUNK_WORDS = 512;
/**
 * …and of at most this many bytes of results: an evaluation batch keeps every layer's output, and a
 * whole 512-word batch of a wide model made the evaluation the run's peak memory (the WaveNet
 * recipe: 46 MiB a pass) for no gain in speed.
 */
const EVAL_PASS_BYTES = 16 << 20;
/** The tree form holds every window's own nodes, so its memory per window grows with the block size. */
const EVAL_CHUNK_WINDOW_CHARS = 4096 * 8;

/**
 * The conv form on `ops`, trained on random minibatches of whole words from `trainWords`. The
 * parameters move into the ops' memory (their values unchanged), where the ops read them in place.
 */
export function convEngine(params: ParamSet, spec: ResolvedSpec, ops: ConvOps, trainWords: number[][], training: EngineTraining = {}): Engine {
  const labelSmoothing = training.labelSmoothing ?? 0;
  params.moveTo(ops.allocate);
  const model = new ConvModel(params, spec, ops);
  // dropout's masks are seeded from the run's generator, so that a resumed run repeats them
  const { dropout } = spec;
  // an evaluation batch's forward pass must fit the backend's arena (the wasm backend's 1 GiB)
  const evalPositions = Math.min(MAX_POSITIONS, Math.floor(Math.min(ops.limits.passBytes, EVAL_PASS_BYTES) / passBytesPerPosition(spec, 'eval')));
  return {
    name: 'conv',
    newGrads: () => params.zeroGrads(ops.allocate),
    clearGrads: (grads) => ops.zero([...grads.values()].map((g) => g.data)),
    step(rng, batchSize, grads) {
      const batch = sampleWords(trainWords, batchSize, rng);
      const seed = dropout ? rng.randbelow(2 ** 31) : undefined;
      return { loss: model.lossAndGrad(batch, 'train', grads, { seed, labelSmoothing }), targets: batch.positions };
    },
    evaluate(words) {
      let total = 0;
      let targets = 0;
      for (const batch of chunkWords(words, EVAL_CHUNK_WORDS, evalPositions)) {
        total += model.loss(batch, 'eval') * batch.positions;
        targets += batch.positions;
      }
      return { loss: total / targets, targets };
    },
  };
}

/** The tree form, trained as the lecture: random minibatches of windows from `trainWords`. */
export function treeEngine(params: ParamSet, cfg: ModelConfig, trainWords: number[][], training: EngineTraining = {}): Engine {
  const labelSmoothing = training.labelSmoothing ?? 0;
  const model = TreeModel.hierarchical(params, cfg);
  const train = buildWindows(trainWords, blockSize(cfg));
  return {
    name: 'tree',
    newGrads: () => params.zeroGrads(),
    clearGrads: (grads) => {
      for (const g of grads.values()) g.data.fill(0);
    },
    step(rng, batchSize, grads) {
      const { x, y } = sampleWindows(train, batchSize, rng);
      return { loss: model.lossAndGrad(x, y, 'train', grads, labelSmoothing).loss, targets: batchSize };
    },
    evaluate(words) {
      const all = buildWindows(words, blockSize(cfg));
      const B = all.blockSize;
      const chunk = Math.max(1, Math.floor(EVAL_CHUNK_WINDOW_CHARS / B));
      let total = 0;
      for (let i = 0; i < all.count; i += chunk) {
        const end = Math.min(all.count, i + chunk);
        total += model.loss(all.x.subarray(i * B, end * B), all.y.subarray(i, end), 'eval') * (end - i);
      }
      return { loss: total / all.count, targets: all.count };
    },
  };
}
