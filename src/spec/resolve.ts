// A spec checked and sized: every layer's fields (defaults filled in), widths, tensors and reach,
// walked once with the layer kinds (src/models/conv-layers/registry.ts). A spec with a mistake is
// refused with one line naming the layer and the field (SpecError).

import { LAYER_KINDS } from '../models/conv-layers/registry.ts';
import type { Field, ResolvedLayer, TensorSpec } from '../models/conv-layers/kind.ts';
import { MAX_SPEC_WIDTH, SpecError, type LayerSpec, type ModelSpec } from './types.ts';

/** A spec ready to build: its layers sized, every tensor named, the receptive field known. */
export interface ResolvedSpec {
  readonly spec: ModelSpec;
  readonly layers: readonly ResolvedLayer[];
  /** Width of the last layer's output: the head's input. */
  readonly width: number;
  /** Every tensor in definition (and initialisation) order: embedding, layers, head. */
  readonly tensors: readonly TensorSpec[];
  /** Characters each logit sees, its own position's input included. */
  readonly receptiveField: number;
  /** Whether a training pass draws dropout masks. */
  readonly dropout: boolean;
}

export const EMBEDDING = 'embedding.weight';
export const HEAD = 'head';
const NAME = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

/** Checks and sizes `spec` (parsed JSON); throws a {@link SpecError} naming the layer and field at fault. */
export function resolveSpec(spec: unknown): ResolvedSpec {
  const top = object(spec, 'spec');
  for (const key of Object.keys(top)) if (!['vocabSize', 'embedding', 'layers'].includes(key)) throw new SpecError('spec', key, 'unknown field (a spec has vocabSize, embedding and layers)');
  const vocabSize = int(top.vocabSize, 'spec', 'vocabSize', 2, 65536);
  const embedding = int(top.embedding, 'spec', 'embedding', 1, MAX_SPEC_WIDTH);
  if (!Array.isArray(top.layers)) throw new SpecError('spec', 'layers', 'must be a list of layers');
  const skips: Skips = [];
  const layers = resolveLayers(top.layers, 'layers', embedding, skips);
  if (skips.length > 0) throw new SpecError(skips[0].path, null, 'no skipSum after this skip sums its output');
  const width = layers.length > 0 ? layers[layers.length - 1].cOut : embedding;
  const tensors: TensorSpec[] = [
    { name: EMBEDDING, shape: [vocabSize, embedding], init: { normal: 1 } },
    ...layers.flatMap(allTensors),
    { name: `${HEAD}.weight`, shape: [width, vocabSize], init: { normal: 1 / Math.sqrt(width), scale: 0.1 } },
    { name: `${HEAD}.bias`, shape: [vocabSize], init: 'zeros' },
  ];
  refuseSharedNames(tensors, layers);
  return {
    spec: { vocabSize, embedding, layers: top.layers as LayerSpec[] },
    layers,
    width,
    tensors,
    receptiveField: extent(layers, 0, []) + 1,
    dropout: everyLayer(layers).some((l) => l.type === 'dropout' && (l.fields.p as number) > 0),
  };
}

/** The skips since the last skip sum: their widths, and where they are for an error. */
type Skips = { width: number; path: string }[];

function resolveLayers(specs: unknown[], path: string, cIn: number, skips: Skips): ResolvedLayer[] {
  const out: ResolvedLayer[] = [];
  specs.forEach((raw, i) => {
    const layer = resolveLayer(raw, `${path}.${i}`, cIn, skips);
    out.push(layer);
    cIn = layer.cOut;
  });
  return out;
}

