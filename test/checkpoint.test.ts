import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../src/io/checkpoint.ts';
import { loadCheckpoint, saveCheckpoint } from '../src/io/checkpoint-file.ts';
import { encodeSafetensors } from '../src/io/safetensors.ts';
import { InputError } from '../src/errors.ts';
import { Vocab } from '../src/data/vocab.ts';
import type { ModelConfig, ParamSet } from '../src/params.ts';
import { initLecture as initHierarchical, lectureSpec } from '../src/presets/lecture.ts';
import { waveNetSpec, type WaveNetConfig } from '../src/presets/wavenet.ts';
import { initParams } from '../src/spec/init.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { PythonRandom } from '../src/rng.ts';
import { tensor, type Tensor } from '../src/tensor.ts';
import { reference } from './fixture.ts';
import { createHash } from 'node:crypto';
import { buildSafetensors, f64Bytes } from './safetensors-bytes.ts';

const CFG: ModelConfig = { vocabSize: 5, nEmbd: 3, nHidden: 4, nLayers: 2 };
const SPEC = lectureSpec(CFG);
const VOCAB = new Vocab(['.', 'a', 'b', 'é', 'z']);

function model(seed: number): ParamSet {
  return initHierarchical(CFG, new PythonRandom(seed));
}

function expectSameParams(got: ParamSet, want: ParamSet): void {
  expect([...got.tensors.keys()]).toEqual([...want.tensors.keys()]);
  expect(got.buffers).toEqual(want.buffers);
  for (const [name, t] of want.tensors) {
    expect(got.get(name).shape, name).toEqual(t.shape);
    expect(got.get(name).data, name).toEqual(t.data);
  }
}

/** The InputError `run` throws; fails the test if it throws anything else or nothing. */
function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'checkpoint-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips params, buffers, vocab, config and training state', () => {
    const params = model(1);
    params.get('bn.1.running_mean').data[2] = 0.75; // buffers must travel too
    const rng = new PythonRandom(7);
    rng.random();
    const file = join(dir, 'model.safetensors');
    saveCheckpoint(file, { params, vocab: VOCAB, spec: SPEC, config: { learningRate: 0.1 }, trainState: { step: 1234, rng: rng.getState() } });

    const loaded = loadCheckpoint(file);
    expectSameParams(loaded.params, params);
    expect(loaded.vocab.chars).toEqual(VOCAB.chars);
    expect(loaded.spec.spec).toEqual(SPEC);
    expect(loaded.config).toEqual({ learningRate: 0.1 });
    const state = loaded.trainState as { step: number; rng: ReturnType<PythonRandom['getState']> };
    expect(state.step).toBe(1234);
    const resumed = new PythonRandom(0);
    resumed.setState(state.rng);
    expect([resumed.random(), resumed.gauss()]).toEqual([rng.random(), rng.gauss()]);
  });

  it('stores the vocabulary as one string, the spec and other structured metadata as JSON', () => {
    const bytes = encodeCheckpoint({ params: model(1), vocab: VOCAB, spec: SPEC, config: { run: 1 }, trainState: { step: 3 } });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header.__metadata__).toEqual({ vocab: '.abéz', spec: JSON.stringify(SPEC), config: '{"run":1}', train_state: '{"step":3}', tensor_sha256: expect.any(String) });
    expect(Object.keys(header).filter((k) => k !== '__metadata__').sort()).toEqual([...model(1).tensors.keys()].sort());
  });

  it('replaces an existing checkpoint atomically and leaves no temporary file', () => {
    const file = join(dir, 'model.safetensors');
    saveCheckpoint(file, { params: model(1), vocab: VOCAB, spec: SPEC, trainState: { step: 1 } });
    const newer = model(2);
    saveCheckpoint(file, { params: newer, vocab: VOCAB, spec: SPEC, trainState: { step: 2 } });
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    const loaded = loadCheckpoint(file);
    expectSameParams(loaded.params, newer);
    expect(loaded.trainState).toEqual({ step: 2 });
  });

  it('reports a missing directory as an InputError and creates nothing', () => {
    const file = join(dir, 'no-such-dir', 'model.safetensors');
    const err = inputError(() => saveCheckpoint(file, { params: model(1), vocab: VOCAB, spec: SPEC }));
    expect(err.message).toBe(`${file}: cannot write: directory ${join(dir, 'no-such-dir')} does not exist`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to write a checkpoint that could not be loaded', () => {
    const small = new Vocab(['.', 'a']);
    expect(() => encodeCheckpoint({ params: model(1), vocab: small, spec: SPEC })).toThrow(/vocabulary has 2 characters but the spec says vocabSize 5/);
    expect(() => encodeCheckpoint({ params: model(1), vocab: VOCAB, spec: lectureSpec({ ...CFG, nHidden: 64 }) })).toThrow(/tensor conv\.0\.weight has shape \[6,4\], expected \[6,64\]/);
    const diverged = model(1);
    diverged.get('conv.0.weight').data[5] = Infinity;
    expect(() => encodeCheckpoint({ params: diverged, vocab: VOCAB, spec: SPEC })).toThrow(/tensor conv\.0\.weight holds Infinity at index 5/);
  });
});

