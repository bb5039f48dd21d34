// Central finite differences against every hand-written backward: each tree layer, the
// cross-entropy, and the conv model in training mode (BatchNorm over the packed batch).
import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../src/rng.ts';
import { ParamSet, initFlat } from '../src/params.ts';
import { TreeModel } from '../src/models/tree.ts';
import { randn, tensor, type Tensor } from '../src/tensor.ts';
import { Embedding } from '../src/layers/embedding.ts';
import { Linear } from '../src/layers/linear.ts';
import { BatchNorm1d } from '../src/layers/batchnorm1d.ts';
import { Tanh } from '../src/layers/tanh.ts';
import { FlattenConsecutive } from '../src/layers/flatten-consecutive.ts';
import { crossEntropy } from '../src/layers/cross-entropy.ts';
import type { Layer, Mode } from '../src/layers/layer.ts';
import { ConvModel } from '../src/models/conv.ts';
import { describeBackends } from './kernels-harness.ts';
import { packWords } from '../src/data/packed-batch.ts';
import { randomModel, randomWaveNet, vocab } from './equivalence-helpers.ts';
import { numericGrad, relError } from './finite-difference.ts';

const TOL = 1e-2; // float32 forward passes: relative to the gradient's largest magnitude

/** Checks dx and every parameter gradient of `layer` under the loss Σ r·y for a fixed random r. */
function checkLayer(layer: Layer, params: ParamSet, x: Tensor, mode: Mode, rng: PythonRandom, checkInput = true) {
  const probe = layer.forward(x, mode);
  const r = randn(probe.shape, rng);
  const loss = () => layer.forward(x, mode).data.reduce((s, v, i) => s + v * r.data[i], 0);
  const grads = params.zeroGrads();
  const snapshot = params.clone();
  layer.forward(x, mode);
  const dx = layer.backward(r, grads);
  const restore = () => {
    for (const name of params.buffers) params.get(name).data.set(snapshot.get(name).data);
  };
  const lossAt = () => {
    restore(); // training-mode BN moves its running buffers at every forward
    return loss();
  };
  if (checkInput) expect(relError(dx.data, numericGrad(x.data, lossAt)), 'dx').toBeLessThan(TOL);
  for (const [name, g] of grads) expect(relError(g.data, numericGrad(params.get(name).data, lossAt)), name).toBeLessThan(TOL);
}

describe('finite-difference gradient checks', () => {
  const rng = new PythonRandom(3);

  it('Embedding', () => {
    const params = new ParamSet();
    params.add('embedding.weight', randn([6, 3], rng));
    const idx = tensor([2, 4], [0, 5, 5, 1, 2, 2, 2, 0]);
    checkLayer(new Embedding(params), params, idx, 'train', rng, false);
  });

  it('Linear with and without bias, on 2-D and 3-D input', () => {
    const params = new ParamSet();
    params.add('w', randn([5, 4], rng));
    params.add('b', randn([4], rng));
    checkLayer(new Linear(params, 'w', 'b'), params, randn([3, 5], rng), 'train', rng);
    const noBias = new ParamSet();
    noBias.add('w', randn([5, 4], rng));
    checkLayer(new Linear(noBias, 'w'), noBias, randn([2, 3, 5], rng), 'train', rng);
  });

  it.each([
    ['2-D, training', [9, 4], 'train'],
    ['3-D, training', [3, 4, 4], 'train'],
    ['3-D, eval', [3, 4, 4], 'eval'],
  ] as const)('BatchNorm1d %s', (_, shape, mode) => {
    const params = new ParamSet();
    params.add('bn.weight', randn([4], rng, 0.5));
    params.add('bn.bias', randn([4], rng));
    params.add('bn.running_mean', randn([4], rng), true);
    params.add('bn.running_var', tensor([4], [0.5, 1, 2, 3]), true);
    checkLayer(new BatchNorm1d(params, 'bn'), params, randn([...shape], rng, 2), mode, rng);
  });

  it('Tanh and FlattenConsecutive', () => {
    const none = new ParamSet();
    checkLayer(new Tanh(), none, randn([4, 5], rng), 'train', rng);
    checkLayer(new FlattenConsecutive(2), none, randn([2, 4, 3], rng), 'train', rng);
    checkLayer(new FlattenConsecutive(4), none, randn([2, 4, 3], rng), 'train', rng);
  });

  it('softmax cross-entropy', () => {
    const logits = randn([5, 6], rng, 2);
    const targets = [0, 5, 2, 2, 1];
    const { dlogits } = crossEntropy(logits, targets);
    expect(relError(dlogits.data, numericGrad(logits.data, () => crossEntropy(logits, targets).loss))).toBeLessThan(TOL);
  });

  it.each([true, false])('the lecture’s flat MLP (batchNorm: %s) as a whole model', (batchNorm) => {
    const params = initFlat({ vocabSize: 7, blockSize: 3, nEmbd: 2, nHidden: 5, batchNorm }, rng);
    const model = TreeModel.flat(params, { vocabSize: 7, blockSize: 3, nEmbd: 2, nHidden: 5, batchNorm });
    const x = [0, 0, 1, 0, 1, 4, 1, 4, 6, 2, 3, 3];
    const y = [1, 4, 6, 0];
    const grads = params.zeroGrads();
    const snapshot = params.clone();
    model.lossAndGrad(x, y, 'train', grads);
    const lossAt = () => {
      for (const name of params.buffers) params.get(name).data.set(snapshot.get(name).data);
      return model.loss(x, y, 'train');
    };
    expect([...grads.keys()]).toContain(batchNorm ? 'bn.weight' : 'hidden.bias');
    for (const [name, g] of grads) expect(relError(g.data, numericGrad(params.get(name).data, lossAt)), name).toBeLessThan(TOL);
  });

});

