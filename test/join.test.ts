// Joined models (models/join.ts, `makemore join`): one model whose logits are the mean of its
// members' — members of different architectures, trained ones included — and, as an ordinary
// spec, one that the CLI evaluates, samples and exports; bad input is refused naming the file.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import namesText from '../data/names.txt?raw';
import { parseItems } from '../src/data/items.ts';
import { packWords, type PackedBatch } from '../src/data/packed-batch.ts';
import { Vocab } from '../src/data/vocab.ts';
import { lectureSplit } from '../src/data/split.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { loadCheckpoint, saveCheckpoint } from '../src/io/checkpoint-file.ts';
import { joinModels, type JoinMember } from '../src/models/join.ts';
import { ConvModel } from '../src/models/conv.ts';
import { lectureSpec } from '../src/presets/lecture.ts';
import { tcnSpec } from '../src/presets/tcn.ts';
import { waveNetSpec } from '../src/presets/wavenet.ts';
import { PythonRandom } from '../src/rng.ts';
import { initParams } from '../src/spec/init.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import type { ModelSpec } from '../src/spec/types.ts';
import { perturb, randomSpec } from './random-specs.ts';

const CLI = ['--import', 'tsx', new URL('../src/cli.ts', import.meta.url).pathname];
const FIXTURES = new URL('./fixtures/release-0.1.0/', import.meta.url).pathname;
const NAMES = new URL('../data/names.txt', import.meta.url).pathname;

const items = parseItems(namesText, 'data/names.txt').map((item) => item.text);
const vocab = Vocab.fromItems(parseItems(namesText, 'data/names.txt'), 'data/names.txt');
const V = vocab.size;
const batch = packWords(items.slice(0, 200).map((w) => vocab.encode(w)));

function member(spec: ModelSpec, seed: number): JoinMember {
  const resolved = resolveSpec(spec);
  const params = initParams(resolved, new PythonRandom(seed));
  perturb(params, seed + 1000);
  return { spec: resolved, params };
}

function logits(m: JoinMember, b: PackedBatch): Float32Array {
  return new ConvModel(m.params.clone(), m.spec, referenceOps).forward(b, 'eval').slice();
}