describe('loading a checkpoint that holds only tensors and vocab', () => {
  it('infers every size from the shapes and registers running stats as buffers', () => {
    const params = model(3);
    const loaded = decodeCheckpoint(encodeSafetensors(params.tensors, { vocab: VOCAB.chars.join('') }), 'plain.safetensors');
    expect(loaded.spec.spec).toEqual(SPEC);
    expect(loaded.trainState).toBeUndefined();
    expect([...loaded.params.buffers].sort()).toEqual(['bn.0.running_mean', 'bn.0.running_var', 'bn.1.running_mean', 'bn.1.running_var']);
    expect(loaded.params.count()).toBe(params.count());
    expectSameParams(loaded.params, params);
  });

  it('loads the lecture model as PyTorch saves it (float64, its own tensor order)', () => {
    const stored = { ...reference.params, ...reference.train_mode.running_after_one_step };
    const file = buildSafetensors(
      Object.entries(stored).map(([name, t]) => ({ name, dtype: 'F64', shape: t.shape, bytes: f64Bytes(t.data) })),
      { vocab: '.abcdefghijklmnopqrstuvwxyz' },
    );
    const loaded = decodeCheckpoint(file, 'lecture.safetensors');
    expect(loaded.spec.spec).toEqual(lectureSpec({ vocabSize: 27, nEmbd: reference.config.n_embd, nHidden: reference.config.n_hidden, nLayers: 3 }));
    expect(loaded.vocab.encode('emma')).toEqual([5, 13, 13, 1]);
    for (const [name, t] of Object.entries(stored)) {
      expect(Array.from(loaded.params.get(name).data), name).toEqual(t.data.map(Math.fround));
    }
    expect(loaded.params.buffers).toEqual(new Set(Object.keys(reference.train_mode.running_after_one_step)));
    // Definition order (what optimisers iterate), not the file's order.
    expect([...loaded.params.tensors.keys()].slice(0, 3)).toEqual(['embedding.weight', 'conv.0.weight', 'bn.0.weight']);
  });
});

