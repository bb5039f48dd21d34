// The training recipe's options (issue 22): the lr schedule and warm-up, the weight average (--ema)
// and label smoothing; each off by default, so the lecture's recipe means what it did.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonRandom } from '../src/rng.ts';
import { ParamSet } from '../src/params.ts';
import { tensor } from '../src/tensor.ts';
import { learningRate, Optimizer, timedLearningRate, type OptimizerConfig } from '../src/train/optimizer.ts';
import { WeightAverage } from '../src/train/ema.ts';
import { newTrainState, train, type TrainOptions } from '../src/train/trainer.ts';
import { treeEngine } from '../src/train/engines.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { initLecture, lectureSpec } from '../src/presets/lecture.ts';
import { loadResume, saveRun } from '../src/io/run-dir.ts';
import { crossEntropy } from '../src/layers/cross-entropy.ts';
import { HeadCrossEntropy } from '../src/models/conv-layers/head.ts';
import type { Pass } from '../src/models/conv-layers/layer.ts';
import { numericGrad, relError } from './finite-difference.ts';
import { describeBackends, gaussian } from './kernels-harness.ts';
import { split, vocab } from './equivalence-helpers.ts';

describe('learning-rate schedule', () => {
  const base: OptimizerConfig = { name: 'sgd', lr: 0.1, decayAt: 0.75, weightDecay: 0 };

  it('step (the default): lr until 75% of the steps, then lr/10, as before', () => {
    expect([0, 149_999, 150_000, 199_999].map((s) => learningRate(base, s, 200_000))).toEqual([0.1, 0.1, 0.01, 0.01]);
    expect(learningRate({ ...base, schedule: 'step', warmup: 0 }, 149_999, 200_000)).toBe(0.1);
  });

  it('warm-up: linear from 0 to lr over N steps, then the schedule', () => {
    const cfg = { ...base, warmup: 4 };
    expect([0, 1, 2, 3, 4, 14, 15].map((s) => +learningRate(cfg, s, 20).toFixed(12))).toEqual([0.025, 0.05, 0.075, 0.1, 0.1, 0.1, 0.01]);
  });

  it('cosine: from lr after the warm-up down to lr/10 at the last step', () => {
    const cfg: OptimizerConfig = { ...base, schedule: 'cosine', warmup: 4 };
    // steps 4…24 are the cosine's 21 steps: 4 is its start, 14 its middle, 24 its end
    expect(learningRate(cfg, 0, 25)).toBeCloseTo(0.025, 15);
    expect(learningRate(cfg, 3, 25)).toBeCloseTo(0.1, 15);
    expect(learningRate(cfg, 4, 25)).toBeCloseTo(0.1, 15);
    expect(learningRate(cfg, 14, 25)).toBeCloseTo(0.01 + 0.09 * 0.5, 15);
    expect(learningRate(cfg, 9, 25)).toBeCloseTo(0.01 + 0.09 * (1 + Math.cos(Math.PI / 4)) / 2, 15);
    expect(learningRate(cfg, 24, 25)).toBeCloseTo(0.01, 15);
    const noWarmup = { ...base, schedule: 'cosine' } as const;
    expect(learningRate(noWarmup, 0, 11)).toBeCloseTo(0.1, 15);
    expect(learningRate(noWarmup, 5, 11)).toBeCloseTo(0.055, 15);
    expect(learningRate(noWarmup, 10, 11)).toBeCloseTo(0.01, 15);
    expect(learningRate(noWarmup, 0, 1)).toBeCloseTo(0.01, 15); // a one-step run is at its end
  });

  it('with --minutes: the warm-up counts steps, the cosine and the step drop the budget', () => {
    const cosine: OptimizerConfig = { ...base, schedule: 'cosine', warmup: 2 };
    expect(timedLearningRate(cosine, 0.001, 60, 0)).toBeCloseTo(0.05, 15);
    expect(timedLearningRate(cosine, 0.002, 60, 1)).toBeCloseTo(0.1, 15);
    expect(timedLearningRate(cosine, 30, 60, 500)).toBeCloseTo(0.055, 15);
    expect(timedLearningRate(cosine, 15, 60, 500)).toBeCloseTo(0.01 + 0.09 * (1 + Math.cos(Math.PI / 4)) / 2, 15);
    expect(timedLearningRate(cosine, 70, 60, 500)).toBeCloseTo(0.01, 15);
    expect([44, 45, 46].map((t) => timedLearningRate(base, t, 60, 500))).toEqual([0.1, 0.01, 0.01]);
    expect(timedLearningRate({ ...base, warmup: 10 }, 50, 60, 4)).toBeCloseTo(0.05, 15);
  });

  it('the trainer steps with the schedule', async () => {
    const { params, engine, rng } = lecture();
    const optimizer: OptimizerConfig = { name: 'adamw', lr: 0.01, decayAt: 0.75, weightDecay: 0, schedule: 'cosine', warmup: 3 };
    const rates: number[] = [];
    await train(engine(params), params, new Optimizer(optimizer, referenceOps), rng, devWords, { steps: 9, batchSize: 8, optimizer, evalEvery: 100 }, newTrainState(), { onStep: (s) => rates.push(s.lr) });
    expect(rates).toEqual(Array.from({ length: 9 }, (_, s) => learningRate(optimizer, s, 9)));
  });
});

