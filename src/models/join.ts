// Several trained models joined into one whose logits are the mean of theirs (an ensemble, as one
// model): the embeddings side by side, each model's stack a branch of one parallel layer reading its
// own embedding's slice (conv-layers/parallel.ts), and one head over the branches' outputs holding
// each model's head divided by N. The joined model is an ordinary spec: it evaluates, generates,
// exports and trains on as any other. Each model's layer names get the prefix `m{i}.`.

import { ParamSet } from '../params.ts';
import { EMBEDDING, HEAD, resolveSpec, type ResolvedSpec } from '../spec/resolve.ts';
import { paramsFromTensors } from '../spec/init.ts';
import type { LayerSpec, ModelSpec } from '../spec/types.ts';
import { tensor, type Tensor } from '../tensor.ts';

/** One model to join: its spec, resolved, and its parameters. */
export interface JoinMember {
  spec: ResolvedSpec;
  params: ParamSet;
}

/** The models' mean as one model; they must share the vocabulary size. */
export function joinModels(members: readonly JoinMember[]): { spec: ModelSpec; params: ParamSet } {
  if (members.length < 2) throw new RangeError(`joining needs at least two models, got ${members.length}`);
  const V = members[0].spec.spec.vocabSize;
  members.forEach((m, i) => {
    if (m.spec.spec.vocabSize !== V) throw new RangeError(`model ${i + 1} has a vocabulary of ${m.spec.spec.vocabSize}, model 1 of ${V}`);
  });
  const prefix = (i: number) => `m${i}.`;
  const spec: ModelSpec = {
    vocabSize: V,
    embedding: members.reduce((n, m) => n + m.spec.spec.embedding, 0),
    layers: [
      {
        type: 'parallel',
        name: 'join',
        inputs: members.map((m) => m.spec.spec.embedding),
        branches: members.map((m, i) => renamed(m.spec.spec.layers, 'layers', prefix(i))),
      },
    ],
  };
  const resolved = resolveSpec(spec);
  const tensors = new Map<string, Tensor>();
  members.forEach((m, i) => {
    for (const [name, t] of m.params.tensors) if (name !== EMBEDDING && !name.startsWith(`${HEAD}.`)) tensors.set(prefix(i) + name, tensor(t.shape, t.data));
  });
  tensors.set(EMBEDDING, sideBySide(members.map((m) => m.params.get(EMBEDDING)), V));
  tensors.set(`${HEAD}.weight`, scaled(stacked(members.map((m) => m.params.get(`${HEAD}.weight`))), 1 / members.length));
  tensors.set(`${HEAD}.bias`, scaled(summed(members.map((m) => m.params.get(`${HEAD}.bias`))), 1 / members.length));
  return {
    spec,
    params: paramsFromTensors(resolved, tensors, (problem) => {
      throw new Error(`joining: ${problem}`);
    }),
  };
}

// every layer named `{prefix}{its name}`, its name by default its path (resolve.ts)
function renamed(layers: readonly LayerSpec[], path: string, prefix: string): LayerSpec[] {
  return layers.map((layer, i) => {
    const at = `${path}.${i}`;
    const out: LayerSpec = { ...layer, name: prefix + (layer.name ?? at) };
    if (Array.isArray(layer.body)) out.body = renamed(layer.body as LayerSpec[], `${at}.body`, prefix);
    if (Array.isArray(layer.branches)) out.branches = (layer.branches as LayerSpec[][]).map((b, j) => renamed(b, `${at}.branches.${j}`, prefix));
    return out;
  });
}

// (V, E_i) tables → (V, Σ E_i), each row the models' rows side by side
function sideBySide(tables: readonly Tensor[], V: number): Tensor {
  const E = tables.reduce((n, t) => n + t.shape[1], 0);
  const out = new Float32Array(V * E);
  let from = 0;
  for (const t of tables) {
    const e = t.shape[1];
    for (let v = 0; v < V; v++) out.set(t.data.subarray(v * e, (v + 1) * e), v * E + from);
    from += e;
  }
  return tensor([V, E], out);
}

// (W_i, V) → (Σ W_i, V)
function stacked(ts: readonly Tensor[]): Tensor {
  const out = new Float32Array(ts.reduce((n, t) => n + t.data.length, 0));
  let at = 0;
  for (const t of ts) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return tensor([out.length / ts[0].shape[1], ts[0].shape[1]], out);
}

function summed(ts: readonly Tensor[]): Tensor {
  const out = new Float32Array(ts[0].data.length);
  for (const t of ts) for (let i = 0; i < out.length; i++) out[i] += t.data[i];
  return tensor([...ts[0].shape], out);
}

function scaled(t: Tensor, by: number): Tensor {
  for (let i = 0; i < t.data.length; i++) t.data[i] *= by;
  return t;
}
