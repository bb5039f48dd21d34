// A small Node consumer of the installed package, compiled by tsc and run by plain node: the
// lecture's model, a checkpoint, a few words evaluated by both forms, names sampled with a seed.
//   node library-smoke.js CHECKPOINT SEED COUNT      prints one JSON object
import {
  LECTURE_CONFIG, PythonRandom, initHierarchical, loadCheckpoint, TreeModel, ConvModel, referenceOps, buildWindows, packWords,
  BatchedGenerator, hierarchicalStep, plainSpec, firstNames, InputError, isWaveNet,
} from 'makemore-wavenet';

const [file, seed, count] = process.argv.slice(2);

const lecture = initHierarchical({ vocabSize: 27, ...LECTURE_CONFIG }, new PythonRandom(42));

const { params, config, vocab } = loadCheckpoint(file);
if (isWaveNet(config)) throw new Error(`${file} holds a WaveNet; this consumer runs the lecture's model`);
const words = ['emma', 'olivia', 'zoe'].map((w) => vocab.encode(w));
const tree = TreeModel.hierarchical(params, config);
const windows = buildWindows(words, tree.blockSize);
const treeLoss = tree.loss(windows.x, windows.y, 'eval');
const convLoss = new ConvModel(params, config, referenceOps).loss(packWords(words), 'eval');

const generator = new BatchedGenerator(hierarchicalStep(params, config, referenceOps), plainSpec(Number(seed)), Number(count));
const names = firstNames(generator, Number(count)).map((chars) => vocab.decode(chars));

// the error class the package exports is the one its loader throws
let missingFile = '';
try {
  loadCheckpoint('missing.safetensors');
} catch (e) {
  if (e instanceof InputError) missingFile = e.message;
}

console.log(JSON.stringify({ lectureParams: lecture.count(), config, treeLoss, convLoss, names, missingFile }));
