// A training run's directory:
//   resume.safetensors  the run's commit point: everything to continue it exactly — the latest
//                       parameters, optimizer moments (`optimizer.m.*`, `optimizer.v.*`), the
//                       per-step loss (`history.loss`), the best model so far (`best.*`), the
//                       weight average's sums with --ema (`ema.*`, uncorrected), and in the
//                       metadata the run's settings, step, evaluations and generator state
//   model.safetensors   the best model by dev loss (a plain checkpoint: tensors + vocab + config),
//                       exported from resume.safetensors after each commit and again on --resume, so
//                       a failure between the two leaves the previous best of the same run, never a
//                       model that resume.safetensors does not know
//   loss.svg            training loss averaged over blocks of steps, with the dev loss
//   train.lock          while a `train` writes here (run-lock.ts)
// Every file is replaced atomically.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { tensor, type Tensor } from '../tensor.ts';
import type { ParamSet } from '../params.ts';
import type { Vocab } from '../data/vocab.ts';
import type { PythonRandom } from '../rng.ts';
import type { ModelSpec } from '../spec/types.ts';
import type { Optimizer } from '../train/optimizer.ts';
import type { WeightAverage } from '../train/ema.ts';
import type { TrainState } from '../train/trainer.ts';
import { decodeSafetensors, encodeSafetensors, type Safetensors } from './safetensors.ts';
import { checkpointFromSafetensors, checkpointToSafetensors, type LoadedCheckpoint } from './checkpoint.ts';
import { readCheckpointFile, saveCheckpoint } from './checkpoint-file.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { lossChart } from '../plot/loss-chart.ts';
import { CHECKSUM_KEY, hasTensorChecksums, tensorChecksums, verifyTensorChecksums } from './tensor-checksum.ts';

export const MODEL_FILE = 'model.safetensors';
export const RESUME_FILE = 'resume.safetensors';
export const LOSS_PLOT_FILE = 'loss.svg';

const MOMENT_PREFIXES = ['optimizer.m.', 'optimizer.v.'] as const;
const BEST_PREFIX = 'best.';
const EMA_PREFIX = 'ema.';
const HISTORY = 'history.loss';

export interface RunSnapshot {
  params: ParamSet;
  best: ParamSet | null; // the parameters at the best evaluation so far; null before the first
  vocab: Vocab;
  spec: ModelSpec;
  settings: Record<string, unknown>; // the run's options, compared on resume; also model.safetensors' config
  state: TrainState;
  rng: PythonRandom;
  optimizer: Optimizer;
  /** --ema's average (its sums are stored as `ema.*`). */
  ema?: WeightAverage | null;
}

/** Commits the run: resume.safetensors first (it holds the best model too), then the exports derived from it. */
export function saveRun(dir: string, snap: RunSnapshot): void {
  const { losses: _inHistoryTensor, ...state } = snap.state;
  const trainState = { ...state, rng: snap.rng.getState() };
  const model = checkpointToSafetensors({ params: snap.params, vocab: snap.vocab, spec: snap.spec, config: snap.settings, trainState });
  const tensors = new Map(model.tensors);
  for (const [name, { m, v }] of snap.optimizer.moments) {
    tensors.set(`optimizer.m.${name}`, tensor([m.length], m));
    tensors.set(`optimizer.v.${name}`, tensor([v.length], v));
  }
  for (const [name, t] of snap.best?.tensors ?? []) tensors.set(BEST_PREFIX + name, t);
  for (const [name, sum] of snap.ema?.sums ?? []) tensors.set(EMA_PREFIX + name, tensor([sum.length], sum));
  tensors.set(HISTORY, tensor([snap.state.losses.length], snap.state.losses));
  writeFileAtomic(join(dir, RESUME_FILE), encodeSafetensors(tensors, { ...model.metadata, ...tensorChecksums(tensors) }));
  if (snap.best) exportModel(dir, snap.best, snap.vocab, snap.spec, snap.settings);
  saveLossPlot(dir, snap.state);
}