function meanOf(arrays: Float32Array[]): Float32Array {
  return arrays[0].map((_, i) => arrays.reduce((s, a) => s + a[i], 0) / arrays.length);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

const GROUPS: [string, () => JoinMember[]][] = [
  ['two WaveNets (layernorm, dropout)', () => [1, 2].map((s) => member(waveNetSpec({ vocabSize: V, nEmbd: 4, channels: 6, skipChannels: 6, layers: 3, stacks: 1, dropout: 0.3, norm: 'layernorm' }), s))],
  [
    'a lecture model, a TCN and a random spec',
    () => [
      member(lectureSpec({ vocabSize: V, nEmbd: 5, nHidden: 7, nLayers: 3 }), 3),
      member(tcnSpec({ vocabSize: V, nEmbd: 4, channels: [4, 6], kernel: 3, dropout: 0.1 }), 4),
      member(randomSpec(5, V), 5),
    ],
  ],
];

describe('joined models: the mean of the members’ logits', () => {
  it.each(GROUPS)('%s', (_, members) => {
    const ms = members();
    const joined = joinModels(ms);
    const resolved = resolveSpec(joined.spec);
    const got = logits({ spec: resolved, params: joined.params }, batch);
    expect(maxAbsDiff(got, meanOf(ms.map((m) => logits(m, batch))))).toBeLessThan(1e-5);
    expect(resolved.receptiveField).toBe(Math.max(...ms.map((m) => m.spec.receptiveField)));
  });

  it('joins a joined model again: (a, b) and c is the mean of their means', () => {
    const [a, b, c] = [6, 7, 8].map((s) => member(randomSpec(s, V), s));
    const ab = joinModels([a, b]);
    const abc = joinModels([{ spec: resolveSpec(ab.spec), params: ab.params }, c]);
    const [la, lb, lc] = [a, b, c].map((m) => logits(m, batch));
    const got = logits({ spec: resolveSpec(abc.spec), params: abc.params }, batch);
    expect(maxAbsDiff(got, meanOf([meanOf([la, lb]), lc]))).toBeLessThan(1e-5);
  });

  it('refuses one model, and models of different vocabularies', () => {
    const a = member(randomSpec(9, V), 9);
    expect(() => joinModels([a])).toThrow(/at least two models/);
    expect(() => joinModels([a, member(randomSpec(10, 6), 10)])).toThrow(/model 2 has a vocabulary of 6, model 1 of 27/);
  });
});

function makemore(...args: string[]) {
  const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, MAKEMORE_BACKEND: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('makemore join', () => {
  const work = mkdtempSync(join(tmpdir(), 'mm-join-'));
  const files = ['lec.safetensors', 'wnln.safetensors'].map((f) => join(FIXTURES, f));

  it('joins two trained models into one that evaluates to the loss of the mean logits, samples and exports', () => {
    const out = join(work, 'joined.safetensors');
    const joined = makemore('join', '--checkpoints', files.join(','), '--out', out);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toMatch(/2 models joined/);

    const evaluated = makemore('eval', '--checkpoint', out, '--data', NAMES, '--json');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    // the same loss worked out here: cross-entropy of the members' mean logits over the dev split
    const dev = lectureSplit(items).val.map((w) => vocab.encode(w));
    const members = files.map((f) => loadCheckpoint(f));
    let total = 0;
    let targets = 0;
    for (let i = 0; i < dev.length; i += 500) {
      const b = packWords(dev.slice(i, i + 500));
      const mean = meanOf(members.map((m) => logits(m, b)));
      for (let p = 0; p < b.positions; p++) {
        const row = mean.subarray(p * V, (p + 1) * V);
        const max = Math.max(...row);
        total += Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) + max - row[b.target[p]];
      }
      targets += b.positions;
    }
    const result = JSON.parse(evaluated.stdout);
    expect(result.targets).toBe(targets);
    expect(result.loss).toBeCloseTo(total / targets, 5);

    const sampled = makemore('sample', '--checkpoint', out, '--num', '20', '--json');
    expect(sampled.code, sampled.stderr).toBe(0);
    expect(JSON.parse(sampled.stdout).samples).toHaveLength(20);
    const exported = makemore('export', '--checkpoint', out, '--out', join(work, 'joined.onnx'));
    expect(exported.code, exported.stderr).toBe(0);
  });

  it('examples/best-model.sh: two runs side by side, joined, scored on dev and test (at a budget of a second)', () => {
    const out = join(work, 'best');
    const root = new URL('..', import.meta.url).pathname;
    const r = spawnSync('sh', ['examples/best-model.sh', out, '3', '0.02'], { cwd: root, encoding: 'utf8', env: { ...process.env, MAKEMORE: `${process.execPath} ${CLI.join(' ')}` } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| 1 \| a \|.*\n\| 2 \| b \|/);
    expect(r.stdout).toMatch(/2 models joined/);
    expect(r.stdout).toMatch(/^val loss \d\.\d{4} over 22655 targets/m);
    expect(r.stdout).toMatch(/^test loss \d\.\d{4} over 22866 targets/m);
    const grid = JSON.parse(readFileSync(join(out, 'grid.json'), 'utf8'));
    expect(grid.runs.map((run: { options: { seed: number } }) => run.options.seed)).toEqual([3, 4]);
    expect(loadCheckpoint(join(out, 'model.safetensors')).spec.layers[0].type).toBe('parallel');
  });

  it('refuses fewer than two files, a missing file, and models of different vocabularies, naming the file', () => {
    const one = makemore('join', '--checkpoints', files[0]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/--checkpoints needs two or more files/);

    const missing = join(work, 'nowhere.safetensors');
    const gone = makemore('join', '--checkpoints', `${files[0]},${missing}`, '--out', join(work, 'x.safetensors'));
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`${missing}: no such file`);

    const toy = join(work, 'toy.safetensors');
    const spec = randomSpec(11, 4);
    const params = initParams(resolveSpec(spec), new PythonRandom(11));
    saveCheckpoint(toy, { params, vocab: new Vocab(['.', 'a', 'b', 'c']), spec });
    const other = makemore('join', '--checkpoints', `${files[0]},${toy}`, '--out', join(work, 'y.safetensors'));
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`${toy}: its vocabulary ".abc" differs`);
  });
});
