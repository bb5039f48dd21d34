// The `makemore` command end to end, as a user runs it: a subprocess per call, on the TypeScript
// sources through tsx (no build needed; test/tarball/ runs the compiled command from the package).
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors } from '../src/io/safetensors.ts';

const CLI = ['--import', 'tsx', new URL('../src/cli.ts', import.meta.url).pathname];
const NAMES = new URL('../data/names.txt', import.meta.url).pathname;
const SMALL_MODEL = ['--n-embd', '6', '--n-hidden', '10', '--layers', '3'];

function makemore(...args: string[]) {
  const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, MAKEMORE_BACKEND: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lossHistory(dir: string): number[] {
  return Array.from(decodeSafetensors(readFileSync(join(dir, 'resume.safetensors')), 'resume').tensors.get('history.loss')!.data);
}

let work: string;
let data: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mm-cli-'));
  data = join(work, 'names.txt');
  writeFileSync(data, readFileSync(NAMES, 'utf8').split('\n').slice(0, 600).join('\n'));
});

describe('makemore train, eval, sample, info', () => {
  it.each(['conv', 'tree'])('trains (%s), saves the best model and the loss plot, and prints names', (engine) => {
    const out = join(work, `run-${engine}`);
    const r = makemore('train', '--data', data, '--out', out, '--engine', engine, '--steps', '30', '--eval-every', '10', ...SMALL_MODEL);
    expect(r.stderr).toContain(engine === 'conv' ? 'engine conv, backend cpu' : 'engine tree');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/done at step 30\/30/);
    expect(r.stdout).toMatch(/samples: \w+/);
    for (const f of ['model.safetensors', 'resume.safetensors', 'loss.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toMatch(/^<svg[\s\S]*dev[\s\S]*<\/svg>\s*$/);
    expect(lossHistory(out)).toHaveLength(30);
  });

  it('saves on Ctrl-C, and resumes to exactly the loss curve of an uninterrupted run', async () => {
    const common = ['--data', data, '--steps', '2500', '--eval-every', '1000', ...SMALL_MODEL];
    const whole = join(work, 'whole');
    const out = join(work, 'interrupted');
    const child = spawn(process.execPath, [...CLI, 'train', '--out', out, ...common], { env: { ...process.env, MAKEMORE_BACKEND: 'cpu' } });
    let stderr = '';
    child.stderr.on('data', (d) => {
      if (!stderr.includes('new run') && (stderr + d).includes('new run')) setTimeout(() => child.kill('SIGINT'), 1500);
      stderr += d;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('interrupted: saving the run');
    const steps = lossHistory(out).length;
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(2500);

    const resumed = makemore('train', '--out', out, '--resume', ...common);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming ${join(out, 'resume.safetensors')} at step ${steps}`);
    expect(makemore('train', '--out', whole, ...common).code).toBe(0);
    expect(lossHistory(out)).toEqual(lossHistory(whole));
    expect(readFileSync(join(out, 'model.safetensors'))).toEqual(readFileSync(join(whole, 'model.safetensors')));
    expect(makemore('train', '--out', out, '--resume', ...common, '--batch', '8').stderr).toMatch(/--batch 8 differs from the run being resumed/);
  });

  it('evaluates with either engine to the same loss, and prints JSON', () => {
    const ckpt = join(work, 'run-conv', 'model.safetensors');
    const conv = JSON.parse(makemore('eval', '--checkpoint', ckpt, '--data', data, '--json').stdout);
    const tree = JSON.parse(makemore('eval', '--checkpoint', ckpt, '--data', data, '--engine', 'tree', '--json').stdout);
    expect(conv.split).toBe('val');
    expect(conv.targets).toBe(tree.targets);
    expect(conv.targets).toBeGreaterThan(60 * 2);
    expect(Math.abs(conv.loss - tree.loss)).toBeLessThan(1e-5);
    const test = JSON.parse(makemore('eval', '--checkpoint', ckpt, '--data', data, '--split', 'test', '--json').stdout);
    expect(test.loss).not.toBe(conv.loss);
  });

  it('samples the same names with the cached and the naive generator', () => {
    const ckpt = join(work, 'run-tree', 'model.safetensors');
    const cached = JSON.parse(makemore('sample', '--checkpoint', ckpt, '--num', '15', '--seed', '3', '--json').stdout);
    const naive = JSON.parse(makemore('sample', '--checkpoint', ckpt, '--num', '15', '--seed', '3', '--generator', 'naive', '--json').stdout);
    expect(cached.samples).toHaveLength(15);
    expect(naive.samples).toEqual(cached.samples);
    const marked = JSON.parse(makemore('sample', '--checkpoint', ckpt, '--num', '15', '--seed', '3', '--mark-train', data, '--json').stdout);
    expect(marked.in_train).toHaveLength(15);
  });

  it('describes a checkpoint', () => {
    const r = makemore('info', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--json');
    const info = JSON.parse(r.stdout);
    expect(info.config).toEqual({ vocabSize: 27, nEmbd: 6, nHidden: 10, nLayers: 3, blockSize: 8 });
    expect(info.parameters).toBe(27 * 6 + 12 * 10 + 20 * 10 * 2 + 3 * 20 + 10 * 27 + 27);
  });

  it('finds a learning rate and draws the embeddings', () => {
    const out = join(work, 'lr');
    const r = makemore('lr-find', '--data', data, '--out', out, '--steps', '60', '--engine', 'tree', ...SMALL_MODEL);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/suggested learning rate \d/);
    expect(readFileSync(join(out, 'lr-find.svg'), 'utf8')).toContain('<svg');
    const e = makemore('embeddings', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--out', join(work, 'emb.svg'));
    expect(e.code, e.stderr).toBe(0);
    const svg = readFileSync(join(work, 'emb.svg'), 'utf8');
    for (const c of ['.', 'a', 'z']) expect(svg).toContain(`>${c}<`);
  });
});

describe('makemore with --model wavenet', () => {
  const WAVENET = ['--model', 'wavenet', '--n-embd', '4', '--channels', '6', '--skip-channels', '8', '--layers', '2', '--stacks', '2', '--dropout', '0.1'];

  it('trains, and eval, sample and info read the architecture from the checkpoint', () => {
    const out = join(work, 'run-wavenet');
    const r = makemore('train', '--data', data, '--out', out, '--steps', '30', '--eval-every', '10', '--optimizer', 'adamw', ...WAVENET);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/samples: \w+/);
    const ckpt = join(out, 'model.safetensors');
    const info = JSON.parse(makemore('info', '--checkpoint', ckpt, '--json').stdout);
    expect(info.config).toEqual({ architecture: 'wavenet', vocabSize: 27, nEmbd: 4, channels: 6, skipChannels: 8, layers: 2, stacks: 2, dropout: 0.1, norm: 'none', receptiveField: 7 });
    expect(makemore('info', '--checkpoint', ckpt).stdout).toMatch(/WaveNet: .*4 gated residual layers \(2 stacks of dilations 1, 2\).*receptive field 7/);
    const evaluated = JSON.parse(makemore('eval', '--checkpoint', ckpt, '--data', data, '--json').stdout);
    expect(evaluated.loss).toBeGreaterThan(1);
    expect(evaluated.loss).toBeLessThan(3.3);
    const cached = JSON.parse(makemore('sample', '--checkpoint', ckpt, '--num', '12', '--seed', '3', '--json').stdout);
    const naive = JSON.parse(makemore('sample', '--checkpoint', ckpt, '--num', '12', '--seed', '3', '--generator', 'naive', '--json').stdout);
    expect(cached.samples).toHaveLength(12);
    expect(naive.samples).toEqual(cached.samples);
  });

  it.each([
    ['a WaveNet size for the lecture model', ['--channels', '8'], /--channels applies to --model wavenet only/],
    ['the tree engine', ['--model', 'wavenet', '--engine', 'tree'], /--engine tree runs the lecture model only/],
    ['a dropout of 1', ['--model', 'wavenet', '--dropout', '1'], /--dropout: invalid value "1"/],
  ])('refuses %s', (_, args, message) => {
    const r = makemore('train', '--data', data, '--out', join(work, 'wn-bad'), '--steps', '1', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('bad input: a clear error that names the file and the problem', () => {
  it.each([
    ['a missing data file', () => ['train', '--data', join(work, 'nope.txt'), '--out', join(work, 'x')], /nope\.txt: no such file/],
    ['an empty data file', () => (writeFileSync(join(work, 'empty.txt'), '\n\n'), ['train', '--data', join(work, 'empty.txt'), '--out', join(work, 'x')]), /empty\.txt: no items/],
    ['a line with "."', () => (writeFileSync(join(work, 'dot.txt'), 'ann\nj.r\n'), ['train', '--data', join(work, 'dot.txt'), '--out', join(work, 'x')]), /dot\.txt:2: '\.' is reserved/],
    ['an unknown option', () => ['train', '--colour'], /Unknown option '--colour'/],
    ['an unknown command', () => ['trian'], /unknown command "trian"/],
    ['a bad number', () => ['train', '--steps', 'ten'], /--steps must be an integer/],
    ['characters outside the vocabulary at eval', () => (writeFileSync(join(work, 'accents.txt'), Array(20).fill('zoë').join('\n')), ['eval', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--data', join(work, 'accents.txt')]), /accents\.txt:\d+: character "ë" in "zoë" is not in the model's vocabulary/],
    ['a truncated checkpoint', () => (writeFileSync(join(work, 'trunc.safetensors'), readFileSync(join(work, 'run-tree', 'model.safetensors')).subarray(0, 500)), ['info', '--checkpoint', join(work, 'trunc.safetensors')]), /trunc\.safetensors: /],
    ['a missing checkpoint', () => ['sample', '--checkpoint', join(work, 'none.safetensors')], /none\.safetensors: no such file/],
    ['resume with nothing to resume', () => ['train', '--data', data, '--out', join(work, 'fresh'), '--resume'], /resume\.safetensors: no such file: nothing to resume/],
  ])('%s', (_, args, message) => {
    const r = makemore(...args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });

  it('stops on a non-finite loss, says at which step, and keeps the last good checkpoint', () => {
    const out = join(work, 'diverge');
    expect(makemore('train', '--data', data, '--out', out, '--steps', '10', '--eval-every', '5', '--engine', 'tree', ...SMALL_MODEL).code).toBe(0);
    copyFileSync(join(out, 'model.safetensors'), join(work, 'good.safetensors'));
    const r = makemore('train', '--data', data, '--out', out, '--steps', '400', '--eval-every', '200', '--engine', 'tree', '--resume', '--lr', '1e30', ...SMALL_MODEL);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/training loss became (NaN|Infinity) at step \d+; stopped, .*resume\.safetensors holds step 10/);
    expect(readFileSync(join(out, 'model.safetensors'))).toEqual(readFileSync(join(work, 'good.safetensors')));
  });
});
