// A stack of your own, built from the public API: kernel 3, dilations 1, 3, 9, ReLU, LayerNorm and
// residual connections (receptive field 1 + 2·(1 + 3 + 9) = 27). Trained for a few hundred steps,
// saved, loaded back and sampled. examples/custom-stack.json is the same stack, for
// `makemore train --spec examples/custom-stack.json`. The tarball test (test/tarball/) type-checks and
// runs this file against the packed package. In this repository, after `npm run build`:
//   npx tsx examples/custom-stack.ts
import { fileURLToPath } from 'node:url';
import {
  readItemsFile, Vocab, lectureSplit, PythonRandom, resolveSpec, initParams, describeLayers, createWasmOps, Optimizer, convEngine,
  train, newTrainState, saveCheckpoint, loadCheckpoint, referenceOps, BatchedGenerator, StepModel, plainSpec, firstNames, type LayerSpec,
} from 'makemore-wavenet';

const file = fileURLToPath(import.meta.resolve('makemore-wavenet/data/names.txt'));
const items = readItemsFile(file);
const vocab = Vocab.fromItems(items, file);
const split = lectureSplit(items.map((item) => vocab.encode(item.text)));

// a pre-norm residual block: LayerNorm → ReLU → causal conv of kernel 3 at dilation d, added to its input
const block = (dilation: number): LayerSpec => ({
  type: 'residual',
  body: [{ type: 'layernorm' }, { type: 'relu' }, { type: 'conv', out: 64, kernel: 3, dilation }],
});
const spec = resolveSpec({
  vocabSize: vocab.size,
  embedding: 24,
  layers: [{ type: 'conv', out: 64, kernel: 3, dilation: 1 }, block(3), block(9), { type: 'layernorm' }, { type: 'relu' }],
});
console.log(describeLayers(spec).join('\n'));
console.log(`receptive field ${spec.receptiveField}`);

const rng = new PythonRandom(42);
const params = initParams(spec, rng);
const ops = await createWasmOps();
const optimizer = new Optimizer({ name: 'adamw', lr: 0.003, decayAt: 0.75, weightDecay: 0.01 }, ops);
await train(convEngine(params, spec, ops, split.train), params, optimizer, rng, split.val.slice(0, 500), { steps: 300, batchSize: 32, optimizer: optimizer.cfg, evalEvery: 150 }, newTrainState(), {
  onEval: (point) => console.log(`step ${point.step}: dev loss ${point.loss.toFixed(4)}`),
});
ops.destroy();

saveCheckpoint('custom.safetensors', { params, vocab, spec: spec.spec });
const model = loadCheckpoint('custom.safetensors');
const names = firstNames(new BatchedGenerator(new StepModel(model.params, model.spec, referenceOps, 10), plainSpec(42)), 10);
console.log(`samples: ${names.map((chars) => model.vocab.decode(chars)).join(', ')}`);
