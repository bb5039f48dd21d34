// The `makemore` command end to end, as a user runs it: a subprocess per call, on the TypeScript
// sources through tsx (no build needed; test/tarball/ runs the compiled command from the package).
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '../src/io/safetensors.ts';
import { probeMode } from '../src/backend.ts';
import { lectureSpec } from '../src/presets/lecture.ts';
import { waveNetSpec } from '../src/presets/wavenet.ts';

const CLI = ['--import', 'tsx', new URL('../src/cli.ts', import.meta.url).pathname];
/** The same from any working directory: tsx found from here, not from there. */
const CLI_ANYWHERE = ['--import', import.meta.resolve('tsx'), ...CLI.slice(2)];
const NAMES = new URL('../data/names.txt', import.meta.url).pathname;
const SMALL_MODEL = ['--n-embd', '6', '--n-hidden', '10', '--layers', '3'];

function makemore(...args: string[]) {
  return makemoreWith({}, ...args);
}

function makemoreWith(env: Record<string, string>, ...args: string[]) {
  // no timeout: a loaded machine is slow, not stuck (vitest's own test timeout still applies)
  const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, MAKEMORE_BACKEND: 'cpu', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A `train` in the background: `started` resolves once it has printed its first line (the run has
 * begun), `stepped` once its progress shows a step done. Events, not a clock: however loaded the
 * machine, the test waits for what it needs.
 */
function startTraining(...args: string[]) {
  const child = spawn(process.execPath, [...CLI, 'train', ...args], { env: { ...process.env, MAKEMORE_BACKEND: 'cpu' } });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const seen = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => pattern.test(stderr) && resolve();
      child.stderr.on('data', check);
      void exited.then(() => resolve());
    });
  child.stderr.on('data', (d) => (stderr += d));
  return { child, started: seen(/new run|resuming/), stepped: seen(/^step \d+\/\d+ \| /m), exited, stderr: () => stderr };
}

function expectOneLineError(r: ReturnType<typeof makemore>, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
}

function lossHistory(dir: string): number[] {
  return Array.from(decodeSafetensors(readFileSync(join(dir, 'resume.safetensors')), 'resume').tensors.get('history.loss')!.data);
}

let work: string;
let data: string;

/** The conv run's model as another tool would write it: no tensor checksums; `edit` changes its tensors. */
function unverified(name: string, edit: (tensors: Map<string, { data: Float32Array }>) => void = () => {}): string {
  const { tensors, metadata } = decodeSafetensors(readFileSync(join(work, 'run-conv', 'model.safetensors')), 'model');
  const { tensor_sha256: _, ...rest } = metadata;
  edit(tensors);
  const file = join(work, name);
  writeFileSync(file, encodeSafetensors(tensors, rest));
  return file;
}

/** The conv run's model with one NaN in head.bias. */
function withNaN(): string {
  return unverified('nan.safetensors', (tensors) => (tensors.get('head.bias')!.data[3] = NaN));
}

