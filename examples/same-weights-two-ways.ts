// One parameter set, run two ways: the lecture's tree model on 8-character windows, and the conv
// engine over whole words. Same logits at every position; the conv form evaluates each node once.
//   npx tsx examples/same-weights-two-ways.ts
import {
  PythonRandom, Vocab, parseItems, initLecture, lectureSpec, resolveSpec, LECTURE_CONFIG, TreeModel, ConvModel, referenceOps,
  packWords, buildWindows, treeNodeCounts, convNodeCounts,
} from '../src/index.ts';

const words = ['yuheng', 'diondre', 'xavien', 'jori', 'juanluis'];
const vocab = Vocab.fromItems(parseItems('abcdefghijklmnopqrstuvwxyz', 'alphabet'), 'alphabet');
const cfg = { vocabSize: vocab.size, ...LECTURE_CONFIG };
const params = initLecture(cfg, new PythonRandom(42));

const encoded = words.map((w) => vocab.encode(w));
const windows = buildWindows(encoded, 8);
const batch = packWords(encoded);

const treeLogits = TreeModel.hierarchical(params, cfg).forward(windows.x, 'eval').data;
const convLogits = new ConvModel(params, resolveSpec(lectureSpec(cfg)), referenceOps).forward(batch, 'eval');
const maxDiff = treeLogits.reduce((m, v, i) => Math.max(m, Math.abs(v - convLogits[i])), 0);

console.log(`${windows.count} windows (tree) = ${batch.positions} positions (conv); max |logit difference| = ${maxDiff.toExponential(2)}`);
console.log(`nodes per level, tree: ${treeNodeCounts(windows.count, cfg.nLayers).join(' / ')}`);
console.log(`nodes per level, conv: ${convNodeCounts(batch.positions, cfg.nLayers).join(' / ')}`);
