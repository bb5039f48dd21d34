// The ONNX export checked by an engine no one here wrote: onnxruntime-node runs the exported presets
// and random specs. The whole-sequence graph's logits equal the one-pass conv model's; the streaming
// step graph, fed the same uniform draws, generates the cached generator's names; the files are
// opset 17 / IR 8, ai.onnx ops only, with symbolic batch and length and the vocabulary and spec in
// their metadata; `makemore export` writes both, and examples/onnx-sample.mjs (the README's snippet)
// samples from them.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import namesText from '../data/names.txt?raw';
import { parseItems } from '../src/data/items.ts';
import { Vocab } from '../src/data/vocab.ts';
import { lectureSplit } from '../src/data/split.ts';
import { packWords } from '../src/data/packed-batch.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { BatchedGenerator } from '../src/generate/batched.ts';
import { plainSpec } from '../src/generate/candidates.ts';
import { seedName } from '../src/generate/name-random.ts';
import { firstNames } from '../src/generate/selection.ts';
import { ConvModel } from '../src/models/conv.ts';
import { StepModel } from '../src/models/step.ts';
import { LAYER_KINDS } from '../src/models/conv-layers/registry.ts';
import type { ParamSet } from '../src/params.ts';
import { presetSpec } from '../src/presets/registry.ts';
import { PythonRandom } from '../src/rng.ts';
import { initParams } from '../src/spec/init.ts';
import { everyLayer, resolveSpec, type ResolvedSpec } from '../src/spec/resolve.ts';
import { parameterCount } from '../src/spec/cost.ts';
import type { ModelSpec } from '../src/spec/types.ts';
import { loadCheckpoint, saveCheckpoint } from '../src/io/checkpoint-file.ts';
import { exportOnnx, OnnxExportError, stepFileName } from '../src/export/onnx.ts';
import { ONNX_FORMS } from '../src/export/onnx-layers.ts';
import { modelProtoType } from '../src/export/onnx-proto.ts';
import { perturb, randomSpec, summarize } from './random-specs.ts';

type Ort = typeof import('onnxruntime-node');
let ort: Ort | null = null;
let ortProblem = '';
try {
  ort = await import('onnxruntime-node');
  await ort.InferenceSession.create(exportOnnx(...tiny()).sequence);
} catch (e) {
  ort = null;
  ortProblem = (e as Error).message.split('\n')[0];
  console.warn(`onnx-export: onnxruntime-node cannot load here, so the tests that run the graphs are skipped: ${ortProblem}`);
}

function tiny(): Parameters<typeof exportOnnx> {
  const resolved = resolveSpec({ vocabSize: 3, embedding: 2, layers: [{ type: 'conv', out: 2, kernel: 2 }] });
  return [initParams(resolved, new PythonRandom(0)), resolved, { vocab: ['.', 'a', 'b'] }];
}

const vocab = Vocab.fromItems(parseItems(namesText, 'data/names.txt'), 'data/names.txt');
const V = vocab.size;
const DEV_WORDS = lectureSplit(parseItems(namesText, 'data/names.txt').map((i) => i.text)).val.slice(0, 48);
/** Relative error allowed, absolute below 1 (float32 sums in another order). */
const TOL = 1e-5;
/** A draw this close (as a fraction of the total weight) to a boundary between two characters may go either way. */
const BOUNDARY = 1e-6;
const NAMES = 40;
const MAX_CHARS = 50;

interface Case {
  title: string;
  spec: ModelSpec;
  seed: number;
  /** A trained checkpoint (release 0.1.0's, trained on data/names.txt) instead of perturbed initial parameters. */
  checkpoint?: string;
}

const TRAINED: Case[] = ['lec', 'lec3', 'wnbn', 'wnln', 'wnnone'].map((name) => {
  const checkpoint = new URL(`./fixtures/release-0.1.0/${name}.safetensors`, import.meta.url).pathname;
  return { title: `trained checkpoint ${name} (release 0.1.0)`, spec: loadCheckpoint(checkpoint).spec.spec, seed: 0, checkpoint };
});

const CASES: Case[] = [
  ...TRAINED,
  { title: 'lecture preset (n-hidden 64)', spec: presetSpec('lecture', { 'n-hidden': 64 }, V), seed: 1 },
  { title: 'WaveNet preset (layernorm, dropout 0.4)', spec: presetSpec('wavenet', { channels: 16, 'n-embd': 8, norm: 'layernorm', dropout: 0.4 }, V), seed: 2 },
  { title: 'WaveNet preset (batchnorm, 2 stacks, skip channels 12)', spec: presetSpec('wavenet', { channels: 8, 'skip-channels': 12, stacks: 2, layers: 3, norm: 'batchnorm' }, V), seed: 3 },
  { title: 'TCN preset', spec: presetSpec('tcn', {}, V), seed: 4 },
  ...[5, 6, 7, 9, 13].map((seed) => {
    const spec = randomSpec(seed, V);
    return { title: `random spec ${seed}: ${summarize(spec.layers)}`, spec, seed };
  }),
  ...[201, 202, 203].map((seed) => {
    const spec = randomSpec(seed, V, true);
    return { title: `random spec ${seed} with branches: ${summarize(spec.layers)}`, spec, seed };
  }),
];

