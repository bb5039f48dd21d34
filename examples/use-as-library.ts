// makemore-wavenet as a library, in Node: train the lecture's model for a few hundred steps on the
// best backend here, save it, load it back and sample names. The README shows this file; the
// tarball test (test/tarball/) type-checks and runs it against the packed package. In this
// repository, after `npm run build`: npx tsx examples/use-as-library.ts
import { fileURLToPath } from 'node:url';
import {
  readItemsFile, Vocab, lectureSplit, PythonRandom, initHierarchical, LECTURE_CONFIG, selectBackend, describeBackend,
  openOps, nodeWorkers, Optimizer, convEngine, train, newTrainState, saveCheckpoint, loadCheckpoint, referenceOps,
  BatchedGenerator, hierarchicalStep, plainSpec, firstNames, isWaveNet,
} from 'makemore-wavenet';

// the bundled 32,033 names (or any UTF-8 file, one item a line), split 80/10/10 as the lecture does
const file = fileURLToPath(import.meta.resolve('makemore-wavenet/data/names.txt'));
const items = readItemsFile(file);
const vocab = Vocab.fromItems(items, file);
const split = lectureSplit(items.map((item) => vocab.encode(item.text)));

// the lecture's model: 24-dim embeddings, 3 layers of 128 (76,579 parameters)
const cfg = { vocabSize: vocab.size, ...LECTURE_CONFIG };
const rng = new PythonRandom(42);
const params = initHierarchical(cfg, rng);

// the conv engine on the best backend that works here ($MAKEMORE_BACKEND to choose): the WebAssembly
// SIMD kernels on two threads (Node's worker_threads start the second), or a gpu.js mode
const backend = selectBackend();
console.log(describeBackend(backend));
const ops = await openOps(backend, { threads: 2, spawn: nodeWorkers });
const optimizer = new Optimizer({ name: 'adamw', lr: 0.003, decayAt: 0.75, weightDecay: 0.01 }, ops);
const engine = convEngine(params, cfg, ops, split.train);
await train(engine, params, optimizer, rng, split.val, { steps: 300, batchSize: 32, optimizer: optimizer.cfg, evalEvery: 150 }, newTrainState(), {
  onEval: (point) => console.log(`step ${point.step}: dev loss ${point.loss.toFixed(4)}`),
});
ops.destroy();

// save (atomically), load back, and sample ten names (seed 42, all ten in flight at once, on the reference
// ops): `npx makemore sample --checkpoint model.safetensors --num 10` prints the same ten
saveCheckpoint('model.safetensors', { params, vocab, config: cfg });
const model = loadCheckpoint('model.safetensors');
if (isWaveNet(model.config)) throw new Error('expected the lecture model');  // a WaveNet samples through generatorFor
const generator = new BatchedGenerator(hierarchicalStep(model.params, model.config, referenceOps), plainSpec(42), 10);
const names = firstNames(generator, 10).map((chars) => model.vocab.decode(chars));
console.log(`samples: ${names.join(', ')}`);
