// What every section of the bench shares: the names data with the lecture's split, the lecture
// model's sizes, and parameters from one fixed seed, so that every engine starts from the same weights.

import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/commands/dataset.ts';
import type { ModelConfig, ParamSet } from '../src/params.ts';
import { initLecture, LECTURE_CONFIG, lectureSpec } from '../src/presets/lecture.ts';
import { resolveSpec, type ResolvedSpec } from '../src/spec/resolve.ts';
import { PythonRandom } from '../src/rng.ts';
import { sampleWords } from '../src/train/batches.ts';
import type { PackedBatch } from '../src/data/packed-batch.ts';

/** Words per conv step, windows per tree step: the lecture's batch of 32. */
export const BATCH = 32;
/** The conv engine's training batch (`npm start`): measured too, as `<key>@64w`. */
export const LARGE_BATCH = 64;
export const LARGE_BATCH_SUFFIX = `@${LARGE_BATCH}w`;
/** The wasm backend on one thread (`conv/wasm` runs on every core), for the thread scaling. */
export const WASM_ONE_THREAD = 'wasm-1thread';
export const SEED = 42;
/** The lecture's learning rate before its decay; the optimizer update is part of a training step. */
export const LR = 0.1;

const NAMES = fileURLToPath(new URL('../data/names.txt', import.meta.url));

export interface Fixture {
  cfg: ModelConfig;
  /** The lecture preset's spec for cfg. */
  spec: ResolvedSpec;
  train: number[][];
  val: number[][];
}

export function loadFixture(): Fixture {
  const data = loadDataset(NAMES);
  const cfg = { vocabSize: data.vocab.size, ...LECTURE_CONFIG };
  return { cfg, spec: resolveSpec(lectureSpec(cfg)), train: data.words.train, val: data.words.val };
}

export function freshParams(cfg: ModelConfig): ParamSet {
  return initLecture(cfg, new PythonRandom(SEED));
}

/** One real training batch of the conv engine: its P sets the kernels' shapes. */
export function sampleBatch(fx: Fixture): PackedBatch {
  return sampleWords(fx.train, BATCH, new PythonRandom(SEED));
}