/** The spec resolved, parameters initialised from the seed and perturbed (BatchNorm's running statistics included): a model as a trained one differs from its start. */
function build({ spec, seed, checkpoint }: Case): { resolved: ResolvedSpec; params: ParamSet } {
  if (checkpoint) {
    const loaded = loadCheckpoint(checkpoint);
    return { resolved: loaded.spec, params: loaded.params };
  }
  const resolved = resolveSpec(spec);
  const params = initParams(resolved, new PythonRandom(seed));
  perturb(params, seed + 1000);
  return { resolved, params };
}

const float = (t: { data: unknown }) => t.data as Float32Array;

describe('the files: opset 17, IR 8, ai.onnx ops, named and symbolic, vocabulary and spec in the metadata', () => {
  it('every layer type has an ONNX form', () => {
    expect(Object.keys(LAYER_KINDS).filter((type) => !Object.hasOwn(ONNX_FORMS, type))).toEqual([]);
  });

  it.each(CASES.slice(5, 9))('$title', (c) => {
    const { resolved, params } = build(c);
    const files = exportOnnx(params, resolved, { vocab: vocab.chars, version: '0.1.0' });
    for (const [bytes, graph] of [
      [files.sequence, 'sequence'],
      [files.step, 'step'],
    ] as const) {
      const model = modelProtoType().toObject(modelProtoType().decode(bytes), { longs: Number, defaults: false }) as any;
      expect(model.ir_version).toBe(8);
      expect(model.opset_import.map((o: { domain?: string; version: number }) => [o.domain ?? '', o.version])).toEqual([['', 17]]);
      expect(model.producer_name).toBe('makemore-wavenet');
      const meta = Object.fromEntries(model.metadata_props.map((p: { key: string; value: string }) => [p.key, p.value]));
      expect(JSON.parse(meta.vocab)).toEqual(vocab.chars);
      expect(JSON.parse(meta.spec)).toEqual(resolved.spec);
      expect(meta.graph).toBe(graph);
      for (const node of model.graph.node) {
        expect(node.domain ?? '').toBe('');
        expect(node.name).toMatch(/\S/);
      }
      const dims = (v: any) => v.type.tensor_type.shape.dim.map((d: any) => d.dim_param ?? d.dim_value);
      const first = model.graph.input[0];
      expect(dims(first)).toEqual(graph === 'sequence' ? ['batch', 'length'] : ['batch']);
      expect(dims(model.graph.output[0])).toEqual(graph === 'sequence' ? ['batch', 'length', V] : ['batch', V]);
      // the tensors keep the checkpoint's names, as Netron shows them
      expect(model.graph.initializer.map((t: any) => t.name)).toContain('head.weight');
    }
  });

  it('a layer type with no ONNX form is refused in one line naming the layer', () => {
    const { resolved, params } = build(CASES[8]);
    const layers = [{ ...resolved.layers[0], type: 'mystery', path: 'layers.0' }, ...resolved.layers.slice(1)];
    const call = () => exportOnnx(params, { ...resolved, layers }, { vocab: vocab.chars });
    expect(call).toThrow(OnnxExportError);
    expect(call).toThrow(/^layers\.0: a mystery layer has no ONNX form/);
  });

  it('the step file sits beside the whole-sequence one', () => {
    expect(stepFileName('out/model.onnx')).toBe('out/model.step.onnx');
    expect(stepFileName('model')).toBe('model.step.onnx');
  });

  it('the 230k-parameter WaveNet recipe exports (its time printed, not asserted: no test waits on a clock)', () => {
    const resolved = resolveSpec(presetSpec('wavenet', { channels: 96, 'n-embd': 32, norm: 'layernorm', dropout: 0.4 }, V));
    const params = initParams(resolved, new PythonRandom(1));
    exportOnnx(params, resolved, { vocab: vocab.chars }); // warm: the schema built once
    const start = performance.now();
    const files = exportOnnx(params, resolved, { vocab: vocab.chars });
    const ms = performance.now() - start;
    console.log(`onnx-export: ${parameterCount(resolved).toLocaleString('en-US')} parameters exported in ${ms.toFixed(0)} ms (${((files.sequence.length + files.step.length) / 1e6).toFixed(2)} MB)`);
    expect(parameterCount(resolved)).toBeGreaterThan(200_000);
  });
});

