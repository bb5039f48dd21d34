// makemore-wavenet as a library, in Node: train the lecture's model for a few hundred steps on the
// best backend here, save it, load it back and sample names. The README shows this file; the
// tarball test (test/tarball/) type-checks and runs it against the packed package. In this
// repository, after `npm run build`: npx tsx examples/use-as-library.ts
import { fileURLToPath } from 'node:url';
import {
  readItemsFile, Vocab, lectureSplit, PythonRandom, presetSpec, resolveSpec, initParams, selectBackend, describeBackend,
  openOps, nodeWorkers, Optimizer, convEngine, train, newTrainState, saveCheckpoint, loadCheckpoint, referenceOps,
  BatchedGenerator, StepModel, plainSpec, firstNames,
} from 'makemore-wavenet';

// the bundled 32,033 names (or any UTF-8 file, one item a line), split 80/10/10 as the lecture does
const file = fileURLToPath(import.meta.resolve('makemore-wavenet/data/names.txt'));
const items = readItemsFile(file);
const vocab = Vocab.fromItems(items, file);
const split = lectureSplit(items.map((item) => vocab.encode(item.text)));

// the lecture's model, a preset spec: 24-dim embeddings, 3 layers of 128 (76,579 parameters);
// presetSpec('wavenet', { channels: 96 }, …), or a stack of your own (examples/custom-stack.ts), work the same
const spec = resolveSpec(presetSpec('lecture', {}, vocab.size));
const rng = new PythonRandom(42);
const params = initParams(spec, rng);

// the conv engine on the best backend that works here ($MAKEMORE_BACKEND to choose): the WebAssembly
// SIMD kernels on two threads (Node's worker_threads start the second), or a gpu.js mode
const backend = selectBackend();
console.log(describeBackend(backend));
const ops = await openOps(backend, { threads: 2, spawn: nodeWorkers });
const optimizer = new Optimizer({ name: 'adamw', lr: 0.003, decayAt: 0.75, weightDecay: 0.01 }, ops);
const engine = convEngine(params, spec, ops, split.train);
await train(engine, params, optimizer, rng, split.val, { steps: 300, batchSize: 32, optimizer: optimizer.cfg, evalEvery: 150 }, newTrainState(), {
  onEval: (point) => console.log(`step ${point.step}: dev loss ${point.loss.toFixed(4)}`),
});
ops.destroy();

// save (atomically), load back, and sample ten names (seed 42, all ten in flight at once, on the reference
// ops): `npx makemore sample --checkpoint model.safetensors --num 10` prints the same ten
saveCheckpoint('model.safetensors', { params, vocab, spec: spec.spec });
const model = loadCheckpoint('model.safetensors');
const generator = new BatchedGenerator(new StepModel(model.params, model.spec, referenceOps, 10), plainSpec(42));
const names = firstNames(generator, 10).map((chars) => model.vocab.decode(chars));
console.log(`samples: ${names.join(', ')}`);
