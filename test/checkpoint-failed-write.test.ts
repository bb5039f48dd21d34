// A write that fails halfway (disk full) must leave the previous checkpoint intact and no
// temporary file behind. node:fs is mocked so that, when armed, the second write call fails
// after the first has put half the bytes on disk.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../src/io/checkpoint-file.ts';
import { InputError } from '../src/errors.ts';
import { Vocab } from '../src/data/vocab.ts';
import { initHierarchical } from '../src/params.ts';
import { PythonRandom } from '../src/rng.ts';

const diskFull = vi.hoisted(() => ({ armed: false, calls: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = (fd: number, buffer: Uint8Array, offset: number, length: number): number => {
    if (!diskFull.armed) return fs.writeSync(fd, buffer, offset, length);
    if (diskFull.calls++ === 0) return fs.writeSync(fd, buffer, offset, Math.ceil(length / 2));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const vocab = new Vocab(['.', 'a', 'b']);
const cfg = { vocabSize: 3, nEmbd: 2, nHidden: 3, nLayers: 1 };

const dirs: string[] = [];
afterEach(() => {
  diskFull.armed = false;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a checkpoint write that fails partway', () => {
  it('leaves the old checkpoint intact and removes the partial temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoint-fail-'));
    dirs.push(dir);
    const file = join(dir, 'model.safetensors');
    saveCheckpoint(file, { params: initHierarchical(cfg, new PythonRandom(1)), vocab, trainState: { step: 1 } });
    const before = readFileSync(file);

    diskFull.armed = true;
    let caught: unknown;
    try {
      saveCheckpoint(file, { params: initHierarchical(cfg, new PythonRandom(2)), vocab, trainState: { step: 2 } });
    } catch (e) {
      caught = e;
    }
    diskFull.armed = false;

    expect(diskFull.calls).toBe(2); // the mock really did cut the write short
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).message).toBe(`${file}: cannot write: ENOSPC: no space left on device, write`);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(loadCheckpoint(file).trainState).toEqual({ step: 1 });
  });
});
