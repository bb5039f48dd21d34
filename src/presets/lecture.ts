// The lecture's hierarchical model (makemore part 5) as a spec: the embedding, then n layers of
// [causal conv of kernel K (2: FlattenConsecutive(2)) and dilation K^k without bias → BatchNorm →
// tanh], then the head. Its tensors keep the names the tree form (src/models/tree.ts) and PyTorch
// exports of the lecture's notebook use: conv.{k}.weight, bn.{k}.*.

import { kernelOf, type ModelConfig, type ParamSet } from '../params.ts';
import type { PythonRandom } from '../rng.ts';
import { initParams } from '../spec/init.ts';
import { resolveSpec } from '../spec/resolve.ts';
import type { LayerSpec, ModelSpec } from '../spec/types.ts';
import type { Tensor } from '../tensor.ts';

/** The lecture's sizes: 24-dim embeddings, 3 layers of 128 hidden units (add the data's vocabSize). */
export const LECTURE_CONFIG: Omit<ModelConfig, 'vocabSize'> = { nEmbd: 24, nHidden: 128, nLayers: 3 };

/** `batchNorm: false` leaves BatchNorm out (as the tree form's option), for equivalence tests. */
export function lectureSpec(cfg: ModelConfig, { batchNorm = true } = {}): ModelSpec {
  const K = kernelOf(cfg);
  const layers: LayerSpec[] = [];
  for (let k = 0; k < cfg.nLayers; k++) {
    layers.push({ type: 'conv', name: `conv.${k}`, out: cfg.nHidden, kernel: K, dilation: K ** k, bias: false });
    if (batchNorm) layers.push({ type: 'batchnorm', name: `bn.${k}` });
    layers.push({ type: 'tanh' });
  }
  return { vocabSize: cfg.vocabSize, embedding: cfg.nEmbd, layers };
}

/** The lecture model's parameters, initialised as in the lecture (N(0, 1/fan_in) weights, the head's times 0.1). */
export function initLecture(cfg: ModelConfig, rng: PythonRandom): ParamSet {
  return initParams(resolveSpec(lectureSpec(cfg)), rng);
}

/** The lecture config `spec` is, or null: what the tree form (--engine tree) can run. */
export function asLecture(spec: ModelSpec): ModelConfig | null {
  const first = spec.layers[0];
  if (first?.type !== 'conv' || typeof first.out !== 'number' || typeof first.kernel !== 'number') return null;
  const cfg: ModelConfig = { vocabSize: spec.vocabSize, nEmbd: spec.embedding, nHidden: first.out, nLayers: spec.layers.length / 3, ...(first.kernel === 2 ? {} : { kernel: first.kernel }) };
  return Number.isInteger(cfg.nLayers) && JSON.stringify(lectureSpec(cfg)) === JSON.stringify(spec) ? cfg : null;
}

/** The lecture model's sizes read back from its tensors (a checkpoint without a spec: PyTorch exports, release 0.1.0). */
export function inferLecture(tensors: Map<string, Tensor>): ModelConfig {
  const shape = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`missing tensor ${name}: not a hierarchical (WaveNet-like) model`);
    if (t.shape.length !== 2) throw new Error(`tensor ${name} has shape [${t.shape}], expected a matrix`);
    return t.shape;
  };
  const [vocabSize, nEmbd] = shape('embedding.weight');
  const [rows, nHidden] = shape('conv.0.weight');
  let nLayers = 0;
  while (tensors.has(`conv.${nLayers}.weight`)) nLayers++;
  const kernel = rows / nEmbd;
  return { vocabSize, nEmbd, nHidden, nLayers, ...(kernel === 2 ? {} : { kernel }) };
}