describe('checkpoint errors name the file and the problem', () => {
  const FILE = 'runs/broken.safetensors';

  function withTensors(edit: (tensors: Map<string, Tensor>) => void, metadata: Record<string, string> = { vocab: VOCAB.chars.join('') }): Uint8Array {
    const tensors = new Map(model(1).tensors);
    edit(tensors);
    return encodeSafetensors(tensors, metadata);
  }

  const cases: [string, () => Uint8Array, string][] = [
    ['missing vocab metadata', () => withTensors(() => {}, {}), "no 'vocab' in the metadata"],
    ["a vocab not starting with '.'", () => withTensors(() => {}, { vocab: 'ab.éz' }), `the 'vocab' metadata must start with '.' (index 0), got "ab.éz"`],
    ['a vocab with a repeated character', () => withTensors(() => {}, { vocab: '.abaz' }), "the 'vocab' metadata is invalid: vocabulary has a repeated character"],
    ['a vocab size unlike the embedding rows', () => withTensors(() => {}, { vocab: '.ab' }), "the 'vocab' metadata has 3 characters but embedding.weight has 5 rows"],
    ['a missing embedding', () => withTensors((t) => t.delete('embedding.weight')), 'missing tensor embedding.weight'],
    ['a missing running variance', () => withTensors((t) => t.delete('bn.1.running_var')), 'missing tensor bn.1.running_var (expected shape [4])'],
    ['a wrongly shaped tensor', () => withTensors((t) => t.set('conv.1.weight', tensor([8, 5]))), 'tensor conv.1.weight has shape [8,5], expected [8,4]'],
    ['a 1-D embedding', () => withTensors((t) => t.set('embedding.weight', tensor([15]))), 'tensor embedding.weight has shape [15], expected a matrix'],
    ['an unexpected tensor', () => withTensors((t) => t.set('bn.2.weight', tensor([4]))), 'unexpected tensor bn.2.weight: not part of the model its spec describes'],
    [
      'a config that disagrees with the tensors',
      () => withTensors(() => {}, { vocab: VOCAB.chars.join(''), config: JSON.stringify({ ...CFG, nEmbd: 24 }) }),
      "the 'config' metadata disagrees with the tensors: config says nEmbd = 24 but the tensor shapes give 3",
    ],
    ['a config that is not JSON', () => withTensors(() => {}, { vocab: VOCAB.chars.join(''), config: '{nEmbd: 3' }), "the 'config' metadata is not valid JSON"],
    ['a config that is not an object', () => withTensors(() => {}, { vocab: VOCAB.chars.join(''), config: '[3]' }), "the 'config' metadata is not a JSON object"],
    ['a training state that is not JSON', () => withTensors(() => {}, { vocab: VOCAB.chars.join(''), train_state: 'step=3' }), "the 'train_state' metadata is not valid JSON"],
    ['a NaN', () => withTensors((t) => t.set('bn.0.running_var', tensor([4], [1, 1, NaN, 1]))), 'tensor bn.0.running_var holds NaN at index 2: not a usable model'],
    ['a truncated file', () => encodeCheckpoint({ params: model(1), vocab: VOCAB, spec: SPEC }).subarray(0, 300), 'not a valid safetensors file'],
  ];

  it.each(cases)('%s', (_, bytes, problem) => {
    const err = inputError(() => decodeCheckpoint(bytes(), FILE));
    expect(err.file).toBe(FILE);
    expect(err.message.startsWith(`${FILE}: `)).toBe(true);
    expect(err.message).toContain(problem);
  });

  it('a missing file', () => {
    const file = join(dir, 'absent.safetensors');
    expect(inputError(() => loadCheckpoint(file)).message).toBe(`${file}: no such file`);
  });

  it('a directory', () => {
    mkdirSync(join(dir, 'sub'));
    expect(inputError(() => loadCheckpoint(join(dir, 'sub'))).message).toBe(`${join(dir, 'sub')}: is a directory, expected a checkpoint file`);
  });

  it('a corrupt file on disk', () => {
    const file = join(dir, 'model.safetensors');
    saveCheckpoint(file, { params: model(1), vocab: VOCAB, spec: SPEC });
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    expect(inputError(() => loadCheckpoint(file)).message).toMatch(new RegExp(`^${file}: not a valid safetensors file: header length \\d+ exceeds`));
  });
});

describe('tensor checksums', () => {
  const FILE = 'runs/model.safetensors';

  /** The file's header and where its data begins. */
  function header(bytes: Uint8Array): { json: Record<string, { data_offsets: [number, number] }> & { __metadata__: Record<string, string> }; dataStart: number } {
    const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    return { json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))), dataStart: 8 + length };
  }

  it("records the SHA-256 of every tensor's bytes as the file stores them", () => {
    const bytes = encodeCheckpoint({ params: model(1), vocab: VOCAB, spec: SPEC });
    const { json, dataStart } = header(bytes);
    const sums = JSON.parse(json.__metadata__.tensor_sha256);
    expect(Object.keys(sums).sort()).toEqual([...model(1).tensors.keys()].sort());
    for (const [name, sum] of Object.entries(sums)) {
      const [begin, end] = json[name].data_offsets;
      expect(sum, name).toBe(createHash('sha256').update(bytes.subarray(dataStart + begin, dataStart + end)).digest('hex'));
    }
  });

  it('refuses a file whose tensor bytes changed after it was written, naming the tensor', () => {
    const bytes = encodeCheckpoint({ params: model(1), vocab: VOCAB, spec: SPEC });
    const { json, dataStart } = header(bytes);
    bytes[dataStart + json['head.weight'].data_offsets[0]] ^= 1; // the lowest mantissa bit: still a plausible, finite weight
    const err = inputError(() => decodeCheckpoint(bytes, FILE));
    expect(err.message).toBe(`${FILE}: tensor head.weight does not match its checksum: its bytes changed after the file was written (a damaged disk or copy); use another copy`);
  });

  it('refuses a tensor added without a checksum, and loads a file that records none', () => {
    const { tensors, metadata } = checkpointParts();
    tensors.set('bn.2.weight', tensor([4]));
    expect(inputError(() => decodeCheckpoint(encodeSafetensors(tensors, metadata), FILE)).message).toMatch(/tensor bn\.2\.weight has no checksum in the 'tensor_sha256' metadata/);
    const { tensor_sha256: _, ...unverified } = metadata;
    expectSameParams(decodeCheckpoint(encodeSafetensors(model(1).tensors, unverified), FILE).params, model(1));
  });

  function checkpointParts() {
    const bytes = encodeCheckpoint({ params: model(1), vocab: VOCAB, spec: SPEC });
    const { json } = header(bytes);
    return { tensors: new Map(model(1).tensors), metadata: json.__metadata__ };
  }
});

