// The tree form against the lecture's own PyTorch code (float64 fixture), at float32 tolerance.
import { describe, expect, it } from 'vitest';
import { reference, referenceParams } from './fixture.ts';
import { maxRelError } from './kernels-harness.ts';
import { TreeModel } from '../src/models/tree.ts';
import { inferLecture } from '../src/presets/lecture.ts';

// float32 storage against float64 truth: max abs error ≤ 1e-5 × the tensor's largest magnitude.
const TOL = 1e-5;

function setup() {
  const params = referenceParams();
  const cfg = inferLecture(params.tensors);
  const model = TreeModel.hierarchical(params, cfg);
  const x = reference.X.flat();
  const y = reference.Y;
  return { params, cfg, model, x, y };
}

describe('tree model vs the lecture fixture', () => {
  it('reads the fixture configuration from the tensor shapes', () => {
    const { cfg } = setup();
    expect(cfg).toEqual({ vocabSize: 27, nEmbd: reference.config.n_embd, nHidden: reference.config.n_hidden, nLayers: 3 });
  });

  it('matches training-mode logits, loss and every gradient', () => {
    const { params, model, x, y } = setup();
    const grads = params.zeroGrads();
    const { loss, logits } = model.lossAndGrad(x, y, 'train', grads);
    expect(maxRelError(logits.data, reference.train_mode.logits.data)).toBeLessThan(TOL);
    expect(Math.abs(loss - reference.train_mode.loss) / reference.train_mode.loss).toBeLessThan(TOL);
    const names = Object.keys(reference.train_mode.grads);
    expect(new Set(names)).toEqual(new Set(grads.keys()));
    for (const name of names) {
      const expected = reference.train_mode.grads[name];
      expect(grads.get(name)!.shape, name).toEqual(expected.shape);
      expect(maxRelError(grads.get(name)!.data, expected.data), name).toBeLessThan(TOL);
    }
  });

  it('updates the running buffers with the unbiased variance and then matches eval-mode logits', () => {
    const { params, model, x, y } = setup();
    model.forward(x, 'train');
    for (const [name, expected] of Object.entries(reference.train_mode.running_after_one_step)) {
      expect(maxRelError(params.get(name).data, expected.data), name).toBeLessThan(TOL);
    }
    const logits = model.forward(x, 'eval');
    expect(maxRelError(logits.data, reference.eval_mode_after_that_step.logits.data)).toBeLessThan(TOL);
    expect(model.loss(x, y, 'eval')).toBeCloseTo(reference.eval_mode_after_that_step.loss, 5);
  });
});
