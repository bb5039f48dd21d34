// A checkpoint is a safetensors file: every tensor of the ParamSet under its params.ts name, and
// as metadata the vocabulary ('.' first, one string), plus JSON-encoded config and training state.
// Only the tensors and `vocab` are required, so a model trained in PyTorch with the lecture
// notebook loads too: its sizes are read back from the tensor shapes. Bytes in, bytes out, no file
// access, so it runs in a browser; checkpoint-file.ts reads and writes files (Node).

import { InputError } from '../errors.ts';
import { END, Vocab } from '../data/vocab.ts';
import { expectedShapes, inferConfig, kernelOf, ParamSet, type ModelConfig } from '../params.ts';
import { NORMS, waveNetShapes, type AnyModelConfig, type WaveNetConfig } from '../wavenet-params.ts';
import type { Tensor } from '../tensor.ts';
import { decodeSafetensors, encodeSafetensors, type Safetensors } from './safetensors.ts';
import { tensorChecksums, verifyTensorChecksums } from './tensor-checksum.ts';

/** What a checkpoint holds, for {@link encodeCheckpoint}. */
export interface CheckpointContents {
  params: ParamSet;
  vocab: Vocab;
  /** Stored as JSON; typically the ModelConfig plus whatever training settings the caller wants kept. */
  config?: ModelConfig | Record<string, unknown>;
  /** Stored as JSON (so NaN/Infinity become null), e.g. the step and PythonRandom.getState(). */
  trainState?: unknown;
}

/** A decoded checkpoint: ready for {@link TreeModel.hierarchical}, {@link ConvModel} or a generator ({@link hierarchicalStep}). */
export interface LoadedCheckpoint {
  params: ParamSet;
  vocab: Vocab;
  /** Sizes inferred from the tensor shapes, over any other settings the stored config held. */
  config: AnyModelConfig & Record<string, unknown>;
  trainState?: unknown;
}

const MODEL_CONFIG_KEYS = ['vocabSize', 'nEmbd', 'nHidden', 'nLayers'] as const;

/** A checkpoint as safetensors bytes (float32); refuses contents that {@link decodeCheckpoint} would reject. */
export function encodeCheckpoint(contents: CheckpointContents): Uint8Array {
  const { tensors, metadata } = checkpointToSafetensors(contents);
  return encodeSafetensors(tensors, metadata);
}

/** The checkpoint's tensors and metadata, before encoding (the run directory's resume file adds its own tensors). */
export function checkpointToSafetensors(contents: CheckpointContents): Safetensors {
  const { params, vocab, config } = contents;
  // Refuse to write what loadCheckpoint would reject.
  const nonFinite = nonFiniteValue(params);
  if (nonFinite) throw new Error(nonFinite);
  const stored = config as Record<string, unknown> | undefined;
  if (stored?.architecture === 'wavenet') {
    const refuse = (problem: string): never => {
      throw new Error(problem);
    };
    checkWaveNetTensors(params.tensors, waveNetConfig(stored, vocab, refuse), refuse);
    return checkpointMetadata(contents);
  }
  const inferred = inferConfig(params);
  if (inferred.vocabSize !== vocab.size) {
    throw new Error(`vocabulary has ${vocab.size} characters but embedding.weight has ${inferred.vocabSize} rows`);
  }
  const mismatch = config === undefined ? undefined : sizeMismatch(config as Record<string, unknown>, inferred);
  if (mismatch) throw new Error(mismatch);
  return checkpointMetadata(contents);
}

function checkpointMetadata({ params, vocab, config, trainState }: CheckpointContents): Safetensors {
  const metadata: Record<string, string> = { vocab: vocab.chars.join(''), ...tensorChecksums(params.tensors) };
  if (config !== undefined) metadata.config = JSON.stringify(config);
  if (trainState !== undefined) {
    const json = JSON.stringify(trainState);
    if (json === undefined) throw new Error('training state cannot be stored as JSON');
    metadata.train_state = json;
  }
  return { tensors: params.tensors, metadata };
}

/**
 * A checkpoint from safetensors bytes: ours, or a lecture model exported from PyTorch (tensors and
 * `vocab` only; sizes are read from the shapes). A bad file throws an {@link InputError} naming `file`.
 */
export function decodeCheckpoint(bytes: Uint8Array, file: string): LoadedCheckpoint {
  return checkpointFromSafetensors(decodeSafetensors(bytes, file), file);
}

/** A model checkpoint from decoded safetensors contents (the run directory's resume file adds its own tensors to these). */
export function checkpointFromSafetensors({ tensors, metadata }: Safetensors, file: string): LoadedCheckpoint {
  verifyTensorChecksums(tensors, metadata, file);
  const fail = (problem: string): never => {
    throw new InputError(file, problem);
  };

  if (metadata.vocab === undefined) fail("no 'vocab' in the metadata: store the characters in index order ('.' first) as one string under __metadata__.vocab");
  const chars = [...metadata.vocab];
  if (chars[0] !== END) fail(`the 'vocab' metadata must start with '${END}' (index 0), got ${JSON.stringify(metadata.vocab.slice(0, 10))}`);
  let vocab: Vocab;
  try {
    vocab = new Vocab(chars);
  } catch (e) {
    return fail(`the 'vocab' metadata is invalid: ${(e as Error).message}`);
  }

  const stored = readConfig(metadata.config, fail);
  if (stored.architecture === 'wavenet') {
    const config = waveNetConfig(stored, vocab, fail);
    const params = checkWaveNetTensors(tensors, config, fail);
    refuseNonFinite(params, fail);
    const loaded: LoadedCheckpoint = { params, vocab, config: { ...stored, ...config } };
    if (metadata.train_state !== undefined) loaded.trainState = parseJson(metadata.train_state, 'train_state', fail);
    return loaded;
  }
  const { params, sizes } = loadParams(tensors, vocab, fail);
  refuseNonFinite(params, fail);
  const mismatch = sizeMismatch(stored, sizes);
  if (mismatch) fail(`the 'config' metadata disagrees with the tensors: ${mismatch}`);
  const config = { ...stored, ...sizes };
  const loaded: LoadedCheckpoint = { params, vocab, config };
  if (metadata.train_state !== undefined) loaded.trainState = parseJson(metadata.train_state, 'train_state', fail);
  return loaded;
}

