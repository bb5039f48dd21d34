// A write that fails halfway (disk full) must leave the previous checkpoint intact and no
// temporary file behind. node:fs is mocked so that, when armed, the first `okWrites` write calls
// go through, then one puts half its bytes on disk and the next fails.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../src/io/checkpoint-file.ts';
import { exportModel, loadResume, saveRun } from '../src/io/run-dir.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { newTrainState } from '../src/train/trainer.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { InputError } from '../src/errors.ts';
import { Vocab } from '../src/data/vocab.ts';
import { initLecture as initHierarchical, lectureSpec } from '../src/presets/lecture.ts';
import { PythonRandom } from '../src/rng.ts';

const diskFull = vi.hoisted(() => ({ armed: false, okWrites: 0, calls: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = (fd: number, buffer: Uint8Array, offset: number, length: number): number => {
    if (!diskFull.armed || diskFull.okWrites-- > 0) return fs.writeSync(fd, buffer, offset, length);
    if (diskFull.calls++ === 0) return fs.writeSync(fd, buffer, offset, Math.ceil(length / 2));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const vocab = new Vocab(['.', 'a', 'b']);
const cfg = { vocabSize: 3, nEmbd: 2, nHidden: 3, nLayers: 1 };

const dirs: string[] = [];
afterEach(() => {
  Object.assign(diskFull, { armed: false, okWrites: 0, calls: 0 });
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a checkpoint write that fails partway', () => {
  it('leaves the old checkpoint intact and removes the partial temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoint-fail-'));
    dirs.push(dir);
    const file = join(dir, 'model.safetensors');
    saveCheckpoint(file, { params: initHierarchical(cfg, new PythonRandom(1)), vocab, spec: lectureSpec(cfg), trainState: { step: 1 } });
    const before = readFileSync(file);

    diskFull.armed = true;
    let caught: unknown;
    try {
      saveCheckpoint(file, { params: initHierarchical(cfg, new PythonRandom(2)), vocab, spec: lectureSpec(cfg), trainState: { step: 2 } });
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

describe('a run commit cut short between the resume file and the model', () => {
  it('keeps the resume file as the commit, the previous model beside it, and --resume re-exports the model from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-fail-'));
    dirs.push(dir);
    const rng = new PythonRandom(1);
    const optimizer = new Optimizer({ name: 'sgd', lr: 0.1, decayAt: 1, weightDecay: 0 }, referenceOps);
    const snapshot = (seed: number, step: number) => {
      const best = initHierarchical(cfg, new PythonRandom(seed));
      const state = { ...newTrainState(), step, losses: new Array(step).fill(1), best: { step, loss: 1 / seed } };
      return { params: best, best, vocab, spec: lectureSpec(cfg), settings: { ...cfg }, state, rng, optimizer };
    };
    saveRun(dir, snapshot(1, 1));
    const firstModel = readFileSync(join(dir, 'model.safetensors'));

    diskFull.armed = true;
    diskFull.okWrites = 1; // the resume file goes through in one write; the model's first write is cut short
    expect(() => saveRun(dir, snapshot(2, 2))).toThrow(/model\.safetensors: cannot write: ENOSPC/);
    diskFull.armed = false;

    expect(diskFull.calls).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['loss.svg', 'model.safetensors', 'resume.safetensors']);
    expect(readFileSync(join(dir, 'model.safetensors')).equals(firstModel)).toBe(true);
    const point = loadResume(dir);
    expect(point.state.step).toBe(2);
    const second = initHierarchical(cfg, new PythonRandom(2));
    expect(point.best!.tensors).toEqual(second.tensors);

    exportModel(dir, point.best!, point.checkpoint.vocab, point.checkpoint.spec.spec, point.checkpoint.config);
    expect(loadCheckpoint(join(dir, 'model.safetensors')).params.tensors).toEqual(second.tensors);
  });
});
