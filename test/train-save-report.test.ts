// `train` says a dev evaluation's model was saved only once the save has succeeded: with the disk
// full at the second evaluation's commit, its line says "not saved", and the error follows it.
// node:fs is mocked so that once the first commit's three files are renamed into place, every
// write fails with ENOSPC.
import { afterEach, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainCommand } from '../src/commands/train.ts';
import { InputError } from '../src/errors.ts';

const disk = vi.hoisted(() => ({ renames: 0, full: false }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const renameSync = (from: string, to: string) => {
    fs.renameSync(from, to);
    disk.renames++;
  };
  const writeSync = (...args: Parameters<typeof fs.writeSync>) => {
    if (disk.full && disk.renames >= 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  };
  return { ...fs, default: { ...fs, renameSync, writeSync }, renameSync, writeSync };
});

const work = mkdtempSync(join(tmpdir(), 'mm-save-report-'));
afterEach(() => rmSync(work, { recursive: true, force: true }));

it('reports "saved" only after the commit, and not at all when the disk is full', async () => {
  const data = join(work, 'names.txt');
  writeFileSync(data, readFileSync(new URL('../data/names.txt', import.meta.url), 'utf8').split('\n').slice(0, 600).join('\n'));
  const out = join(work, 'run');
  const stderr: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => (stderr.push(String(text)), true));
  disk.full = true;
  let caught: unknown;
  try {
    await trainCommand(['--data', data, '--out', out, '--engine', 'tree', '--steps', '20', '--eval-every', '10', '--optimizer', 'adamw', '--samples', '0', '--n-embd', '6', '--n-hidden', '10']);
  } catch (e) {
    caught = e;
  } finally {
    spy.mockRestore();
    disk.full = false;
  }
  expect(caught).toBeInstanceOf(InputError);
  expect((caught as Error).message).toBe(`${join(out, 'resume.safetensors')}: cannot write: ENOSPC: no space left on device, write`);
  const lines = stderr.join('').split('\n').filter((l) => /^step \d+: dev loss/.test(l));
  expect(lines).toEqual([
    expect.stringMatching(new RegExp(`^step 10: dev loss \\d\\.\\d{4} \\(best, saved ${join(out, 'model.safetensors')}\\)$`)),
    expect.stringMatching(/^step 20: dev loss \d\.\d{4} \(best; not saved\)$/),
  ]);
});
