// Train the conv engine for a few hundred steps on the bundled names and print new ones —
// the library API behind `makemore train` in thirty lines.
//   npx tsx examples/train-and-sample.ts
import { readFileSync } from 'node:fs';
import {
  PythonRandom, Vocab, parseItems, lectureSplit, initHierarchical, LECTURE_CONFIG, selectBackend, openOps, nodeWorkers,
  convEngine, Optimizer, train, newTrainState, BatchedGenerator, hierarchicalStep, plainSpec, firstNames, describeBackend,
} from '../src/index.ts';

const items = parseItems(readFileSync(new URL('../data/names.txt', import.meta.url), 'utf8'), 'data/names.txt');
const vocab = Vocab.fromItems(items, 'data/names.txt');
const split = lectureSplit(items.map((i) => vocab.encode(i.text)));
const cfg = { vocabSize: vocab.size, ...LECTURE_CONFIG };
const rng = new PythonRandom(42);
const params = initHierarchical(cfg, rng);

const backend = selectBackend(); // $MAKEMORE_BACKEND or the best that works here
const ops = await openOps(backend, { threads: 2, spawn: nodeWorkers }); // threads: the wasm backend's
console.log(describeBackend(backend));
const optimizer = new Optimizer({ name: 'sgd', lr: 0.1, decayAt: 0.75, weightDecay: 0 }, ops);
const steps = 300;
const state = await train(convEngine(params, cfg, ops, split.train), params, optimizer, rng, split.val.slice(0, 500), { steps, batchSize: 32, optimizer: optimizer.cfg, evalEvery: 100 }, newTrainState(), {
  onEval: (point) => console.log(`step ${point.step}: dev loss (first 500 dev words) ${point.loss.toFixed(3)}`),
});

// ten names at once on the same ops, one row each (seed 42: name i from random.seed(42 · 2^32 + i))
const generator = new BatchedGenerator(hierarchicalStep(params, cfg, ops), plainSpec(42), 10);
const names = firstNames(generator, 10).map((name) => vocab.decode(name));
ops.destroy();
console.log(`after ${state.step} steps: ${names.join(', ')}`);