/** The conv run's model with one bit flipped in head.weight's bytes (the lowest of a mantissa: a plausible weight still). */
function flipped(): string {
  const bytes = readFileSync(join(work, 'run-conv', 'model.safetensors'));
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const [begin] = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'))['head.weight'].data_offsets;
  bytes[8 + headerLength + begin + 4] ^= 1;
  const file = join(work, 'flipped.safetensors');
  writeFileSync(file, bytes);
  return file;
}

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

  it('saves on Ctrl-C (evaluating first, so a model exists), exits 130, and resumes to exactly the loss curve of an uninterrupted run', async () => {
    const common = ['--data', data, '--steps', '2500', '--eval-every', '1000', ...SMALL_MODEL];
    const whole = join(work, 'whole');
    const out = join(work, 'interrupted');
    const run = startTraining('--out', out, ...common);
    await run.stepped;
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    expect(run.stderr()).toContain('interrupted (SIGINT): saving the run');
    const steps = lossHistory(out).length;
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(1000); // before the first scheduled evaluation
    expect(run.stderr()).toMatch(new RegExp(`^step ${steps}: dev loss \\d\\.\\d{4} \\(best, saved ${join(out, 'model.safetensors')}\\)$`, 'm'));
    const sampled = makemore('sample', '--checkpoint', join(out, 'model.safetensors'), '--num', '3');
    expect(sampled.code, sampled.stderr).toBe(0);

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

  it('samples the same names with the naive generator and the cached one at any batch size', () => {
    const ckpt = join(work, 'run-tree', 'model.safetensors');
    const sample = (...args: string[]) => JSON.parse(makemore('sample', '--checkpoint', ckpt, '--num', '15', '--seed', '3', '--json', ...args).stdout);
    const cached = sample();
    expect(cached.samples).toHaveLength(15);
    expect(cached.tries).toBeGreaterThanOrEqual(15);
    for (const args of [['--generator', 'naive'], ['--batch', '1'], ['--batch', '4']]) expect(sample(...args).samples, args.join(' ')).toEqual(cached.samples);
    expect(sample('--seed', '4').samples).not.toEqual(cached.samples);
    const marked = sample('--mark-train', data);
    expect(marked.in_train).toHaveLength(15);
  });

  it('keeps only what was asked for, streams it to stdout or writes it to --out', () => {
    const ckpt = join(work, 'run-tree', 'model.safetensors');
    const ask = ['sample', '--checkpoint', ckpt, '--num', '30', '--unique', '--new', '--data', data, '--prefix', 'a', '--min-len', '3', '--max-len', '6', '--batch', '8'];
    const r = makemore(...ask);
    expect(r.code, r.stderr).toBe(0);
    const names = r.stdout.trimEnd().split('\n');
    expect(names).toHaveLength(30);
    expect(new Set(names).size).toBe(30);
    const known = new Set(readFileSync(data, 'utf8').split('\n').map((l) => l.trim()));
    for (const name of names) {
      expect(name).toMatch(/^a[a-z]{2,5}$/);
      expect(known.has(name), name).toBe(false);
    }
    const out = join(work, 'names.txt.out');
    const written = makemore(...ask, '--out', out);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  it('prints what it found and exits 1 when the filters let fewer than --num through', () => {
    const ckpt = join(work, 'run-tree', 'model.safetensors');
    // top-k 1 makes one name, over and over
    const r = makemore('sample', '--checkpoint', ckpt, '--num', '3', '--unique', '--top-k', '1', '--max-tries', '50');
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/found 1 of 3 names in 50 candidates \(--max-tries\)/);
  });

  it('describes a checkpoint, and a run\'s resume file', () => {
    const r = makemore('info', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--json');
    const info = JSON.parse(r.stdout);
    expect(info.spec).toEqual(lectureSpec({ vocabSize: 27, nEmbd: 6, nHidden: 10, nLayers: 3 }));
    expect(info.receptiveField).toBe(8);
    expect(info.parameters).toBe(27 * 6 + 12 * 10 + 20 * 10 * 2 + 3 * 20 + 10 * 27 + 27);
    expect(info.resume).toBeNull();
    const resume = makemore('info', '--checkpoint', join(work, 'run-tree', 'resume.safetensors'));
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stdout).toMatch(/resume point: step 30; best dev loss \d\.\d{4} at step \d+/);
  });

  it('marks the names cut at --max-length', () => {
    const ckpt = join(work, 'run-tree', 'model.safetensors');
    const json = JSON.parse(makemore('sample', '--checkpoint', ckpt, '--num', '30', '--max-length', '3', '--json').stdout);
    expect(json.truncated).toEqual(json.samples.map((s: string) => s.length === 3));
    expect(json.truncated).toContain(true);
    expect(json.truncated).toContain(false);
    const text = makemore('sample', '--checkpoint', ckpt, '--num', '30', '--max-length', '3').stdout.trim().split('\n');
    expect(text.slice(0, 30)).toEqual(json.samples.map((s: string, i: number) => (json.truncated[i] ? `${s}…` : s)));
    expect(text[30]).toBe('(… = cut at --max-length 3)');
  });

  it('prints its version', () => {
    const r = makemore('--version');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`makemore ${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  });

  it('run from another directory, finds its version and trains on the names file it bundles, saying which', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'mm-elsewhere-'));
    const run = (...args: string[]) => spawnSync(process.execPath, [...CLI_ANYWHERE, ...args], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, MAKEMORE_BACKEND: 'cpu' } });
    expect(run('--version').stdout).toMatch(/^makemore \d+\.\d+\.\d+\n$/);
    const r = run('train', '--out', 'out', '--engine', 'tree', '--steps', '2', '--eval-words', '20', '--samples', '0', ...SMALL_MODEL);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`25626 train / 3203 dev words from ${NAMES}`);
    expect(existsSync(join(elsewhere, 'out', 'model.safetensors'))).toBe(true);
  });

  it('finds a learning rate and draws the embeddings', () => {
    const out = join(work, 'lr');
    const r = makemore('lr-find', '--data', data, '--out', out, '--steps', '60', '--engine', 'tree', ...SMALL_MODEL);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/suggested learning rate \d/);
    expect(r.stderr).toMatch(/^step 60\/60 \| ETA 0m00s \| loss \d/m); // progress, as plain lines off a terminal
    expect(readFileSync(join(out, 'lr-find.svg'), 'utf8')).toContain('<svg');
    const e = makemore('embeddings', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--out', join(work, 'emb.svg'));
    expect(e.code, e.stderr).toBe(0);
    const svg = readFileSync(join(work, 'emb.svg'), 'utf8');
    for (const c of ['.', 'a', 'z']) expect(svg).toContain(`>${c}<`);
    const inDir = makemore('embeddings', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--out', out);
    expect(inDir.code, inDir.stderr).toBe(0);
    expect(readFileSync(join(out, 'embeddings.svg'), 'utf8')).toBe(svg);
  });
});

describe('a run directory belongs to one run', () => {
  const train = (out: string, ...more: string[]) => makemore('train', '--data', data, '--out', out, '--engine', 'tree', '--steps', '30', '--eval-every', '10', ...SMALL_MODEL, ...more);

  it('refuses a new run over another, replaces it with --force, and resumes only with --resume', () => {
    const out = join(work, 'owned');
    expect(train(out).code).toBe(0);
    const model = readFileSync(join(out, 'model.safetensors'));
    const again = train(out, '--steps', '20');
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`makemore train: ${out}: already holds a run (resume.safetensors, model.safetensors): add --resume to continue it, --force to replace it, or choose another --out\n`);
    expect(readFileSync(join(out, 'model.safetensors'))).toEqual(model);

    const forced = train(out, '--steps', '20', '--force', '--seed', '7');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(`new run, replacing resume.safetensors, model.safetensors, loss.svg in ${out}`);
    expect(lossHistory(out)).toHaveLength(20);
    expect(readFileSync(join(out, 'model.safetensors'))).not.toEqual(model);
    expect(readdirSync(out).sort()).toEqual(['loss.svg', 'model.safetensors', 'resume.safetensors']); // no lock left behind
  });

  it('takes --steps, --lr and --eval-every on --resume, and refuses what would not continue the run', () => {
    const out = join(work, 'extended');
    expect(train(out).code).toBe(0);
    const extended = makemore('train', '--out', out, '--resume', '--steps', '40', '--eval-every', '4');
    expect(extended.code, extended.stderr).toBe(0);
    expect(extended.stderr.match(/^step \d+: dev loss/gm)).toEqual(['step 32: dev loss', 'step 36: dev loss', 'step 40: dev loss']);
    expect(extended.stdout).toContain('done at step 40/40');
    expect(lossHistory(out)).toHaveLength(40);

    for (const [args, message] of [
      [['--steps', '20'], /--steps 20 does not extend the run, which is at step 40/],
      [[], /the run has finished \(step 40 of 40\): give --steps N with N > 40/],
      [['--steps', '50', '--layers', '4'], /--layers 4 differs from the run being resumed \(3\)/],
      [['--steps', '50', '--eval-words', '5'], /--eval-words 5 differs from the run being resumed \(1000\)/],
      [['--steps', '50', '--force'], /--resume continues the run in --out and --force replaces it/],
    ] as const) {
      const r = makemore('train', '--out', out, '--resume', ...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(lossHistory(out)).toHaveLength(40);
  });

  it('stores --ema\'s average in the resume file, saves it as the model, and keeps the recipe options fixed on --resume', () => {
    const out = join(work, 'recipe');
    const first = makemore('train', '--data', data, '--out', out, '--steps', '20', '--eval-every', '10', ...SMALL_MODEL, '--optimizer', 'adamw', '--ema', '0.9', '--schedule', 'cosine', '--warmup', '5', '--label-smoothing', '0.1', '--samples', '0');
    expect(first.code, first.stderr).toBe(0);
    const resume = decodeSafetensors(readFileSync(join(out, 'resume.safetensors')), 'resume');
    const emaNames = [...resume.tensors.keys()].filter((name) => name.startsWith('ema.'));
    expect(emaNames.sort()).toEqual([...resume.tensors.keys()].filter((name) => name.startsWith('optimizer.m.')).map((name) => `ema.${name.slice('optimizer.m.'.length)}`).sort());
    // the model saved is the average (the best at step 20, the last), not the trained weights
    const model = decodeSafetensors(readFileSync(join(out, 'model.safetensors')), 'model');
    expect(Array.from(model.tensors.get('head.weight')!.data)).not.toEqual(Array.from(resume.tensors.get('head.weight')!.data));
    for (const [args, message] of [
      [['--ema', '0.5'], /--ema 0\.5 differs from the run being resumed \(0\.9\)/],
      [['--schedule', 'step'], /--schedule step differs from the run being resumed \(cosine\)/],
      [['--warmup', '0'], /--warmup 0 differs from the run being resumed \(5\)/],
      [['--label-smoothing', '0'], /--label-smoothing 0 differs from the run being resumed \(0\.1\)/],
    ] as const) {
      const r = makemore('train', '--out', out, '--resume', '--steps', '30', ...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const resumed = makemore('train', '--out', out, '--resume', '--steps', '30', '--ema', '0.9', '--samples', '0');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(lossHistory(out)).toHaveLength(30);
    expect(makemore('train', '--data', data, '--out', join(work, 'bad-ema'), '--ema', '1').stderr).toMatch(/--ema must be a number ≥ 0 and < 1, got "1"/);
  });

  it('brings model.safetensors back in line with the resume file when a save was cut short between them', () => {
    const out = join(work, 'repaired');
    expect(train(out).code).toBe(0);
    const best = readFileSync(join(out, 'model.safetensors'));
    copyFileSync(join(work, 'run-conv', 'model.safetensors'), join(out, 'model.safetensors')); // stands in for the previous best
    expect(makemore('train', '--out', out, '--resume').code).toBe(2); // finished: nothing to train, but the model is re-exported
    expect(readFileSync(join(out, 'model.safetensors'))).toEqual(best);
  });

  it('lets one train write a directory at a time, exits 143 after saving on SIGTERM, and takes over the lock of a process that is gone', async () => {
    const out = join(work, 'locked');
    const run = startTraining('--data', data, '--out', out, '--steps', '100000', '--eval-every', '100000', ...SMALL_MODEL);
    await run.started;
    const lock = JSON.parse(readFileSync(join(out, 'train.lock'), 'utf8'));
    expect(lock.pid).toBe(run.child.pid);
    for (const flag of ['--force', '--resume']) {
      const second = makemore('train', '--data', data, '--out', out, flag, ...SMALL_MODEL);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(new RegExp(`^makemore train: ${out}: in use by another makemore train \\(process ${run.child.pid} on .*\\); wait for it, or delete .*train\\.lock if no run is going on\n$`));
    }
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(143);
    expect(run.stderr()).toContain('interrupted (SIGTERM): saving the run');
    const steps = lossHistory(out).length;
    expect(steps).toBeGreaterThan(0);
    expect(existsSync(join(out, 'train.lock'))).toBe(false);

    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(out, 'train.lock'), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), since: 'earlier' }));
    const resumed = makemore('train', '--out', out, '--resume', '--steps', String(steps + 5));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(lossHistory(out)).toHaveLength(steps + 5);
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
    expect(info.spec).toEqual(waveNetSpec({ vocabSize: 27, nEmbd: 4, channels: 6, skipChannels: 8, layers: 2, stacks: 2, dropout: 0.1, norm: 'none' }));
    expect(info.receptiveField).toBe(7);
    expect(makemore('info', '--checkpoint', ckpt).stdout).toMatch(/\nlayers\.4 +6 → 12 +156  conv kernel 2, dilation 2 \(layer\.3\.dilated\)\n[\s\S]*receptive field: 7 characters/);
    const evaluated = JSON.parse(makemore('eval', '--checkpoint', ckpt, '--data', data, '--json').stdout);
    expect(evaluated.loss).toBeGreaterThan(1);
    expect(evaluated.loss).toBeLessThan(3.3);
    const cached = JSON.parse(makemore('sample', '--checkpoint', ckpt, '--num', '12', '--seed', '3', '--json').stdout);
    const naive = JSON.parse(makemore('sample', '--checkpoint', ckpt, '--num', '12', '--seed', '3', '--generator', 'naive', '--json').stdout);
    expect(cached.samples).toHaveLength(12);
    expect(naive.samples).toEqual(cached.samples);
    for (const [option, value] of [['--dropout', '0.3'], ['--channels', '7'], ['--norm', 'layernorm'], ['--stacks', '1']]) {
      const resumed = makemore('train', '--data', data, '--out', out, '--resume', '--steps', '40', ...WAVENET.filter((a, i, all) => a !== option && all[i - 1] !== option), option, value);
      expect(resumed.code).toBe(2);
      expect(resumed.stderr).toMatch(new RegExp(`${option} ${value} differs from the run being resumed`));
    }
    const resumed = makemore('train', '--data', data, '--out', out, '--resume', '--steps', '40', ...WAVENET);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/done at step 40\/40/);
  });

  it.each([
    ['a WaveNet size for the lecture model', ['--channels', '8'], /--channels applies to --model wavenet, tcn, not lecture/],
    ['the tree engine', ['--model', 'wavenet', '--engine', 'tree'], /--engine tree runs the lecture preset only/],
    ['a dropout of 1', ['--model', 'wavenet', '--dropout', '1'], /--dropout must be a number ≥ 0 and < 1, got "1"/],
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
    ['resume with nothing to resume', () => (mkdirSync(join(work, 'fresh')), ['train', '--data', data, '--out', join(work, 'fresh'), '--resume']), /resume\.safetensors: no such file: nothing to resume/],
    ['resume of a directory that does not exist', () => ['train', '--data', data, '--out', join(work, 'absent'), '--resume'], /absent: no such directory: nothing to resume/],
    ['one item', () => (writeFileSync(join(work, 'one.txt'), 'ann\n'), ['train', '--data', join(work, 'one.txt'), '--out', join(work, 'x')]), /one\.txt: 1 item split 80\/10\/10 into 0 train, 0 val, 1 test; training needs train and val items \(at least 6 items in the file\)/],
    ['three items', () => (writeFileSync(join(work, 'three.txt'), 'ann\nbob\ncy\n'), ['train', '--data', join(work, 'three.txt'), '--out', join(work, 'x')]), /three\.txt: 3 items split 80\/10\/10 into 2 train, 0 val, 1 test; training needs train and val items/],
    ['an empty split at eval', () => (writeFileSync(join(work, 'three.txt'), 'ann\nbob\ncy\n'), ['eval', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--data', join(work, 'three.txt')]), /three\.txt: 3 items .* eval --split val needs val items/],
    ['one item for lr-find', () => (writeFileSync(join(work, 'one.txt'), 'ann\n'), ['lr-find', '--data', join(work, 'one.txt'), '--out', join(work, 'x')]), /one\.txt: 1 item .* lr-find needs train items \(at least 2 items/],
    ['a NUL byte in an item', () => (writeFileSync(join(work, 'nul.txt'), 'ann\nb\0b\n'), ['train', '--data', join(work, 'nul.txt'), '--out', join(work, 'x')]), /nul\.txt:2: control character U\+0000 in "b\\u0000b": items must be plain text/],
    ['an unknown --backend', () => ['eval', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--data', data, '--backend', 'foo'], /--backend must be one of auto, wasm, cpu, webasm, headlessgl, webgl2, gpu, got "foo"/],
    ['--threads 0', () => ['train', '--data', data, '--out', join(work, 'x'), '--threads', '0'], /--threads must be an integer from 1 to 64, got "0"/],
    ['an unknown --backend with the tree engine', () => ['train', '--data', data, '--out', join(work, 'x'), '--engine', 'tree', '--backend', 'foo'], /--backend must be one of .*, got "foo"/],
    ['--out naming a file', () => ['train', '--data', data, '--out', data], /names\.txt: exists and is not a directory \(--out\)/],
    ['a negative number', () => ['train', '--steps', '-5'], /--steps must be an integer from 1 to 10,000,000, got "-5"/],
    ['a negative learning rate', () => ['train', '--lr', '-0.1'], /--lr must be a number > 0, got "-0\.1"/],
    ['too many layers', () => ['train', '--layers', '40'], /--layers must be an integer from 1 to 10, got "40"/],
    ['a batch past the kernels\' cap', () => ['train', '--data', data, '--out', join(work, 'x'), '--batch', '60000'], /--batch 60000: 60000 words of up to \d+ characters \(the longest in .*names\.txt\) make up to [\d,]+ positions, over the conv kernels' cap of 65,536; use --batch \d+ or less/],
    ['a step past the memory limit', () => ['train', '--data', data, '--out', join(work, 'x'), '--batch', '4000', '--n-hidden', '1024'], /--batch 4000 with this model \(4,277,923 parameters\): a conv training step would hold about \d+\.\d GiB of activations and parameters, over the 2\.0 GiB limit/],
    ['WaveNet channels past the bound', () => ['train', '--data', data, '--out', join(work, 'x'), '--model', 'wavenet', '--channels', '5000'], /--channels must be an integer from 1 to 1,024, got "5000"/],
    ['too many WaveNet layers', () => ['train', '--data', data, '--out', join(work, 'x'), '--model', 'wavenet', '--layers', '30'], /--layers must be an integer from 1 to 10, got "30"/],
    ['too many WaveNet stacks', () => ['train', '--data', data, '--out', join(work, 'x'), '--model', 'wavenet', '--stacks', '100'], /--stacks must be an integer from 1 to 8, got "100"/],
    ['a WaveNet past the memory limit', () => ['train', '--data', data, '--out', join(work, 'x'), '--model', 'wavenet', '--channels', '1024', '--layers', '10', '--stacks', '4'], /--batch 32 with this model \(251,876,003 parameters\): a conv training step would hold about \d+\.\d GiB of activations and parameters, over the 2\.0 GiB limit/],
    ['a training pass past the wasm backend\'s arena', () => ['train', '--data', data, '--out', join(work, 'x'), '--backend', 'wasm', '--batch', '900', '--n-hidden', '1024'], /--batch 900: a training pass would hold about \d+\.\d GiB of results, over backend wasm( relaxed)?( ×\d+)?'s 1\.0 GiB per pass; use --batch \d+ or less/],
    ['a checkpoint holding NaN', () => ['sample', '--checkpoint', withNaN()], /nan\.safetensors: tensor head\.bias holds NaN at index 3: not a usable model/],
    ['eval of a checkpoint whose tensor bytes changed', () => ['eval', '--checkpoint', flipped(), '--data', data, '--json'], /^makemore eval: .*flipped\.safetensors: tensor head\.weight does not match its checksum: its bytes changed after the file was written/],
    ['sample of a checkpoint whose tensor bytes changed', () => ['sample', '--checkpoint', flipped()], /^makemore sample: .*flipped\.safetensors: tensor head\.weight does not match its checksum/],
    ['a JSON file as a checkpoint', () => (writeFileSync(join(work, 'model.json'), JSON.stringify({ vocab: '.ab', weights: [1, 2] })), ['sample', '--checkpoint', join(work, 'model.json')]), /model\.json: is a JSON file, not a safetensors checkpoint\n$/],
  ])('%s', (_, args, message) => {
    const r = makemore(...args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(work, 'x')), 'nothing created before the input was checked').toBe(false);
  });

  it('loads a checkpoint without checksums (another tool\'s), saying once that it is unverified; --json stays the last line', () => {
    const file = unverified('pytorch.safetensors');
    const r = makemore('eval', '--checkpoint', file, '--data', data, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`makemore: note: ${file} records no tensor checksums (written by another tool or an older makemore): its data was loaded unverified\n`);
    expect(JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!).loss).toBeGreaterThan(1);
  });

  it('an unknown $MAKEMORE_BACKEND', () => {
    const r = makemoreWith({ MAKEMORE_BACKEND: 'foo' }, 'eval', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--data', data);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('makemore eval: $MAKEMORE_BACKEND must be one of auto, wasm, cpu, webasm, headlessgl, webgl2, gpu, got "foo"\n');
  });

  const headless = probeMode('headlessgl');
  it.skipIf(headless.ok)(`--backend headlessgl where it is unavailable${headless.ok ? ' (skipped: headless GL works here)' : ''}`, () => {
    const r = makemore('eval', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--data', data, '--backend', 'headlessgl');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`makemore eval: backend "headlessgl" (from option) is unavailable: ${headless.ok ? '' : headless.reason}\n`);
  });

  it.runIf(process.platform === 'linux')('--out where no directory can be made (/proc), without hanging', () => {
    const r = makemore('train', '--data', data, '--out', '/proc/makemore-nope', ...SMALL_MODEL);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('makemore train: /proc/makemore-nope: cannot create directory /proc/makemore-nope: its parent does not accept new entries (--out)\n');
  });

  it.runIf(process.platform === 'linux')('sample --out in a directory that takes no new files (/proc)', () => {
    const r = makemore('sample', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), '--out', '/proc/makemore-names.txt');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('makemore sample: /proc/makemore-names.txt: cannot write: directory /proc does not accept new files\n');
  });

  it.each([
    ['a --prefix character outside the vocabulary', ['--prefix', 'k!'], /--prefix "k!": character "!" is not in the model's vocabulary/],
    ['a --prefix as long as --max-length', ['--prefix', 'anna', '--max-length', '4'], /--prefix has 4 characters: it must be shorter than --max-length \(4\)/],
    ['--min-len over --max-len', ['--min-len', '5', '--max-len', '3'], /--min-len 5 is more than --max-len 3/],
    ['--top-k over the vocabulary', ['--top-k', '99'], /--top-k must be at most the vocabulary size \(27\)/],
    ['a zero --temperature', ['--temperature', '0'], /--temperature must be a number > 0, got "0"/],
    ['--batch with the naive generator', ['--generator', 'naive', '--batch', '4'], /--batch: only --generator cached/],
    ['--data without --new', ['--data', 'x.txt'], /--data names the file --new leaves out: give --new with it/],
    ['--max-tries under --num', ['--num', '50', '--max-tries', '10'], /--max-tries must be an integer ≥ 50/],
    ['--out in a missing directory', ['--out', join(tmpdir(), 'no-such-dir', 'names.txt')], /names\.txt: cannot write: directory .*no-such-dir does not exist/],
  ])('sample: %s', (_, args, message) => expectOneLineError(makemore('sample', '--checkpoint', join(work, 'run-tree', 'model.safetensors'), ...args), message));

  it('stops on a non-finite loss, says at which step, and keeps the last good checkpoint', () => {
    const out = join(work, 'diverge');
    expect(makemore('train', '--data', data, '--out', out, '--steps', '10', '--eval-every', '5', '--engine', 'tree', ...SMALL_MODEL).code).toBe(0);
    copyFileSync(join(out, 'model.safetensors'), join(work, 'good.safetensors'));
    const r = makemore('train', '--data', data, '--out', out, '--steps', '400', '--eval-every', '200', '--engine', 'tree', '--resume', '--lr', '1e30', ...SMALL_MODEL);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/training loss (became (NaN|Infinity)|diverged) at step \d+.*; stopped, .*resume\.safetensors holds step 10/);
    expect(readFileSync(join(out, 'model.safetensors'))).toEqual(readFileSync(join(work, 'good.safetensors')));
  });

  it.each([
    ['AdamW at lr 1 (the lecture model)', ['--optimizer', 'adamw', '--lr', '1']],
    // on the wasm backend the loss stays finite (about 1e10), which the NaN check alone let through as a "best" model
    ['SGD at lr 1e9', ['--optimizer', 'sgd', '--lr', '1e9', '--backend', 'wasm', '--threads', '1']],
  ])('stops a diverging run, %s, within its first steps: exit 2, nothing saved as "best"', (_, args) => {
    const out = join(work, `diverging-${args[1]}`);
    const r = makemore('train', '--data', data, '--out', out, '--steps', '60', '--eval-every', '30', ...args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^makemore train: training loss (diverged at step \d: its moving average \d+\.\d{4} is over 2× its lowest, 3\.\d{4}|became (NaN|Infinity) at step \d); stopped, the last saved checkpoint is kept \(nothing was saved yet; try a lower --lr/);
    expect(r.stderr).not.toMatch(/dev loss|best/);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
  });
});