const cfg = { vocabSize: vocab.size, nEmbd: 5, nHidden: 8, nLayers: 3 };
const trainWords = split.train.slice(0, 300).map((w) => vocab.encode(w));
const devWords = split.val.slice(0, 50).map((w) => vocab.encode(w));

function lecture() {
  const rng = new PythonRandom(9);
  const params = initLecture(cfg, rng);
  return { rng, params, engine: (p: ParamSet) => treeEngine(p, cfg, trainWords) };
}

describe('--ema: the weights\' moving average', () => {
  const DECAY = 0.9;
  const opts: TrainOptions = { steps: 24, batchSize: 16, optimizer: { name: 'adamw', lr: 0.01, decayAt: 0.75, weightDecay: 0.01 }, evalEvery: 8 };

  it('is the bias-corrected average of the weights after each step, evaluated without disturbing training', async () => {
    const plain = lecture();
    const without = await train(plain.engine(plain.params), plain.params, new Optimizer(opts.optimizer, referenceOps), plain.rng, devWords, { ...opts, steps: 5, evalEvery: 5 }, newTrainState());

    const run = lecture();
    const ema = new WeightAverage(DECAY, run.params);
    const after: ParamSet[] = [];
    const engine = run.engine(run.params);
    const state = await train(engine, run.params, new Optimizer(opts.optimizer, referenceOps), run.rng, devWords, { ...opts, steps: 5, evalEvery: 5, ema }, newTrainState(), {
      onStep: () => after.push(run.params.clone()),
    });
    // training is the same, bit for bit: the evaluation put the trained weights back
    expect(state.losses).toEqual(without.losses);
    for (const [name, t] of plain.params.tensors) expect(Array.from(run.params.get(name).data), name).toEqual(Array.from(t.data));

    // by hand, in float64: Σᵢ (1 − d)·d^(t−i)·wᵢ / (1 − d^t)
    const averaged = ema.averaged(run.params, 5);
    for (const [name] of run.params.trainable()) {
      const want = run.params.get(name).data.map((_, j) => {
        let sum = 0;
        for (let i = 0; i < 5; i++) sum += (1 - DECAY) * DECAY ** (4 - i) * after[i].get(name).data[j];
        return sum / (1 - DECAY ** 5);
      });
      expect(relError(averaged.get(name).data, want), name).toBeLessThan(1e-5);
    }
    // buffers (BatchNorm's running statistics) are the live ones, not averaged
    for (const name of run.params.buffers) expect(averaged.get(name).data).toEqual(run.params.get(name).data);
    // the dev loss is the average's
    expect(state.evals).toHaveLength(1);
    const averagedLoss = treeEngine(averaged, cfg, trainWords).evaluate(devWords).loss;
    expect(state.evals[0].loss).toBeCloseTo(averagedLoss, 5);
    expect(Math.abs(state.evals[0].loss - without.evals[0].loss)).toBeGreaterThan(1e-4);
  });

  it('one step: the average is the weights themselves', () => {
    const params = new ParamSet();
    params.add('w', tensor([3], [1, 2, 3]));
    const ema = new WeightAverage(0.999, params);
    ema.update(params);
    expect(Array.from(ema.averaged(params, 1).get('w').data).map((x) => +x.toFixed(5))).toEqual([1, 2, 3]);
  });

  it('resumes bit for bit: the sums are in resume.safetensors', async () => {
    const whole = lecture();
    const wholeEma = new WeightAverage(DECAY, whole.params);
    const expected = await train(whole.engine(whole.params), whole.params, new Optimizer(opts.optimizer, referenceOps), whole.rng, devWords, { ...opts, ema: wholeEma }, newTrainState());

    const dir = mkdtempSync(join(tmpdir(), 'mm-ema-resume-'));
    const first = lecture();
    const firstEma = new WeightAverage(DECAY, first.params);
    const firstOptimizer = new Optimizer(opts.optimizer, referenceOps);
    let calls = 0;
    let best: ParamSet | null = null;
    await train(first.engine(first.params), first.params, firstOptimizer, first.rng, devWords, { ...opts, ema: firstEma }, newTrainState(), {
      shouldStop: () => ++calls > 13,
      onEval: (point, isBest) => {
        if (isBest) best = firstEma.averaged(first.params, point.step);
      },
      onCheckpoint: (state) => saveRun(dir, { params: first.params, best, vocab, spec: lectureSpec(cfg), settings: { cfg }, state, rng: first.rng, optimizer: firstOptimizer, ema: firstEma }),
    });

    const point = loadResume(dir);
    expect(point.state.step).toBe(13);
    expect(point.ema.size).toBe(first.params.trainable().length);
    // the best model saved is the average at step 8
    for (const [name, t] of best!.tensors) expect(Array.from(point.best!.get(name).data), name).toEqual(Array.from(t.data));
    const rng = new PythonRandom(0);
    rng.setState(point.rngState);
    const optimizer = new Optimizer(opts.optimizer, referenceOps);
    optimizer.restore(point.moments);
    const params = point.checkpoint.params;
    const ema = new WeightAverage(DECAY, params, point.ema);
    const resumed = await train(treeEngine(params, cfg, trainWords), params, optimizer, rng, devWords, { ...opts, ema }, point.state);

    expect(resumed.losses.slice(13)).toEqual(expected.losses.slice(13));
    expect(resumed.evals).toEqual(expected.evals);
    for (const [name, sum] of wholeEma.sums) expect(Array.from(ema.sums.get(name)!), name).toEqual(Array.from(sum));
    for (const [name, t] of whole.params.tensors) expect(Array.from(params.get(name).data), name).toEqual(Array.from(t.data));
  });
});