/** The tensors as a ParamSet in the model's definition order, running statistics as buffers. */
function loadParams(tensors: Map<string, Tensor>, vocab: Vocab, fail: (problem: string) => never): { params: ParamSet; sizes: ModelConfig } {
  for (const name of ['embedding.weight', 'conv.0.weight']) {
    const t = tensors.get(name) ?? fail(`missing tensor ${name}: not a hierarchical (WaveNet-like) model`);
    if (t.shape.length !== 2) fail(`tensor ${name} has shape [${t.shape}], expected a matrix`);
  }
  const rows = tensors.get('embedding.weight')!.shape[0];
  if (rows !== vocab.size) fail(`the 'vocab' metadata has ${vocab.size} characters but embedding.weight has ${rows} rows`);

  const all = new ParamSet();
  for (const [name, t] of tensors) all.add(name, t);
  let sizes: ModelConfig;
  try {
    sizes = inferConfig(all);
  } catch (e) {
    return fail((e as Error).message);
  }
  const shapes = expectedShapes(sizes);
  for (const name of tensors.keys()) {
    if (!shapes.has(name)) fail(`unexpected tensor ${name}: not part of a ${sizes.nLayers}-layer hierarchical model`);
  }
  const params = new ParamSet();
  for (const name of shapes.keys()) params.add(name, all.get(name), /\.running_(mean|var)$/.test(name));
  return { params, sizes };
}

/** A WaveNet's sizes from its stored config, each checked. */
function waveNetConfig(stored: Record<string, unknown>, vocab: Vocab, fail: (problem: string) => never): WaveNetConfig {
  const int = (key: string, min: number) => {
    const v = stored[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fail(`the 'config' metadata's ${key} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  };
  const dropout = stored.dropout;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) fail(`the 'config' metadata's dropout must be in [0, 1), got ${JSON.stringify(dropout)}`);
  const norm = NORMS.find((n) => n === stored.norm) ?? fail(`the 'config' metadata's norm must be one of ${NORMS.join(', ')}, got ${JSON.stringify(stored.norm)}`);
  if (int('vocabSize', 2) !== vocab.size) fail(`the 'vocab' metadata has ${vocab.size} characters but the config says vocabSize ${stored.vocabSize}`);
  return {
    architecture: 'wavenet',
    vocabSize: vocab.size,
    nEmbd: int('nEmbd', 1),
    channels: int('channels', 1),
    skipChannels: int('skipChannels', 1),
    layers: int('layers', 1),
    stacks: int('stacks', 1),
    dropout: dropout as number,
    norm,
  };
}

/** Exactly the tensors a WaveNet of `cfg` has, with their shapes, as a ParamSet in definition order. */
function checkWaveNetTensors(tensors: Map<string, Tensor>, cfg: WaveNetConfig, fail: (problem: string) => never): ParamSet {
  const shapes = waveNetShapes(cfg);
  const params = new ParamSet();
  for (const [name, { shape, buffer }] of shapes) {
    const t = tensors.get(name) ?? fail(`missing tensor ${name} (expected shape [${shape}]) of the WaveNet its config describes`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) fail(`tensor ${name} has shape [${t.shape}], expected [${shape}]`);
    params.add(name, t, buffer);
  }
  for (const name of tensors.keys()) if (!shapes.has(name)) fail(`unexpected tensor ${name}: not part of the WaveNet its config describes`);
  return params;
}

function readConfig(json: string | undefined, fail: (problem: string) => never): Record<string, unknown> {
  if (json === undefined) return {};
  const stored = parseJson(json, 'config', fail);
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return fail("the 'config' metadata is not a JSON object");
  return stored as Record<string, unknown>;
}

function parseJson(json: string, key: string, fail: (problem: string) => never): unknown {
  try {
    return JSON.parse(json);
  } catch (e) {
    return fail(`the '${key}' metadata is not valid JSON (${(e as Error).message})`);
  }
}

/** The first NaN or ±Infinity among the tensors, described. */
function nonFiniteValue(params: ParamSet): string | undefined {
  for (const [name, t] of params.tensors) {
    const i = t.data.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) return `tensor ${name} holds ${t.data[i]} at index ${i}`;
  }
  return undefined;
}

/** Where a config's model sizes disagree with the tensors' (which are the truth), the problem. */
function sizeMismatch(config: Record<string, unknown>, sizes: ModelConfig): string | undefined {
  if ('kernel' in config && config.kernel !== kernelOf(sizes)) return `config says kernel = ${JSON.stringify(config.kernel)} but the tensor shapes give ${kernelOf(sizes)}`;
  const key = MODEL_CONFIG_KEYS.find((k) => k in config && config[k] !== sizes[k]);
  if (key === undefined) return undefined;
  return `config says ${key} = ${JSON.stringify(config[key])} but the tensor shapes give ${sizes[key]}`;
}

function refuseNonFinite(params: ParamSet, fail: (problem: string) => never): void {
  const nonFinite = nonFiniteValue(params);
  if (nonFinite) fail(`${nonFinite}: not a usable model (saved after training diverged?)`);
}
