import { createWasmOps } from '../src/engine/wasm-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';
import { loadFixture, freshParams } from './setup.ts';
import { convEngine } from '../src/train/engines.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { PythonRandom } from '../src/rng.ts';
import { timeOps, profileSteps } from './op-profile.ts';
const fx = loadFixture();
for (const B of [32, 64]) for (const T of [2, 1]) {
  const raw = await createWasmOps({ threads: T, spawn: nodeWorkers });
  const ms = new Map<string, number>();
  const ops = process.argv.includes('--ops') ? timeOps(raw, ms) : raw;
  const params = freshParams(fx.cfg);
  const engine = convEngine(params, fx.cfg, ops, fx.train);
  const grads = engine.newGrads();
  const opt = new Optimizer({ name: 'adamw', lr: 0.003, decayAt: 0.75, weightDecay: 0.01 }, ops);
  const rng = new PythonRandom(1);
  let i = 0, targets = 0;
  const prof = profileSteps(() => { for (const g of grads.values()) g.data.fill(0); targets += engine.step(rng, B, grads).targets; opt.step(params, grads, 0.003, i++); }, ms, 50, 400);
  console.log(B, T, Object.entries(prof).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', '), Math.round(targets / 450 / prof.step * 1000), 'targets/s');
  raw.destroy();
}