describe('a file that is not a safetensors checkpoint is named as what it is', () => {
  it.each([
    ['a JSON file', new TextEncoder().encode(JSON.stringify({ vocab: '.ab', weights: [1, 2, 3] }, null, 2)), 'is a JSON file, not a safetensors checkpoint'],
    ['a text file', new TextEncoder().encode('emma\nolivia\nava\n'), 'is a text file, not a safetensors checkpoint'],
    ['an empty file', new Uint8Array(0), 'is empty, not a safetensors checkpoint'],
  ])('%s', (_, bytes, problem) => {
    expect(inputError(() => decodeCheckpoint(bytes, 'model.json')).message).toBe(`model.json: ${problem}`);
  });
});

describe('WaveNet checkpoints of release 0.1.0 (a config naming the architecture, no spec)', () => {
  const WAVENET: WaveNetConfig = { vocabSize: 5, nEmbd: 3, channels: 4, skipChannels: 6, layers: 2, stacks: 2, dropout: 0.1, norm: 'batchnorm' };
  const STORED = { architecture: 'wavenet', ...WAVENET };
  const initWaveNet = (cfg: WaveNetConfig, rng: PythonRandom) => initParams(resolveSpec(waveNetSpec(cfg)), rng);

  it('load: the config names the architecture, so nothing else is needed', () => {
    const params = initWaveNet(WAVENET, new PythonRandom(3));
    const loaded = decodeCheckpoint(encodeSafetensors(params.tensors, { vocab: VOCAB.chars.join(''), config: JSON.stringify({ ...STORED, run: { steps: 7 } }) }), 'wn.safetensors');
    expectSameParams(loaded.params, params);
    expect(loaded.spec.spec).toEqual(waveNetSpec(WAVENET));
    expect(loaded.config).toEqual({ ...STORED, run: { steps: 7 } });
    expect([...loaded.params.buffers]).toEqual([0, 1, 2, 3].flatMap((i) => [`layer.${i}.bn.running_mean`, `layer.${i}.bn.running_var`]));
  });

  it.each([
    ['a tensor missing', (t: Map<string, Tensor>) => t.delete('layer.3.skip.weight'), /missing tensor layer\.3\.skip\.weight/],
    ['a tensor too many', (t: Map<string, Tensor>) => t.set('layer.3.residual.weight', tensor([4, 4], new Float32Array(16))), /unexpected tensor layer\.3\.residual\.weight/],
    ['a wrong shape', (t: Map<string, Tensor>) => t.set('out.weight', tensor([6, 5], new Float32Array(30))), /out\.weight has shape \[6,5\], expected \[6,6\]/],
  ])('refuses %s, naming it', (_, edit, message) => {
    const tensors = new Map(initWaveNet(WAVENET, new PythonRandom(3)).tensors);
    edit(tensors);
    const bytes = encodeSafetensors(tensors, { vocab: VOCAB.chars.join(''), config: JSON.stringify(STORED) });
    expect(inputError(() => decodeCheckpoint(bytes, 'wn.safetensors')).message).toMatch(message);
  });

  it('refuses a config it cannot build', () => {
    const tensors = initWaveNet(WAVENET, new PythonRandom(3)).tensors;
    const bytes = encodeSafetensors(tensors, { vocab: VOCAB.chars.join(''), config: JSON.stringify({ ...STORED, norm: 'layer' }) });
    expect(inputError(() => decodeCheckpoint(bytes, 'wn.safetensors')).message).toMatch(/norm must be one of none, batchnorm, layernorm, got "layer"/);
  });
});