describeBackends(
  'finite-difference gradient check of the conv model',
  (ops) => {
    it('in training mode (BatchNorm over all positions of the packed batch)', () => {
      const { params, spec } = randomModel(2, 11, { nEmbd: 3, nHidden: 4 });
      params.moveTo(ops().allocate);
      const batch = packWords(['ava', 'bo', 'zed'].map((w) => vocab.encode(w)));
      const model = new ConvModel(params, spec, ops());
      const grads = params.zeroGrads(ops().allocate);
      const snapshot = params.clone();
      model.lossAndGrad(batch, 'train', grads);
      const lossAt = () => {
        for (const name of params.buffers) params.get(name).data.set(snapshot.get(name).data);
        return model.loss(batch, 'train');
      };
      // the backends' losses are float32 sums: a step of 1e-3 would leave rounding at ~1e-2 of the gradients
      for (const [name, g] of grads) expect(relError(g.data, numericGrad(params.get(name).data, lossAt, 1e-2)), name).toBeLessThan(TOL);
    });

    it.each(['none', 'batchnorm', 'layernorm'] as const)('WaveNet in training mode (norm %s, dropout with a fixed seed)', (norm) => {
      const { params, spec } = randomWaveNet(13, { nEmbd: 3, channels: 3, skipChannels: 4, layers: 2, stacks: 2, dropout: 0.25, norm });
      // keep both ReLUs' inputs positive: a step across a kink is not a derivative (their own check: kernels-gate.test.ts)
      for (const [name, t] of params.tensors) if (/^(layer\.\d+\.skip|out)\.bias$/.test(name)) t.data.forEach((v, i, a) => (a[i] = v + 5));
      params.moveTo(ops().allocate);
      const batch = packWords(['ava', 'bo', 'zed'].map((w) => vocab.encode(w)));
      const model = new ConvModel(params, spec, ops());
      const grads = params.zeroGrads(ops().allocate);
      const snapshot = params.clone();
      const seed = 1234;
      model.lossAndGrad(batch, 'train', grads, { seed });
      const lossAt = () => {
        for (const name of params.buffers) params.get(name).data.set(snapshot.get(name).data);
        return model.loss(batch, 'train', { seed });
      };
      // relative to at least 0.05, as the gradients here mostly are: under BatchNorm, input.bias's gradient
      // is 0 up to rounding (every consumer of the residual stream is re-centred by BatchNorm)
      for (const [name, g] of grads) expect(relError(g.data, numericGrad(params.get(name).data, lossAt, 1e-2), 0.05), name).toBeLessThan(TOL);
    });
  },
  true,
);
