// A spec's parameters: new ones drawn from a seeded generator, or a checkpoint's tensors checked
// against the shapes the spec gives.

import { ParamSet } from '../params.ts';
import type { PythonRandom } from '../rng.ts';
import { randn, tensor, type Tensor } from '../tensor.ts';
import { columnNorms } from '../models/conv-layers/weight-norm.ts';
import type { TensorSpec } from '../models/conv-layers/kind.ts';
import type { ResolvedSpec } from './resolve.ts';

/** New parameters for `spec`, drawn from `rng` in definition order. */
export function initParams(spec: ResolvedSpec, rng: PythonRandom): ParamSet {
  const params = new ParamSet();
  for (const t of spec.tensors) params.add(t.name, initial(t, params, rng), t.buffer);
  return params;
}

function initial({ shape, init }: TensorSpec, params: ParamSet, rng: PythonRandom): Tensor {
  if (init === 'zeros') return tensor(shape);
  if (init === 'ones') return tensor(shape, new Float32Array(shape[0]).fill(1));
  if ('columnNormOf' in init) return tensor(shape, columnNorms(params.get(init.columnNormOf).data, shape[0]));
  const t = randn(shape, rng, init.normal);
  if (init.scale !== undefined) for (let i = 0; i < t.data.length; i++) t.data[i] *= init.scale;
  return t;
}

/** Exactly the tensors `spec` has, with its shapes, as a ParamSet in definition order; `fail` says what does not fit. */
export function paramsFromTensors(spec: ResolvedSpec, tensors: Map<string, Tensor>, fail: (problem: string) => never): ParamSet {
  const params = new ParamSet();
  for (const { name, shape, buffer } of spec.tensors) {
    const t = tensors.get(name) ?? fail(`missing tensor ${name} (expected shape [${shape}]) of the model its spec describes`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) fail(`tensor ${name} has shape [${t.shape}], expected [${shape}]`);
    params.add(name, t, buffer);
  }
  const names = new Set(spec.tensors.map((t) => t.name));
  for (const name of tensors.keys()) if (!names.has(name)) fail(`unexpected tensor ${name}: not part of the model its spec describes`);
  return params;
}
