// makemore sweep: a grid file's runs in sequence, the results table and plot, and resuming.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGrid, trainArgs } from '../src/sweep/grid.ts';
import { InputError } from '../src/errors.ts';

const CLI = ['--import', 'tsx', new URL('../src/cli.ts', import.meta.url).pathname];
const NAMES = new URL('../data/names.txt', import.meta.url).pathname;

function makemore(...args: string[]) {
  const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, MAKEMORE_BACKEND: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('grid files', () => {
  it('merges each run over the defaults, and turns options into train arguments', () => {
    const runs = parseGrid(JSON.stringify({ defaults: { batch: 8, steps: 5 }, runs: [{ name: 'a', options: { steps: 7, resume2: true } }] }), 'g.json');
    expect(runs).toEqual([{ name: 'a', options: { batch: 8, steps: 7, resume2: true } }]);
    expect(trainArgs(runs[0].options)).toEqual(['--batch', '8', '--steps', '7', '--resume2']);
  });

  it.each([
    ['not JSON', '{', /g\.json: not valid JSON/],
    ['no runs', '{"runs": []}', /"runs" must be a non-empty array/],
    ['a name twice', '{"runs": [{"name": "a"}, {"name": "a"}]}', /runs\[1\]: the name "a" is used twice/],
    ['a bad name', '{"runs": [{"name": "../up"}]}', /runs\[0\]\.name must be a directory name/],
    ['an option the sweep sets', '{"runs": [{"name": "a", "options": {"out": "x"}}]}', /runs\[0\]\.options\.out: the sweep sets --out itself/],
    ['an object as a value', '{"defaults": {"lr": {}}, "runs": [{"name": "a"}]}', /defaults\.lr must be a string, a number or true/],
  ])('refuses %s, naming the file and the place', (_, text, message) => {
    expect(() => parseGrid(text, 'g.json')).toThrow(InputError);
    expect(() => parseGrid(text, 'g.json')).toThrow(message);
  });
});

describe('makemore sweep', () => {
  it('runs every configuration, tabulates and plots them, and skips finished runs when run again', () => {
    const work = mkdtempSync(join(tmpdir(), 'mm-sweep-'));
    const data = join(work, 'names.txt');
    writeFileSync(data, readFileSync(NAMES, 'utf8').split('\n').slice(0, 400).join('\n'));
    const grid = join(work, 'grid.json');
    writeFileSync(grid, JSON.stringify({
      defaults: { data, optimizer: 'adamw', batch: 8, steps: 20, 'eval-every': 10, samples: 0 },
      runs: [
        { name: 'lecture', options: { 'n-embd': 4, 'n-hidden': 8, layers: 2 } },
        { name: 'wavenet', options: { model: 'wavenet', 'n-embd': 4, channels: 4, layers: 2 } },
      ],
    }));
    const out = join(work, 'out');
    const first = makemore('sweep', '--grid', grid, '--out', out);
    expect(first.code, first.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.map((r: { name: string }) => r.name)).toEqual(['lecture', 'wavenet']);
    for (const r of results) {
      expect(r.steps).toBe(20);
      expect(r.parameters).toBeGreaterThan(100);
      for (const loss of [r.dev, r.train, r.test]) expect(loss).toBeGreaterThan(1);
    }
    const table = readFileSync(join(out, 'results.md'), 'utf8');
    expect(table.split('\n').filter((l) => l.startsWith('| 1 ') || l.startsWith('| 2 '))).toHaveLength(2);
    expect(table).toContain('wavenet n-embd 4, channels 4');
    const svg = readFileSync(join(out, 'results.svg'), 'utf8');
    expect(svg).toMatch(/best dev loss against parameters[\s\S]*best dev loss against wall time/);
    const again = makemore('sweep', '--grid', grid, '--out', out);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr.match(/\(done, skipped\)/g)).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).toEqual(results);
  });

  it('--jobs 2: two runs at once as child processes, the results complete, a rerun skips them', () => {
    const work = mkdtempSync(join(tmpdir(), 'mm-sweep-jobs-'));
    const data = join(work, 'names.txt');
    writeFileSync(data, readFileSync(NAMES, 'utf8').split('\n').slice(0, 400).join('\n'));
    const grid = join(work, 'grid.json');
    writeFileSync(grid, JSON.stringify({
      defaults: { data, optimizer: 'adamw', batch: 8, steps: 20, 'eval-every': 10, samples: 0 },
      runs: [
        { name: 'lecture', options: { 'n-embd': 4, 'n-hidden': 8, layers: 2, ema: 0.9 } },
        { name: 'wavenet', options: { model: 'wavenet', 'n-embd': 4, channels: 4, layers: 2, schedule: 'cosine', warmup: 5, 'label-smoothing': 0.1 } },
        { name: 'third', options: { 'n-embd': 3, 'n-hidden': 6, layers: 2, threads: 1 } },
      ],
    }));
    const out = join(work, 'out');
    const first = makemore('sweep', '--grid', grid, '--out', out, '--jobs', '2');
    expect(first.code, first.stderr).toBe(0);
    // each child's lines carry its run's name
    for (const name of ['lecture', 'wavenet', 'third']) expect(first.stderr).toMatch(new RegExp(`^\\[${name}\\] new run`, 'm'));
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.map((r: { name: string }) => r.name)).toEqual(['lecture', 'wavenet', 'third']);
    for (const r of results) {
      expect(r.steps).toBe(20);
      for (const loss of [r.dev, r.train, r.test]) expect(loss).toBeGreaterThan(1);
    }
    expect(results[0].options).toEqual({ data, optimizer: 'adamw', batch: 8, steps: 20, 'eval-every': 10, samples: 0, 'n-embd': 4, 'n-hidden': 8, layers: 2, ema: 0.9 });
    const table = readFileSync(join(out, 'results.md'), 'utf8');
    expect(first.stdout.endsWith(table)).toBe(true);
    expect(table.split('\n').filter((l) => /^\| [123] /.test(l))).toHaveLength(3);
    const again = makemore('sweep', '--grid', grid, '--out', out, '--jobs', '2');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr.match(/\(done, skipped\)/g)).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).toEqual(results);
  });

  it('stops on Ctrl-C with the run saved and exit status 130, writing no results', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mm-sweep-stop-'));
    const data = join(work, 'names.txt');
    writeFileSync(data, readFileSync(NAMES, 'utf8').split('\n').slice(0, 400).join('\n'));
    const grid = join(work, 'grid.json');
    writeFileSync(grid, JSON.stringify({ defaults: { data, batch: 8, steps: 1000000, samples: 0 }, runs: [{ name: 'long', options: { 'n-embd': 4, 'n-hidden': 8, layers: 2 } }] }));
    const out = join(work, 'out');
    const child = spawn(process.execPath, [...CLI, 'sweep', '--grid', grid, '--out', out], { env: { ...process.env, MAKEMORE_BACKEND: 'cpu' } });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/new run/.test(stderr)) resolve();
      });
      void exited.then(() => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(existsSync(join(out, 'long', 'resume.safetensors'))).toBe(true);
    expect(existsSync(join(out, 'results.json'))).toBe(false);
  });

  it('refuses a missing grid file with one line', () => {
    const r = makemore('sweep', '--grid', '/nonexistent/grid.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^makemore sweep: \/nonexistent\/grid\.json: no such file\n$/);
  });
});