// −Σ_p w_p Σ_c q_c log softmax(z_p)_c with q = (1 − X)·onehot + X/V, in float64
function smoothedLoss(logits: ArrayLike<number>, target: ArrayLike<number>, weight: ArrayLike<number>, X: number, P: number, V: number): number {
  let total = 0;
  for (let p = 0; p < P; p++) {
    const row = Array.from({ length: V }, (_, c) => logits[p * V + c]);
    const max = Math.max(...row);
    const lse = Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0)) + max;
    let nll = 0;
    for (let c = 0; c < V; c++) nll -= ((c === target[p] ? 1 - X : 0) + X / V) * (row[c] - lse);
    total += weight[p] * nll;
  }
  return total;
}

describe('--label-smoothing', () => {
  const P = 9;
  const V = 5;
  const rng = new PythonRandom(4);
  const logits = gaussian(rng, P * V, 2);
  const target = Int32Array.from({ length: P }, () => rng.randbelow(V));

  it('the tree engine\'s cross-entropy: the loss by hand, the gradient by finite differences', () => {
    const z = tensor([P, V], logits);
    for (const X of [0, 0.1, 0.3]) {
      const { loss, dlogits } = crossEntropy(z, target, X);
      expect(loss).toBeCloseTo(smoothedLoss(logits, target, new Float32Array(P).fill(1 / P), X, P, V), 6);
      const fd = numericGrad(z.data, () => crossEntropy(z, target, X).loss, 1e-2);
      expect(relError(dlogits.data, fd)).toBeLessThan(1e-3);
    }
    expect(crossEntropy(z, target, 0).loss).toBe(crossEntropy(z, target).loss);
  });

  describeBackends('label smoothing in the conv head', (ops) => {
    const H = 4;
    for (const X of [0.1, 0.25]) {
      it(`X = ${X}: the loss by hand, the head's gradients by finite differences`, () => {
        const o = ops();
        const r = new PythonRandom(5);
        const params = new ParamSet();
        params.add('head.weight', tensor([H, V], gaussian(r, H * V)));
        params.add('head.bias', tensor([V], gaussian(r, V)));
        params.moveTo(o.allocate);
        const x = o.allocate(P * H);
        x.set(gaussian(r, P * H));
        // one position masked out, the others weighted unevenly
        const weight = Float32Array.from({ length: P }, (_, p) => (p === 3 ? 0 : (1 + (p % 3)) / (2 * P)));
        const head = new HeadCrossEntropy(params, 'head', H, V);
        const pass = { ops: o, batch: { positions: P, target, idx: new Int32Array(P), start: new Int32Array(P), words: 1 }, mode: 'train', skips: [], skipGrad: null } as Pass;
        const loss = () => {
          o.beginPass();
          return head.loss(x, weight, pass, X).loss;
        };
        // the loss against a float64 computation from the same logits
        o.beginPass();
        const z = Float32Array.from(o.headForward(x, params.get('head.weight').data, params.get('head.bias').data, { P, H, V }));
        expect(loss()).toBeCloseTo(smoothedLoss(z, target, weight, X, P, V), 5);
        // gradients through the head's backward against finite differences of the smoothed loss
        o.beginPass();
        const { dlogits } = head.loss(x, weight, pass, X);
        const grads = params.zeroGrads(o.allocate);
        head.backward(dlogits, pass, grads);
        for (const name of ['head.weight', 'head.bias']) {
          const fd = numericGrad(params.get(name).data, loss, 1e-2);
          expect(relError(grads.get(name)!.data, fd), `${name}`).toBeLessThan(2e-3);
        }
      });
    }
  }, true);
});
