// What every section of the bench shares: the names data with the lecture's split, the model measured
// (the lecture preset unless --model or --spec says otherwise), and parameters from one fixed seed, so
// that every engine starts from the same weights.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveCheckpoint } from '../src/io/checkpoint-file.ts';
import { loadDataset } from '../src/commands/dataset.ts';
import type { Vocab } from '../src/data/vocab.ts';
import type { ModelConfig, ParamSet } from '../src/params.ts';
import { asLecture } from '../src/presets/lecture.ts';
import { presetSpec } from '../src/presets/registry.ts';
import { initParams } from '../src/spec/init.ts';
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

/** A preset and its option values (parsed; the rest at their defaults), or a spec file (JSON, vocabSize optional). */
export type ModelSelection = { preset: string; values: Record<string, unknown> } | { specFile: string };
export const LECTURE: ModelSelection = { preset: 'lecture', values: {} };

export interface Fixture {
  /** What is measured, as the report names it: `lecture`, `wavenet channels 96, norm layernorm`, `spec FILE`. */
  model: string;
  spec: ResolvedSpec;
  /** The lecture preset's sizes when that is the model, else null: the tree form and PyTorch's training models exist for it only. */
  lecture: ModelConfig | null;
  vocab: Vocab;
  train: number[][];
  val: number[][];
}

export function loadFixture(model: ModelSelection = LECTURE): Fixture {
  const data = loadDataset(NAMES);
  const spec = resolveSpec('preset' in model ? presetSpec(model.preset, model.values, data.vocab.size) : specFile(model.specFile, data.vocab.size));
  return { model: describeSelection(model), spec, lecture: asLecture(spec.spec), vocab: data.vocab, train: data.words.train, val: data.words.val };
}

/** The lecture preset's fixture, for the sections that compare with its tree form or PyTorch's lecture models. */
export function lectureFixture(): Fixture & { lecture: ModelConfig } {
  const fx = loadFixture(LECTURE);
  return { ...fx, lecture: fx.lecture! };
}

export function describeSelection(model: ModelSelection): string {
  if ('specFile' in model) return `spec ${model.specFile}`;
  const values = Object.entries(model.values).map(([name, value]) => `${name} ${Array.isArray(value) ? value.join(',') : value}`);
  return [model.preset, values.join(', ')].filter(Boolean).join(' ');
}

/** The spec in `file` for the data's vocabulary (which it may leave out). */
function specFile(file: string, vocabSize: number): Record<string, unknown> {
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${file}: a spec is a JSON object ({"embedding": 24, "layers": [...]})`);
  const stored = (json as Record<string, unknown>).vocabSize;
  if (stored !== undefined && stored !== vocabSize) throw new Error(`${file}: vocabSize ${JSON.stringify(stored)}, but the names have ${vocabSize} characters ('.' included): leave vocabSize out`);
  return { ...json, vocabSize };
}

/** Trained parameters (BatchNorm's running statistics, buffers, left out). */
export function parameterCount(spec: ResolvedSpec): number {
  return spec.tensors.reduce((n, t) => n + (t.buffer ? 0 : t.shape.reduce((a, b) => a * b, 1)), 0);
}

export function freshParams(spec: ResolvedSpec): ParamSet {
  return initParams(spec, new PythonRandom(SEED));
}

/** `body` given a checkpoint file of the fixture's fresh parameters (PyTorch starts from it), removed afterwards (once a promise `body` returns settles). */
export function withInitialCheckpoint<T>(fx: Fixture, body: (file: string) => T): T {
  const dir = mkdtempSync(join(os.tmpdir(), 'makemore-bench-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  let result: T;
  try {
    const file = join(dir, 'initial.safetensors');
    saveCheckpoint(file, { params: freshParams(fx.spec), vocab: fx.vocab, spec: fx.spec.spec });
    result = body(file);
  } catch (e) {
    remove();
    throw e;
  }
  if (result instanceof Promise) return result.finally(remove) as T;
  remove();
  return result;
}

/** One real training batch of the conv engine: its P sets the kernels' shapes. */
export function sampleBatch(fx: Fixture): PackedBatch {
  return sampleWords(fx.train, BATCH, new PythonRandom(SEED));
}
