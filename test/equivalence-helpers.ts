// Shared setup for tree ≡ conv tests: a random model (with non-trivial BatchNorm state) and real names.
import { PythonRandom } from '../src/rng.ts';
import type { ModelConfig, ParamSet } from '../src/params.ts';
import { initLecture, lectureSpec } from '../src/presets/lecture.ts';
import { waveNetSpec, type WaveNetConfig } from '../src/presets/wavenet.ts';
import { initParams } from '../src/spec/init.ts';
import { resolveSpec, type ResolvedSpec } from '../src/spec/resolve.ts';
import { parseItems } from '../src/data/items.ts';
import { Vocab } from '../src/data/vocab.ts';
import { lectureSplit } from '../src/data/split.ts';
// through Vite, so that the suites using it run in a browser page too (test/browser/)
import namesText from '../data/names.txt?raw';

export const names = parseItems(namesText, 'data/names.txt');
export const vocab = Vocab.fromItems(names, 'data/names.txt');
export const split = lectureSplit(names.map((i) => i.text));

/** Random weights plus random BN gains, biases and running statistics, so eval-mode BN is not the identity. */
export function randomModel(nLayers: number, seed: number, sizes: { nEmbd: number; nHidden: number; kernel?: number } = { nEmbd: 5, nHidden: 7 }): { params: ParamSet; cfg: ModelConfig; spec: ResolvedSpec } {
  const cfg = { vocabSize: vocab.size, nLayers, ...sizes };
  const rng = new PythonRandom(seed);
  const params = initLecture(cfg, rng);
  for (let k = 0; k < nLayers; k++) {
    const set = (s: string, f: () => number) => params.get(`bn.${k}.${s}`).data.forEach((_, i, a) => (a[i] = f()));
    set('weight', () => 1 + 0.3 * rng.gauss());
    set('bias', () => 0.2 * rng.gauss());
    set('running_mean', () => 0.5 * rng.gauss());
    set('running_var', () => 0.5 + rng.random());
  }
  return { params, cfg, spec: resolveSpec(lectureSpec(cfg)) };
}

/** A random WaveNet: its weights, biases and BatchNorm state all away from their initial values. */
export function randomWaveNet(seed: number, sizes: Partial<WaveNetConfig> = {}): { params: ParamSet; cfg: WaveNetConfig; spec: ResolvedSpec } {
  const cfg: WaveNetConfig = { vocabSize: vocab.size, nEmbd: 4, channels: 5, skipChannels: 6, layers: 3, stacks: 1, dropout: 0, norm: 'none', ...sizes };
  const spec = resolveSpec(waveNetSpec(cfg));
  const rng = new PythonRandom(seed);
  const params = initParams(spec, rng);
  for (const [name, t] of params.tensors) {
    if (name.endsWith('running_var')) t.data.forEach((_, i, a) => (a[i] = 0.5 + rng.random()));
    else if (t.shape.length === 1 || name === 'head.weight') t.data.forEach((v, i, a) => (a[i] = v + 0.3 * rng.gauss()));
  }
  return { params, cfg, spec };
}