/** model.safetensors from the run's best parameters. */
export function exportModel(dir: string, best: ParamSet, vocab: Vocab, spec: ModelSpec, settings: Record<string, unknown>): void {
  saveCheckpoint(join(dir, MODEL_FILE), { params: best, vocab, spec, config: settings });
}

export interface ResumePoint {
  checkpoint: LoadedCheckpoint; // the latest parameters, and the settings (in checkpoint.config)
  best: ParamSet | null;
  state: TrainState;
  rngState: ReturnType<PythonRandom['getState']>;
  moments: Map<string, { m: Float32Array; v: Float32Array }>;
  /** The weight average's sums by parameter name (--ema); empty without. */
  ema: Map<string, Float32Array>;
  /** Whether the file recorded its tensors' checksums (and so was verified); an older release's did not. */
  verified: boolean;
}

export function loadResume(dir: string): ResumePoint {
  const file = join(dir, RESUME_FILE);
  if (!existsSync(file)) throw new InputError(file, 'no such file: nothing to resume (train without --resume to start a run)');
  return resumeFromSafetensors(decodeSafetensors(readCheckpointFile(file), file), file);
}

/** Whether decoded safetensors are a resume file (rather than a plain checkpoint). */
export function isResumeFile(contents: Safetensors): boolean {
  return contents.metadata.train_state !== undefined && contents.tensors.has(HISTORY);
}

export function resumeFromSafetensors({ tensors, metadata }: Safetensors, file: string): ResumePoint {
  verifyTensorChecksums(tensors, metadata, file); // all of them: the moments, history and best.* too
  const model = new Map<string, Tensor>();
  const best = new Map<string, Tensor>();
  const extra = new Map<string, Tensor>();
  const ema = new Map<string, Float32Array>();
  for (const [name, t] of tensors) {
    if (name.startsWith(BEST_PREFIX)) best.set(name.slice(BEST_PREFIX.length), t);
    else if (name.startsWith(EMA_PREFIX)) ema.set(name.slice(EMA_PREFIX.length), t.data);
    else if (name === HISTORY || MOMENT_PREFIXES.some((p) => name.startsWith(p))) extra.set(name, t);
    else model.set(name, t);
  }
  const checkpoint = checkpointFromSafetensors({ tensors: model, metadata }, file);
  if (checkpoint.trainState === undefined) throw new InputError(file, "no 'train_state' in the metadata: not a resume file");
  const { rng, ...rest } = checkpoint.trainState as Omit<TrainState, 'losses'> & { rng: ResumePoint['rngState'] };
  const history = extra.get(HISTORY);
  if (!history) throw new InputError(file, `missing tensor ${HISTORY}`);
  const state: TrainState = { ...rest, losses: Array.from(history.data) };
  if (state.losses.length !== state.step) throw new InputError(file, `${HISTORY} holds ${state.losses.length} steps but the run state says ${state.step}`);
  if (state.best !== null && best.size === 0) throw new InputError(file, `no ${BEST_PREFIX}* tensors: the best model (step ${state.best.step}) is missing`);
  const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const [name] of checkpoint.params.trainable()) {
    const [m, v] = MOMENT_PREFIXES.map((p) => extra.get(p + name));
    if (m && v) moments.set(name, { m: m.data, v: v.data });
  }
  // best.* were verified with the rest above, under their prefixed names
  const { train_state: _, [CHECKSUM_KEY]: __, ...modelMetadata } = metadata;
  const bestParams = best.size > 0 ? checkpointFromSafetensors({ tensors: best, metadata: modelMetadata }, `${file} (${BEST_PREFIX}*)`).params : null;
  return { checkpoint, best: bestParams, state, rngState: rng, moments, ema, verified: hasTensorChecksums(metadata) };
}

/** The lecture's loss picture (src/plot/loss-chart.ts) as loss.svg. */
function saveLossPlot(dir: string, state: TrainState): void {
  const svg = lossChart(state.losses, state.evals);
  writeFileAtomic(join(dir, LOSS_PLOT_FILE), new TextEncoder().encode(svg));
}
