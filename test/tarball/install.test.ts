// The package as a user gets it: `npm pack` (which builds), installed offline into an empty
// project, then used with no loader — the README's library example type-checked against the
// shipped declarations and run by plain node, a smaller consumer that loads the checkpoint it
// saved, the installed `makemore` command, and the browser entry on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { consumerLock } from './consumer-lock.ts';
import { undocumentedExports } from './undocumented-exports.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PKG = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const EXAMPLE = join(REPO, 'examples/use-as-library.ts');
const CUSTOM_STACK = join(REPO, 'examples/custom-stack.ts');

let work: string; // the temporary directory: the tarball and the consumer project
let project: string; // the consumer project
let installed: string; // node_modules/makemore-wavenet in it
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
let install: SpawnSyncReturns<string>;

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8' });
}

function ok(r: SpawnSyncReturns<string>): string {
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mm-tarball-'));
  [packed] = JSON.parse(ok(run('npm', ['pack', '--json', '--pack-destination', work], REPO)));
  project = join(work, 'consumer');
  mkdirSync(project);
  const tarball = `file:../${packed.filename}`;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { [PKG.name]: tarball } }));
  const repoLock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8'));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock('consumer', PKG, tarball, repoLock)));
  // --ignore-scripts: gpu.js's optional `gl` would compile ANGLE (README, Quick start)
  install = run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
  installed = join(project, 'node_modules', PKG.name);
  cpSync(join(REPO, 'test/tarball/consumer'), project, { recursive: true });
  cpSync(EXAMPLE, join(project, 'use-as-library.ts'));
  cpSync(CUSTOM_STACK, join(project, 'custom-stack.ts'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the build, the command, the data, README and LICENSE, and nothing else', () => {
    const files = packed.files.map((f) => f.path);
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/makemore\.js|data\/names\.txt|dist\/(src|kernels)\/[\w/.-]+\.(js|d\.ts))$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/node.js', 'dist/src/node.d.ts', 'dist/src/cli.js', 'dist/kernels/conv1d.js', 'LICENSE']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.as.ts') || f.startsWith('dist/test'))).toEqual([]);
    console.log(`${packed.filename}: ${packed.files.length} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
  });

  it('installs offline from the tarball without a warning, and without tsx', () => {
    ok(install);
    expect(install.stderr).not.toMatch(/warn/i);
    expect(existsSync(join(installed, 'package.json'))).toBe(true);
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
  });
});

describe('in plain Node, without a loader', () => {
  let exampleOutput = '';

  it('the README example type-checks against the shipped declarations and runs', () => {
    const code = readFileSync(EXAMPLE, 'utf8').replace(/^(\/\/.*\n)+/, '');
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain(code);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out', skipLibCheck: false,
        types: ['node'], typeRoots: [join(REPO, 'node_modules/@types')],
      },
      files: ['use-as-library.ts', 'library-smoke.ts', 'custom-stack.ts'],
    }));
    ok(run(process.execPath, [TSC, '-p', 'tsconfig.json'], project));
    exampleOutput = ok(run(process.execPath, ['out/use-as-library.js'], project));
    const losses = [...exampleOutput.matchAll(/dev loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(2);
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(losses[1]).toBeLessThan(Math.log(27) - 0.5); // well below a uniform guess over 27 characters
    expect(exampleOutput).toMatch(/samples: [a-z]+(, [a-z]+){9}\n/);
    expect(existsSync(join(project, 'model.safetensors'))).toBe(true);
  });

  it('a stack of your own (examples/custom-stack.ts) trains, saves, loads and samples; the command samples the same names', () => {
    const output = ok(run(process.execPath, ['out/custom-stack.js'], project));
    expect(output).toContain('receptive field 27');
    const losses = [...output.matchAll(/dev loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(2);
    expect(losses[1]).toBeLessThan(Math.log(27) - 0.5);
    const names = output.match(/samples: (.*)\n/)![1].split(', ');
    const cli = JSON.parse(ok(run(join(project, 'node_modules/.bin/makemore'), ['sample', '--checkpoint', 'custom.safetensors', '--seed', '42', '--num', '10', '--min-len', '0', '--json'], project)));
    expect(cli.samples).toEqual(names);
  });

  it('the installed makemore command reads that checkpoint and agrees with the library', () => {
    const makemore = (...args: string[]) => run(join(project, 'node_modules/.bin/makemore'), args, project);
    expect(ok(makemore('info', '--checkpoint', 'model.safetensors'))).toContain('parameters: 76,579');
    const evaluated = JSON.parse(ok(makemore('eval', '--checkpoint', 'model.safetensors', '--data', join(installed, 'data/names.txt'), '--split', 'val', '--json')));
    const lastDevLoss = Number([...exampleOutput.matchAll(/dev loss (\d+\.\d+)/g)].at(-1)![1]);
    expect(Math.abs(evaluated.loss - lastDevLoss)).toBeLessThan(1e-4);
    const missing = makemore('sample', '--checkpoint', 'nope.safetensors');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('makemore sample: nope.safetensors: no such file\n');
  });

  it('the installed command and npx print the version, and train from an empty directory on the bundled names', () => {
    expect(ok(run(join(project, 'node_modules/.bin/makemore'), ['--version'], project))).toBe(`makemore ${PKG.version}\n`);
    expect(ok(run('npx', ['--no-install', 'makemore', '--version'], project))).toBe(`makemore ${PKG.version}\n`);
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const trained = run(join(project, 'node_modules/.bin/makemore'), ['train', '--engine', 'tree', '--steps', '2', '--eval-words', '20', '--samples', '0', '--n-embd', '4', '--n-hidden', '8'], empty);
    ok(trained);
    expect(trained.stderr).toContain(`25626 train / 3203 dev words from ${join(installed, 'data/names.txt')}`);
    expect(existsSync(join(empty, 'out/model.safetensors'))).toBe(true);
  });

  it('a consumer builds the lecture model, loads the checkpoint, evaluates words and samples the names the command samples', () => {
    const smoke = JSON.parse(ok(run(process.execPath, ['out/library-smoke.js', 'model.safetensors', '7', '5'], project)));
    expect(smoke.lectureParams).toBe(76_579);
    expect(smoke.config).toMatchObject({ vocabSize: 27, nEmbd: 24, nHidden: 128, nLayers: 3 });
    expect(smoke.treeLoss).toBeLessThan(Math.log(27));
    expect(Math.abs(smoke.treeLoss - smoke.convLoss)).toBeLessThan(1e-5);
    expect(smoke.missingFile).toBe('missing.safetensors: no such file');
    const cli = JSON.parse(ok(run(join(project, 'node_modules/.bin/makemore'), ['sample', '--checkpoint', 'model.safetensors', '--seed', '7', '--num', '5', '--json'], project)));
    expect(smoke.names).toEqual(cli.samples);
  });
});

describe('the browser entry', () => {
  const HOOKS = pathToFileURL(join(REPO, 'test/tarball/forbid-node-builtins.mjs')).href;
  const importUnderHooks = (conditions: string[]) =>
    run(process.execPath, [
      ...conditions.map((c) => `--conditions=${c}`),
      '--import', `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(HOOKS)});`,
      '--input-type=module', '-e', `console.log(JSON.stringify(Object.keys(await import('${PKG.name}'))))`,
    ], project);

  it('imports no Node built-in module (the node entry, as a control, does)', () => {
    const names: string[] = JSON.parse(ok(importUnderHooks(['browser'])));
    expect(names).toContain('decodeCheckpoint');
    expect(names).not.toContain('loadCheckpoint');
    const node = importUnderHooks([]);
    expect(node.status).not.toBe(0);
    expect(node.stderr).toMatch(/imports the Node built-in module node:/);
  });

  it('has declarations that type-check without Node types, and without file I/O', () => {
    writeFileSync(join(project, 'tsconfig.browser.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', customConditions: ['browser'], lib: ['ES2022', 'DOM'],
        types: [], strict: true, noEmit: true, skipLibCheck: false,
      },
      files: ['browser.ts'],
    }));
    ok(run(process.execPath, [TSC, '-p', 'tsconfig.browser.json'], project));
  });
});

describe('the public API', () => {
  it('documents every name it exports, in the shipped declarations', () => {
    for (const entry of ['dist/src/index.d.ts', 'dist/src/node.d.ts']) expect(undocumentedExports(join(installed, entry))).toEqual([]);
  });
});