// ONNX's own checker (the onnx Python package: Debian's python3-onnx), with full shape inference
const PYTHON = '/usr/bin/python3';
const onnxProblem = ((r) => (r.status === 0 ? '' : (r.stderr || r.error?.message || 'no python3').trim().split('\n').at(-1)!))(spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' }));
if (onnxProblem) console.warn(`onnx-export: ONNX's checker is skipped: ${PYTHON} cannot import onnx (${onnxProblem}); apt-get install python3-onnx`);

describe.skipIf(onnxProblem !== '')("ONNX's own checker accepts both files", () => {
  it.each(CASES)('onnx.checker.check_model(full_check=True) — $title', (c) => {
    const { resolved, params } = build(c);
    const dir = mkdtempSync(join(tmpdir(), 'onnx-check-'));
    const files = exportOnnx(params, resolved, { vocab: vocab.chars.slice(0, resolved.spec.vocabSize) });
    const paths = [join(dir, 'model.onnx'), join(dir, 'model.step.onnx')];
    writeFileSync(paths[0], files.sequence);
    writeFileSync(paths[1], files.step);
    const script = 'import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\n';
    const r = spawnSync(PYTHON, ['-c', script, ...paths], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});

describe.skipIf(!ort)('onnxruntime-node runs the exports', () => {
  it.each(CASES)('whole sequence: logits equal the conv model’s on a batch of dev words — $title', async (c) => {
    const { resolved, params } = build(c);
    const session = await ort!.InferenceSession.create(exportOnnx(params, resolved, { vocab: vocab.chars }).sequence);
    const words = DEV_WORDS.map((w) => vocab.encode(w));
    const T = Math.max(...words.map((w) => w.length)) + 1;
    const tokens = new BigInt64Array(words.length * T);
    words.forEach((w, b) => w.forEach((ch, i) => (tokens[b * T + i + 1] = BigInt(ch))));
    const out = await session.run({ tokens: new ort!.Tensor('int64', tokens, [words.length, T]) });
    expect(out.logits.dims).toEqual([words.length, T, V]);
    const theirs = float(out.logits);
    const ours = new ConvModel(params, resolved, referenceOps).forward(packWords(words), 'eval');
    let worst = 0;
    let p = 0;
    words.forEach((w, b) => {
      for (let t = 0; t <= w.length; t++, p++) {
        for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(theirs[(b * T + t) * V + v] - ours[p * V + v]) / Math.max(1, Math.abs(ours[p * V + v])));
      }
    });
    console.log(`onnx-export: ${c.title}: max logit error ${worst.toExponential(2)} over ${p} positions of ${words.length} dev words`);
    expect(worst).toBeLessThanOrEqual(TOL);
  });

  it.each(CASES)('streaming step: the same draws generate the cached generator’s names — $title', async (c) => {
    const { resolved, params } = build(c);
    // names that end, but not at once: '.' made about as likely as in real names
    params.get('head.bias').data[0] += 1;
    const files = exportOnnx(params, resolved, { vocab: vocab.chars });
    const whole = await ort!.InferenceSession.create(files.sequence);
    const step = await ort!.InferenceSession.create(files.step);

    // one state per conv with K > 1, [batch, (K−1)·d, C]: the generator's queue, not a window of tokens
    const convs = everyLayer(resolved.layers).filter((l) => l.type === 'conv' && (l.fields.kernel as number) > 1);
    expect(step.inputNames).toEqual(['token', ...convs.map((l) => `state.${l.name}`)]);
    expect(step.outputNames).toEqual(['logits', ...convs.map((l) => `next_state.${l.name}`)]);
    expect(files.states.map((s) => [s.slots, s.channels])).toEqual(convs.map((l) => [((l.fields.kernel as number) - 1) * (l.fields.dilation as number), l.cIn]));

    const seed = 7;
    const expected = firstNames(new BatchedGenerator(new StepModel(params.clone(), resolved, referenceOps, 8), { ...plainSpec(seed), maxChars: MAX_CHARS }), NAMES);

    // every name a row, all rows stepped together; a finished row's draws stop
    const rngs = Array.from({ length: NAMES }, (_, i) => seedName(new PythonRandom(), seed, i));
    const names: number[][] = Array.from({ length: NAMES }, () => []);
    const done = new Array<boolean>(NAMES).fill(false);
    const gaps: number[][] = Array.from({ length: NAMES }, () => []);
    let out = await whole.run({ tokens: new ort!.Tensor('int64', new BigInt64Array(NAMES), [NAMES, 1]) });
    for (const s of files.states) expect(out[s.output].dims).toEqual([NAMES, s.slots, s.channels]);
    for (let t = 0; !done.every(Boolean); t++) {
      const logits = float(out.logits);
      const next = new BigInt64Array(NAMES);
      for (let r = 0; r < NAMES; r++) {
        if (done[r]) continue;
        const { index, gap } = draw(logits.subarray(r * V, (r + 1) * V), rngs[r]);
        gaps[r].push(gap);
        if (index === 0) done[r] = true;
        else {
          names[r].push(index);
          next[r] = BigInt(index);
          if (names[r].length >= MAX_CHARS) done[r] = true;
        }
      }
      const feeds: Record<string, InstanceType<Ort['Tensor']>> = { token: new ort!.Tensor('int64', next, [NAMES]) };
      for (const s of files.states) feeds[s.input] = out[s.output];
      out = await step.run(feeds);
      for (const s of files.states) expect(out[s.output].dims).toEqual([NAMES, s.slots, s.channels]);
    }

    let boundary = 0;
    for (let r = 0; r < NAMES; r++) {
      if (names[r].join() === expected[r].join()) continue;
      // where they part, the draw must have fallen within BOUNDARY of a boundary
      let k = 0;
      while (names[r][k] === expected[r][k]) k++;
      expect(gaps[r][k], `name ${r}: ${vocab.decode(names[r])} ≠ ${vocab.decode(expected[r])}, at character ${k}`).toBeLessThan(BOUNDARY);
      boundary++;
    }
    const chars = names.reduce((n, w) => n + w.length, 0);
    console.log(`onnx-export: ${c.title}: ${NAMES} names (${chars} characters) compared, ${NAMES - boundary} equal, ${boundary} parted at a draw within ${BOUNDARY} of a boundary`);
  });

  it('makemore export writes both files, refuses another format in one line, and examples/onnx-sample.mjs samples from them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'makemore-onnx-'));
    const { resolved, params } = build(CASES[6]);
    const checkpoint = join(dir, 'model.safetensors');
    saveCheckpoint(checkpoint, { params, vocab, spec: resolved.spec });
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', new URL('../src/cli.ts', import.meta.url).pathname, ...args], { encoding: 'utf8' });

    const bad = cli('export', '--checkpoint', checkpoint, '--format', 'tflite');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^makemore export: --format must be one of onnx, got "tflite"\n$/);

    const out = join(dir, 'model.onnx');
    const r = cli('export', '--checkpoint', checkpoint, '--format', 'onnx', '--out', out);
    expect(r.stderr.replace(/^note: .*\n/gm, '')).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`vocabulary (index order, '.' = 0): ${vocab.chars.join('')}`);
    expect(existsSync(join(dir, 'model.step.onnx'))).toBe(true);
    // the files are the library's export of the checkpoint, byte for byte
    const loaded = loadCheckpoint(checkpoint);
    const library = exportOnnx(loaded.params, loaded.spec, { vocab: vocab.chars, version: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version });
    expect(Buffer.from(library.sequence).equals(readFileSync(out))).toBe(true);
    expect(Buffer.from(library.step).equals(readFileSync(join(dir, 'model.step.onnx')))).toBe(true);

    const example = new URL('../examples/onnx-sample.mjs', import.meta.url).pathname;
    const sampled = spawnSync(process.execPath, [example, out, '5', vocab.chars.join('')], { encoding: 'utf8' });
    expect(sampled.stderr).toBe('');
    expect(sampled.status).toBe(0);
    const lines = sampled.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^[a-z]{0,50}$/);
  });
});

