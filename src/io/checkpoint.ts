// A checkpoint is a safetensors file: every tensor of the ParamSet under the name its spec gives,
// and as metadata the vocabulary ('.' first, one string), the model's spec, and JSON-encoded config
// (a run's settings) and training state. Only the tensors and `vocab` are required, so a model
// trained in PyTorch with the lecture notebook loads too: its sizes are read back from the tensor
// shapes (presets/legacy.ts; so are release 0.1.0's files, which stored a config instead of a
// spec). Bytes in, bytes out, no file access, so it runs in a browser; checkpoint-file.ts reads and
// writes files (Node).

import { InputError } from '../errors.ts';
import { END, Vocab } from '../data/vocab.ts';
import type { ParamSet } from '../params.ts';
import { legacySpec } from '../presets/legacy.ts';
import { paramsFromTensors } from '../spec/init.ts';
import { resolveSpec, type ResolvedSpec } from '../spec/resolve.ts';
import { SpecError, type ModelSpec } from '../spec/types.ts';
import { decodeSafetensors, encodeSafetensors, type Safetensors } from './safetensors.ts';
import { tensorChecksums, verifyTensorChecksums } from './tensor-checksum.ts';

/** What a checkpoint holds, for {@link encodeCheckpoint}. */
export interface CheckpointContents {
  params: ParamSet;
  vocab: Vocab;
  /** The model: stored as JSON under `spec`. */
  spec: ModelSpec;
  /** Stored as JSON under `config`: whatever settings the caller wants kept (a run's options). */
  config?: Record<string, unknown>;
  /** Stored as JSON (so NaN/Infinity become null), e.g. the step and PythonRandom.getState(). */
  trainState?: unknown;
}

/** A decoded checkpoint: ready for {@link ConvModel}, {@link StepModel} or, for the lecture preset, the tree form. */
export interface LoadedCheckpoint {
  params: ParamSet;
  vocab: Vocab;
  /** The stored spec, or for an older file the one its config and tensors describe. */
  spec: ResolvedSpec;
  /** The stored `config` (`{}` if none). */
  config: Record<string, unknown>;
  trainState?: unknown;
}

/** A checkpoint as safetensors bytes (float32); refuses contents that {@link decodeCheckpoint} would reject. */
export function encodeCheckpoint(contents: CheckpointContents): Uint8Array {
  const { tensors, metadata } = checkpointToSafetensors(contents);
  return encodeSafetensors(tensors, metadata);
}

/** The checkpoint's tensors and metadata, before encoding (the run directory's resume file adds its own tensors). */
export function checkpointToSafetensors({ params, vocab, spec, config, trainState }: CheckpointContents): Safetensors {
  // refuse to write what decodeCheckpoint would reject
  const refuse = (problem: string): never => {
    throw new Error(problem);
  };
  const nonFinite = nonFiniteValue(params);
  if (nonFinite) refuse(nonFinite);
  if (spec.vocabSize !== vocab.size) refuse(`the vocabulary has ${vocab.size} characters but the spec says vocabSize ${spec.vocabSize}`);
  paramsFromTensors(resolveSpec(spec), params.tensors, refuse);
  const metadata: Record<string, string> = { vocab: vocab.chars.join(''), spec: JSON.stringify(spec), ...tensorChecksums(params.tensors) };
  if (config !== undefined) metadata.config = JSON.stringify(config);
  if (trainState !== undefined) {
    const json = JSON.stringify(trainState);
    if (json === undefined) refuse('training state cannot be stored as JSON');
    metadata.train_state = json;
  }
  return { tensors: params.tensors, metadata };
}

/**
 * A checkpoint from safetensors bytes: ours, one of release 0.1.0 (a config instead of a spec), or a
 * lecture model exported from PyTorch (tensors and `vocab` only; sizes are read from the shapes).
 * A bad file throws an {@link InputError} naming `file`.
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

  const config = readObject(metadata.config, 'config', fail);
  const stored = metadata.spec === undefined ? legacySpec(config, tensors, vocab.size, fail) : readObject(metadata.spec, 'spec', fail);
  let spec: ResolvedSpec;
  try {
    spec = resolveSpec(stored);
  } catch (e) {
    if (e instanceof SpecError) return fail(`the 'spec' metadata: ${e.message}`);
    throw e;
  }
  if (spec.spec.vocabSize !== vocab.size) fail(`the 'vocab' metadata has ${vocab.size} characters but the spec says vocabSize ${spec.spec.vocabSize}`);
  const params = paramsFromTensors(spec, tensors, fail);
  const nonFinite = nonFiniteValue(params);
  if (nonFinite) fail(`${nonFinite}: not a usable model (saved after training diverged?)`);
  const loaded: LoadedCheckpoint = { params, vocab, spec, config };
  if (metadata.train_state !== undefined) loaded.trainState = parseJson(metadata.train_state, 'train_state', fail);
  return loaded;
}

function readObject(json: string | undefined, key: string, fail: (problem: string) => never): Record<string, unknown> {
  if (json === undefined) return {};
  const stored = parseJson(json, key, fail);
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return fail(`the '${key}' metadata is not a JSON object`);
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
