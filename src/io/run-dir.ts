// A training run's directory:
//   model.safetensors   the best model so far by dev loss (a plain checkpoint: tensors + vocab + config)
//   resume.safetensors  everything to continue the run exactly: the latest parameters, optimizer
//                       moments (`optimizer.m.*`, `optimizer.v.*`), the per-step loss (`history.loss`),
//                       and in the metadata the run's settings, step, evaluations and generator state
//   loss.svg            training loss averaged over blocks of steps, with the dev loss
// Every file is replaced atomically.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { tensor, type Tensor } from '../tensor.ts';
import type { ParamSet } from '../params.ts';
import type { Vocab } from '../data/vocab.ts';
import type { PythonRandom } from '../rng.ts';
import type { Optimizer } from '../train/optimizer.ts';
import type { TrainState } from '../train/trainer.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
import { checkpointFromSafetensors, checkpointToSafetensors, type LoadedCheckpoint } from './checkpoint.ts';
import { saveCheckpoint } from './checkpoint-file.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { lossChart } from '../plot/loss-chart.ts';

export const MODEL_FILE = 'model.safetensors';
export const RESUME_FILE = 'resume.safetensors';
export const LOSS_PLOT_FILE = 'loss.svg';

const MOMENT_PREFIXES = ['optimizer.m.', 'optimizer.v.'] as const;
const HISTORY = 'history.loss';

export interface RunSnapshot {
  params: ParamSet;
  vocab: Vocab;
  settings: Record<string, unknown>; // the run's options, compared on resume
  state: TrainState;
  rng: PythonRandom;
  optimizer: Optimizer;
}

export function saveBestModel(dir: string, params: ParamSet, vocab: Vocab, config: Record<string, unknown>): void {
  saveCheckpoint(join(dir, MODEL_FILE), { params, vocab, config });
}

export function saveResume(dir: string, snap: RunSnapshot): void {
  const { losses: _inHistoryTensor, ...state } = snap.state;
  const trainState = { ...state, rng: snap.rng.getState() };
  const model = checkpointToSafetensors({ params: snap.params, vocab: snap.vocab, config: snap.settings, trainState });
  const tensors = new Map(model.tensors);
  for (const [name, { m, v }] of snap.optimizer.moments) {
    tensors.set(`optimizer.m.${name}`, tensor([m.length], m));
    tensors.set(`optimizer.v.${name}`, tensor([v.length], v));
  }
  tensors.set(HISTORY, tensor([snap.state.losses.length], snap.state.losses));
  writeFileAtomic(join(dir, RESUME_FILE), encodeSafetensors(tensors, model.metadata));
}

export interface ResumePoint {
  checkpoint: LoadedCheckpoint; // parameters and settings (in checkpoint.config)
  state: TrainState;
  rngState: ReturnType<PythonRandom['getState']>;
  moments: Map<string, { m: Float32Array; v: Float32Array }>;
}

export function loadResume(dir: string): ResumePoint {
  const file = join(dir, RESUME_FILE);
  if (!existsSync(file)) throw new InputError(file, 'no such file: nothing to resume (train without --resume to start a run)');
  const { tensors, metadata } = decodeSafetensors(readFileSync(file), file);
  const extra = new Map<string, Tensor>();
  for (const [name, t] of tensors) if (name === HISTORY || MOMENT_PREFIXES.some((p) => name.startsWith(p))) extra.set(name, t);
  for (const name of extra.keys()) tensors.delete(name);
  const checkpoint = checkpointFromSafetensors({ tensors, metadata }, file);
  if (checkpoint.trainState === undefined) throw new InputError(file, "no 'train_state' in the metadata: not a resume file");
  const { rng, ...rest } = checkpoint.trainState as Omit<TrainState, 'losses'> & { rng: ResumePoint['rngState'] };
  const history = extra.get(HISTORY);
  if (!history) throw new InputError(file, `missing tensor ${HISTORY}`);
  const state: TrainState = { ...rest, losses: Array.from(history.data) };
  if (state.losses.length !== state.step) throw new InputError(file, `${HISTORY} holds ${state.losses.length} steps but the run state says ${state.step}`);
  const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const [name] of checkpoint.params.trainable()) {
    const [m, v] = MOMENT_PREFIXES.map((p) => extra.get(p + name));
    if (m && v) moments.set(name, { m: m.data, v: v.data });
  }
  return { checkpoint, state, rngState: rng, moments };
}

/** The lecture's loss picture (src/plot/loss-chart.ts) as loss.svg. */
export function saveLossPlot(dir: string, state: TrainState): void {
  const svg = lossChart(state.losses, state.evals);
  writeFileAtomic(join(dir, LOSS_PLOT_FILE), new TextEncoder().encode(svg));
}
