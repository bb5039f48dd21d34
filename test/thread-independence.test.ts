// The wasm backend's results do not depend on its threads: pieces of a kernel are claimed by
// whichever thread is free, and every sum runs in an order fixed by the shapes alone. A WaveNet with
// LayerNorm and dropout (no BatchNorm, whose per-piece partial sums follow the piece count) trained a
// few AdamW steps on one thread and on two gives the same parameters, bit for bit, in each SIMD build.

import { expect, it } from 'vitest';
import { randomWaveNet, split, vocab } from './equivalence-helpers.ts';
import { PythonRandom } from '../src/rng.ts';
import { convEngine } from '../src/train/engines.ts';
import { Optimizer, type OptimizerConfig } from '../src/train/optimizer.ts';
import { newTrainState, train } from '../src/train/trainer.ts';
import { createWasmOps, relaxedSimdAvailable, wasmUnavailableReason, type SimdVariant } from '../src/engine/wasm-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';

const STEPS = 6;
const OPTIMIZER: OptimizerConfig = { name: 'adamw', lr: 0.01, decayAt: 0.75, weightDecay: 0.01 };
const words = split.train.slice(0, 400).map((w) => vocab.encode(w));
const devWords = split.val.slice(0, 40).map((w) => vocab.encode(w));
const unavailable = wasmUnavailableReason();
const builds: SimdVariant[] = relaxedSimdAvailable() ? ['plain', 'relaxed'] : ['plain'];

async function trained(threads: number, simd: SimdVariant) {
  const ops = await createWasmOps({ threads, simd, spawn: nodeWorkers });
  try {
    // 32 words a step: a few hundred positions, enough for every kernel to be split over the threads
    const { params, spec } = randomWaveNet(7, { nEmbd: 8, channels: 12, skipChannels: 10, norm: 'layernorm', dropout: 0.3 });
    const engine = convEngine(params, spec, ops, words);
    const state = await train(engine, params, new Optimizer(OPTIMIZER, ops), new PythonRandom(3), devWords, { steps: STEPS, batchSize: 32, optimizer: OPTIMIZER, evalEvery: STEPS }, newTrainState());
    return { params, losses: state.losses };
  } finally {
    ops.destroy();
  }
}

for (const simd of builds) {
  it.skipIf(unavailable !== null)(`wasm, ${simd} SIMD: ${STEPS} AdamW steps of a LayerNorm WaveNet with dropout on 1 and 2 threads, bit for bit${unavailable ? ` (skipped: ${unavailable})` : ''}`, async () => {
    const [one, two] = [await trained(1, simd), await trained(2, simd)];
    expect(two.losses).toEqual(one.losses);
    expect(one.losses[STEPS - 1]).toBeLessThan(one.losses[0]);
    for (const [name, t] of one.params.tensors) expect(two.params.get(name).data, name).toEqual(t.data);
  });
}
