// Names per second from one set of weights of the bench's model, trained briefly here so that names end
// at realistic lengths (random weights rarely draw '.'): the batched cached generator on each
// backend, the same one name at a time, and the naive sampler (the whole model per character, plain
// TypeScript). PyTorch samples from the same weights (torch.ts; lecture preset only). Every sampler cuts a name at MAX_NAME.

import type { ParamSet } from '../src/params.ts';
import type { ConvOps } from '../src/engine/ops.ts';
import type { ResolvedSpec } from '../src/spec/resolve.ts';
import { convEngine } from '../src/train/engines.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { PythonRandom } from '../src/rng.ts';
import { StepModel } from '../src/models/step.ts';
import { ConvModel } from '../src/models/conv.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { BatchedGenerator } from '../src/generate/batched.ts';
import { naiveSource } from '../src/generate/naive.ts';
import { DEFAULT_MAX_CHARS, plainSpec, type CandidateSource } from '../src/generate/candidates.ts';
import { firstNames } from '../src/generate/selection.ts';
import { measureRate, type Budget, type Rate } from './measure.ts';
import type { Budgets } from './budgets.ts';
import { freshParams, LARGE_BATCH, SEED, type Fixture } from './setup.ts';
import type { ConvBackend } from './backends.ts';

export const MAX_NAME = DEFAULT_MAX_CHARS;
/** Names in flight for the batched generators, ours and PyTorch's. */
export const GENERATION_BATCH = 256;
const NAMES_PER_SINGLE_CALL = 16;

/** The weights every sampler samples from, trained on `backend`, and the mean length of their names there. */
export async function generationWeights(fx: Fixture, backend: ConvBackend, budgets: Budgets): Promise<{ weights: ParamSet; meanChars: number }> {
  const { ops, close } = await backend.open();
  try {
    const weights = trainedWeights(fx.spec, fx.train, ops, budgets.generationTrainSteps);
    return { weights, meanChars: meanNameChars(weights, fx, ops, budgets.generationNames) };
  } finally {
    close();
  }
}

/** `spec`'s fresh parameters after `steps` AdamW steps of 64 words on `ops` (values in plain arrays): enough that names end at realistic lengths. */
export function trainedWeights(spec: ResolvedSpec, words: number[][], ops: ConvOps, steps: number): ParamSet {
  const params = freshParams(spec);
  const engine = convEngine(params, spec, ops, words);
  const grads = engine.newGrads();
  const optimizer = new Optimizer({ name: 'adamw', lr: 0.003, decayAt: 1, weightDecay: 0.01 }, ops);
  const rng = new PythonRandom(SEED);
  for (let step = 0; step < steps; step++) {
    engine.clearGrads(grads);
    engine.step(rng, LARGE_BATCH, grads);
    optimizer.step(params, grads, optimizer.cfg.lr, step);
  }
  return params.clone();
}

/** batched/<backend> and, unless `batchedOnly`, one-at-a-time/<backend>: the batched generator on `ops` at GENERATION_BATCH rows and at 1. */
export async function cachedRates(weights: ParamSet, fx: Fixture, ops: ConvOps, backend: string, budgets: Budgets, batchedOnly: boolean): Promise<Record<string, Rate>> {
  const generator = (batch: number) => new BatchedGenerator(new StepModel(weights.clone(), fx.spec, ops, batch), plainSpec(SEED));
  const rates: Record<string, Rate> = { [`batched/${backend}`]: await rate(generator(GENERATION_BATCH), budgets.generationNames, budgets.generation) };
  if (!batchedOnly) rates[`one-at-a-time/${backend}`] = await rate(generator(1), NAMES_PER_SINGLE_CALL, budgets.generation);
  return rates;
}

export async function naiveRate(weights: ParamSet, fx: Fixture, budget: Budget): Promise<Rate> {
  return rate(naiveSource(new ConvModel(weights.clone(), fx.spec, referenceOps), plainSpec(SEED)), NAMES_PER_SINGLE_CALL, budget);
}

/** Mean characters per name (the final '.' not counted): the same weights should give PyTorch's. */
function meanNameChars(weights: ParamSet, fx: Fixture, ops: ConvOps, count: number): number {
  const names = firstNames(new BatchedGenerator(new StepModel(weights.clone(), fx.spec, ops, GENERATION_BATCH), plainSpec(SEED + 1)), count);
  return names.reduce((sum, n) => sum + n.length, 0) / names.length;
}

/** What bench/torch_models.py samples with: our weights and our settings. */
export interface TorchSamplingRequest {
  weights: Record<string, { shape: number[]; data: number[] }>;
  max_chars: number;
  batch: number;
  names_per_batched_call: number;
  names_per_single_call: number;
  warmup_s: number;
  measure_s: number;
}

export function torchSamplingRequest(weights: ParamSet, budgets: Budgets): TorchSamplingRequest {
  return {
    weights: Object.fromEntries([...weights.tensors].map(([name, t]) => [name, { shape: t.shape, data: Array.from(t.data) }])),
    max_chars: MAX_NAME,
    batch: GENERATION_BATCH,
    names_per_batched_call: budgets.generationNames,
    names_per_single_call: NAMES_PER_SINGLE_CALL,
    warmup_s: budgets.generation.warmupS,
    measure_s: budgets.generation.measureS,
  };
}

function rate(source: CandidateSource, names: number, budget: Budget): Promise<Rate> {
  return measureRate(() => firstNames(source, names).length, budget);
}
