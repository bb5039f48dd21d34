// Models as specs at the command line: checkpoints of release 0.1.0 still load, evaluate and sample
// as they did; every preset and a spec file train, sample (a prefix too; cached ≡ naive, --json byte
// for byte) and describe themselves; a spec file equal to a preset is that preset, bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors } from '../src/io/safetensors.ts';
import { probeMode } from '../src/backend.ts';

const CLI = ['--import', 'tsx', new URL('../src/cli.ts', import.meta.url).pathname];
const FIXTURES = new URL('./fixtures/release-0.1.0/', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;
const NAMES = new URL('../data/names.txt', import.meta.url).pathname;
const EXPECTED: Record<string, { valLoss: number; sampleSeed7: { samples: string[] } }> = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));
/** The release's numbers came from the wasm backend on one thread, in its one (plain SIMD) build. */
const WASM = probeMode('wasm').ok ? ['--backend', 'wasm', '--threads', '1', '--simd', 'plain'] : [];

function makemore(...args: string[]) {
  const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, MAKEMORE_BACKEND: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(...args: string[]): string {
  const r = makemore(...args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** The last line of stdout, as JSON. */
function json(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trimEnd().split('\n').at(-1)!);
}

function lossHistory(dir: string): Float32Array {
  return decodeSafetensors(readFileSync(join(dir, 'resume.safetensors')), 'resume').tensors.get('history.loss')!.data;
}

let work: string;
let data: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mm-spec-'));
  // 600 names: enough to train a few steps on, small enough to be quick
  data = join(work, 'names.txt');
  writeFileSync(data, readFileSync(NAMES, 'utf8').split('\n').slice(0, 600).join('\n'));
});

describe('checkpoints written by release 0.1.0 (a config, no spec)', () => {
  it.each(Object.keys(EXPECTED))('%s evaluates to the loss it had and samples the names it sampled', (name) => {
    if (WASM.length === 0) console.log('wasm unavailable here: comparing the cpu backend against the wasm numbers');
    const file = join(FIXTURES, `${name}.safetensors`);
    const evaluated = json(ok('eval', '--checkpoint', file, '--data', NAMES, '--split', 'val', '--json', ...WASM));
    // the last bits may move when a kernel's order of summing does (LayerNorm's went 4 channels a
    // vector after 0.1.0: 1e-9 here), a checkpoint read wrongly would move the loss itself
    expect(Math.abs((evaluated.loss as number) - EXPECTED[name].valLoss)).toBeLessThan(WASM.length ? 1e-7 : 1e-5);
    for (const generator of ['cached', 'naive']) {
      const sampled = json(ok('sample', '--checkpoint', file, '--num', '8', '--seed', '7', '--json', '--generator', generator));
      expect(sampled.samples, generator).toEqual(EXPECTED[name].sampleSeed7.samples);
    }
  });

  it('a run of that release resumes', () => {
    const dir = join(work, 'old-run');
    mkdirSync(dir);
    copyFileSync(join(FIXTURES, 'lec-resume.safetensors'), join(dir, 'resume.safetensors'));
    // its settings name data/names.txt, relative to this repository, where the tests run
    const out = ok('train', '--out', dir, '--resume', '--steps', '40', '--samples', '0');
    expect(out).toMatch(/done at step 40\/40/);
    expect(lossHistory(dir)).toHaveLength(40);
  });
});