function resolveLayer(raw: unknown, path: string, cIn: number, skips: Skips): ResolvedLayer {
  const spec = object(raw, path);
  const type = spec.type;
  const kind = typeof type === 'string' && Object.hasOwn(LAYER_KINDS, type) ? LAYER_KINDS[type] : undefined;
  if (!kind) throw new SpecError(path, 'type', `unknown layer type ${JSON.stringify(type)}: expected one of ${Object.keys(LAYER_KINDS).join(', ')}`);
  const name = spec.name ?? path;
  if (typeof name !== 'string' || !NAME.test(name)) throw new SpecError(path, 'name', `must be dot-separated letters, digits and _, got ${JSON.stringify(name)}`);
  for (const key of Object.keys(spec)) {
    if (key !== 'type' && key !== 'name' && !Object.hasOwn(kind.fields, key)) {
      const known = Object.keys(kind.fields);
      throw new SpecError(path, key, `unknown field for a ${type} layer (${known.length > 0 ? `it takes ${known.join(', ')}` : 'it takes none'})`);
    }
  }
  const fields: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(kind.fields)) fields[key] = checkField(spec[key], rule, path, key);
  const sized = kind.size({ name, fields }, cIn, {
    fail: (field, problem) => {
      throw new SpecError(path, field, problem);
    },
    body: (field, specs, width) => {
      if (specs.length === 0) throw new SpecError(path, field, `a ${type} needs at least one layer in its ${field}`);
      return resolveLayers(specs, `${path}.${field}`, width, skips);
    },
    addSkip: (width) => skips.push({ width, path }),
    takeSkips: () => skips.splice(0).map((s) => s.width),
    skipWidths: () => skips.map((s) => s.width),
  });
  if (sized.cOut > MAX_SPEC_WIDTH) throw new SpecError(path, null, `output width ${sized.cOut} is over ${MAX_SPEC_WIDTH}`);
  return { kind, type: type as string, path, name, fields, cIn, cOut: sized.cOut, tensors: sized.tensors ?? [], body: sized.body ?? [], reach: sized.reach ?? 0 };
}

function checkField(value: unknown, rule: Field, path: string, key: string): unknown {
  if (value === undefined) {
    if (rule.type === 'layers') throw new SpecError(path, key, 'missing: a list of layers');
    if (rule.type === 'branches') throw new SpecError(path, key, 'missing: a list of branches, each a list of layers');
    if (rule.type === 'widths') return null;
    if (rule.default === undefined) throw new SpecError(path, key, `missing: ${rule.help}`);
    return rule.default;
  }
  switch (rule.type) {
    case 'int':
      return int(value, path, key, rule.min, rule.max ?? Number.MAX_SAFE_INTEGER);
    case 'number':
      if (typeof value !== 'number' || !(value >= rule.min) || (rule.below !== undefined && !(value < rule.below))) {
        throw new SpecError(path, key, `must be a number ≥ ${rule.min}${rule.below === undefined ? '' : ` and < ${rule.below}`}, got ${JSON.stringify(value)}`);
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new SpecError(path, key, `must be true or false, got ${JSON.stringify(value)}`);
      return value;
    case 'layers':
      if (!Array.isArray(value)) throw new SpecError(path, key, 'must be a list of layers');
      return value;
    case 'branches':
      if (!Array.isArray(value) || value.length < 2 || !value.every(Array.isArray)) throw new SpecError(path, key, 'must be a list of at least two branches, each a list of layers');
      return value;
    case 'widths':
      if (!Array.isArray(value) || value.length === 0) throw new SpecError(path, key, `must be a list of widths, got ${JSON.stringify(value)}`);
      return value.map((w, i) => int(w, path, `${key}.${i}`, 1, MAX_SPEC_WIDTH));
  }
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SpecError(path, null, `must be a JSON object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function int(value: unknown, path: string, key: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SpecError(path, key, `must be an integer from ${min} to ${max.toLocaleString('en-US')}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A layer's tensors and those of its body, body first. */
function allTensors(layer: ResolvedLayer): TensorSpec[] {
  return [...layer.body.flatMap(allTensors), ...layer.tensors];
}

/** Every layer, bodies included, in spec order. */
export function everyLayer(layers: readonly ResolvedLayer[]): ResolvedLayer[] {
  return layers.flatMap((l) => [l, ...everyLayer(l.body)]);
}

function refuseSharedNames(tensors: TensorSpec[], layers: readonly ResolvedLayer[]): void {
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) {
      const owners = everyLayer(layers).filter((l) => l.tensors.some((u) => u.name === t.name));
      const at = owners[owners.length - 1]?.path ?? 'spec';
      throw new SpecError(at, 'name', `its tensor ${t.name} has the name of another tensor: give the layers different names`);
    }
    seen.add(t.name);
  }
}

// positions back that the output of `layers` reads, `e` for their input
function extent(layers: readonly ResolvedLayer[], e: number, skips: number[]): number {
  const walk = { body: (body: readonly ResolvedLayer[], from: number) => extent(body, from, skips), skips };
  for (const layer of layers) e = layer.kind.extent ? layer.kind.extent(layer, e, walk) : e + layer.reach;
  return e;
}
