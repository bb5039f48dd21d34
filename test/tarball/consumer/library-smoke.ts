// A small Node consumer of the installed package, compiled by tsc and run by plain node: the
// lecture's model, a checkpoint, a few words evaluated by both forms, names sampled with a seed.
//   node library-smoke.js CHECKPOINT SEED COUNT      prints one JSON object
import {
  LECTURE_CONFIG, PythonRandom, initLecture, asLecture, loadCheckpoint, TreeModel, ConvModel, StepModel, referenceOps, buildWindows, packWords,
  BatchedGenerator, plainSpec, firstNames, InputError,
} from 'makemore-wavenet';

const [file, seed, count] = process.argv.slice(2);

const lecture = initLecture({ vocabSize: 27, ...LECTURE_CONFIG }, new PythonRandom(42));

const { params, spec, vocab } = loadCheckpoint(file);
const config = asLecture(spec.spec);
if (!config) throw new Error(`${file} holds another model than the lecture's; this consumer runs the tree form too`);
const words = ['emma', 'olivia', 'zoe'].map((w) => vocab.encode(w));
const tree = TreeModel.hierarchical(params, config);
const windows = buildWindows(words, tree.blockSize);
const treeLoss = tree.loss(windows.x, windows.y, 'eval');
const convLoss = new ConvModel(params, spec, referenceOps).loss(packWords(words), 'eval');

const generator = new BatchedGenerator(new StepModel(params, spec, referenceOps, Number(count)), plainSpec(Number(seed)));
const names = firstNames(generator, Number(count)).map((chars) => vocab.decode(chars));

// the error class the package exports is the one its loader throws
let missingFile = '';
try {
  loadCheckpoint('missing.safetensors');
} catch (e) {
  if (e instanceof InputError) missingFile = e.message;
}

console.log(JSON.stringify({ lectureParams: lecture.count(), config, treeLoss, convLoss, names, missingFile }));