describe('every preset and a spec file, through every command', () => {
  const MODELS: [string, string[]][] = [
    ['lecture', ['--n-embd', '6', '--n-hidden', '10']],
    ['wavenet', ['--model', 'wavenet', '--n-embd', '4', '--channels', '6', '--layers', '3', '--norm', 'layernorm', '--dropout', '0.1']],
    ['tcn', ['--model', 'tcn', '--n-embd', '4', '--channels', '6,8', '--kernel', '3']],
    ['spec file', ['--spec', join(EXAMPLES, 'custom-stack.json')]],
  ];

  it.each(MODELS)('%s: trains, evaluates, samples with a prefix (cached ≡ naive, byte for byte), and describes itself', (name, options) => {
    const out = join(work, `run-${name.replace(' ', '-')}`);
    const trained = makemore('train', '--data', data, '--out', out, '--steps', '20', '--eval-every', '10', '--batch', '16', '--optimizer', 'adamw', ...options);
    expect(trained.code, trained.stderr).toBe(0);
    const ckpt = join(out, 'model.safetensors');
    expect(json(ok('eval', '--checkpoint', ckpt, '--data', data, '--json')).loss).toBeLessThan(Math.log(27));
    const sample = (generator: string) => makemore('sample', '--checkpoint', ckpt, '--num', '10', '--seed', '4', '--prefix', 'ma', '--json', '--generator', generator).stdout;
    const cached = sample('cached');
    expect(json(cached).samples as string[]).toHaveLength(10);
    expect((json(cached).samples as string[]).every((n) => n.startsWith('ma'))).toBe(true);
    expect(sample('naive')).toBe(cached);
    const info = json(ok('info', '--checkpoint', ckpt, '--json'));
    expect(info.receptiveField).toBeGreaterThan(1);
    expect(ok('info', '--checkpoint', ckpt)).toMatch(/^head +\d+ → 27 /m);
  });

  it.each(MODELS)('%s: lr-find sweeps it and embeddings plots its characters', (name, options) => {
    const out = join(work, `lr-${name.replace(' ', '-')}`);
    expect(ok('lr-find', '--data', data, '--out', out, '--steps', '20', '--batch', '8', ...options)).toMatch(/suggested learning rate/);
    expect(readFileSync(join(out, 'lr-find.svg'), 'utf8')).toMatch(/^<svg/);
    const ckpt = join(work, `run-${name.replace(' ', '-')}`, 'model.safetensors');
    expect(ok('embeddings', '--checkpoint', ckpt, '--out', join(out, 'embeddings.svg'))).toMatch(/wrote /);
  });

  it('a spec file written out from a preset trains to the preset\u2019s losses, bit for bit', () => {
    const preset = ['--model', 'wavenet', '--n-embd', '4', '--channels', '6', '--layers', '2', '--stacks', '2', '--norm', 'batchnorm', '--dropout', '0.2'];
    const file = join(work, 'wavenet.json');
    writeFileSync(file, ok('spec', ...preset, '--json'));
    const run = (out: string, ...model: string[]) => ok('train', '--data', data, '--out', join(work, out), '--steps', '15', '--eval-every', '15', '--batch', '8', '--samples', '0', '--seed', '3', ...model);
    run('as-preset', ...preset);
    run('as-file', '--spec', file);
    const [a, b] = [lossHistory(join(work, 'as-preset')), lossHistory(join(work, 'as-file'))];
    expect(a).toHaveLength(15);
    expect(b).toEqual(a);
  });

  it('every top-level examples/*.json is a valid --spec', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(ok('spec', '--spec', join(EXAMPLES, f)), f).toMatch(/receptive field: \d+ characters/);
  });

  it('warns once, on stderr, when the receptive field is shorter than the longest item', () => {
    const r = makemore('train', '--data', data, '--out', join(work, 'short-field'), '--steps', '2', '--samples', '0', '--n-embd', '4', '--n-hidden', '6', '--layers', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/receptive field is 4 characters, but the longest item/g)).toHaveLength(1);
  });
});

describe('a spec file with a mistake is refused in one line naming the file, the layer and the field', () => {
  it.each([
    ['an unknown layer type', { embedding: 8, layers: [{ type: 'conv', out: 8 }, { type: 'gelu' }] }, /: layers\.1\.type: unknown layer type "gelu": expected one of conv, /],
    ['a kernel of 0', { embedding: 8, layers: [{ type: 'conv', out: 8, kernel: 0 }] }, /: layers\.0\.kernel: must be an integer from 1 to 64, got 0/],
    ['a gate on an odd width', { embedding: 8, layers: [{ type: 'conv', out: 7 }, { type: 'gate' }] }, /: layers\.1: a gate halves its input, which has an odd width 7/],
    ['a vocabulary the data does not have', { vocabSize: 30, embedding: 8, layers: [] }, /: vocabSize 30, but the data has 27 characters/],
    ['not JSON', '{"embedding": 8,', /: not valid JSON/],
  ])('%s', (_, spec, message) => {
    const file = join(work, 'bad-spec.json');
    writeFileSync(file, typeof spec === 'string' ? spec : JSON.stringify(spec));
    const r = makemore('train', '--data', data, '--out', join(work, 'never'), '--spec', file);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`makemore train: ${file}: `)).toBe(true);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