describe('the README', () => {
  let readme: string;
  beforeAll(() => {
    readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  });

  it("shows examples/onnx-sample.mjs as it is (the snippet a test runs)", () => {
    const example = readFileSync(new URL('../examples/onnx-sample.mjs', import.meta.url), 'utf8');
    expect(readme).toContain('## Run a trained model anywhere: ONNX');
    expect(readme).toContain(`\`\`\`js\n${example}\`\`\``);
  });
});

/** PythonRandom.choice over exp(logits − max), as sampleNext at temperature 1; and how close the draw fell to a boundary, as a fraction of the total. */
function draw(logits: Float32Array, rng: PythonRandom): { index: number; gap: number } {
  let max = -Infinity;
  for (const l of logits) max = Math.max(max, l);
  const weights = Array.from(logits, (l) => Math.exp(l - max));
  const total = weights.reduce((a, b) => a + b, 0);
  const u = rng.random() * total;
  let left = u;
  let index = -1;
  let cumulative = 0;
  let gap = Infinity;
  for (let i = 0; i < weights.length; i++) {
    cumulative += weights[i];
    gap = Math.min(gap, Math.abs(u - cumulative) / total);
    left -= weights[i];
    if (index < 0 && left < 0) index = i;
  }
  if (index < 0) index = weights.length - 1;
  return { index, gap };
}
