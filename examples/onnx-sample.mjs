// Names from an exported model in plain onnxruntime-node (npm install onnxruntime-node):
//   makemore export --checkpoint out/model.safetensors --out model.onnx
//   node examples/onnx-sample.mjs model.onnx 10 .abcdefghijklmnopqrstuvwxyz
import * as ort from 'onnxruntime-node';

const [file = 'model.onnx', count = '10', chars = '.abcdefghijklmnopqrstuvwxyz'] = process.argv.slice(2);
const vocab = [...chars]; // the vocabulary `makemore export` prints ('.' = 0 first)
const whole = await ort.InferenceSession.create(file);
const step = await ort.InferenceSession.create(file.replace(/\.onnx$/, '.step.onnx'));

for (let n = 0; n < Number(count); n++) {
  // the whole-sequence graph on '.' gives the first logits and the step graph's first states
  let out = await whole.run({ tokens: new ort.Tensor('int64', [0n], [1, 1]) });
  let name = '';
  while (name.length < 50) {
    const logits = Array.from(out.logits.data.slice(-vocab.length));
    const max = Math.max(...logits);
    const weights = logits.map((l) => Math.exp(l - max));
    let u = Math.random() * weights.reduce((a, b) => a + b);
    let c = 0;
    while ((u -= weights[c]) >= 0 && c < vocab.length - 1) c++;
    if (c === 0) break; // '.' ends the name
    name += vocab[c];
    const feeds = { token: new ort.Tensor('int64', [BigInt(c)], [1]) };
    for (const state of step.inputNames.slice(1)) feeds[state] = out[`next_${state}`];
    out = await step.run(feeds); // one position: the states carry the past
  }
  console.log(name);
}
