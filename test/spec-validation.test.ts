// A spec is checked before anything is built: every mistake is refused with a SpecError whose
// message starts with the path of the layer at fault and the field ("layers.2.body.0.kernel: …"),
// so that a person can find it in their JSON. And what a valid spec's numbers are: receptive
// fields and parameter counts, against values worked out by hand.

import { describe, expect, it } from 'vitest';
import { lectureSpec } from '../src/presets/lecture.ts';
import { tcnSpec } from '../src/presets/tcn.ts';
import { waveNetSpec } from '../src/presets/wavenet.ts';
import { PythonRandom } from '../src/rng.ts';
import { parameterCount } from '../src/spec/cost.ts';
import { initParams } from '../src/spec/init.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { SpecError, type LayerSpec, type ModelSpec } from '../src/spec/types.ts';

/** A spec over the names' 27 characters and an embedding of width 4 (even: a gate may follow it). */
function stack(layers: unknown[], embedding = 4): unknown {
  return { vocabSize: 27, embedding, layers };
}

const conv = (out: number, fields: Record<string, unknown> = {}): LayerSpec => ({ type: 'conv', out, ...fields });
const skip = (...body: LayerSpec[]): LayerSpec => ({ type: 'skip', body });
const residual = (...body: LayerSpec[]): LayerSpec => ({ type: 'residual', body });
const parallel = (branches: LayerSpec[][], inputs?: unknown): LayerSpec => ({ type: 'parallel', branches, ...(inputs === undefined ? {} : { inputs }) });
const TANH: LayerSpec = { type: 'tanh' };
const SKIP_SUM: LayerSpec = { type: 'skipSum' };

const MISTAKES: [string, unknown, RegExp][] = [
  // the spec itself
  ['a number as the spec', 42, /^spec: must be a JSON object/],
  ['null as the spec', null, /^spec: must be a JSON object/],
  ['a list as the spec', [conv(4)], /^spec: must be a JSON object/],
  ['layers that are not a list', { vocabSize: 27, embedding: 4, layers: { type: 'conv', out: 4 } }, /^spec\.layers: /],
  ['no layers at all', { vocabSize: 27, embedding: 4 }, /^spec\.layers: /],
  ['an unknown field of the spec', { vocabSize: 27, embedding: 4, layers: [], depth: 3 }, /^spec\.depth: /],
  ['a vocabSize that is not an integer', { vocabSize: 26.5, embedding: 4, layers: [] }, /^spec\.vocabSize: /],
  ['an embedding of width 0', { vocabSize: 27, embedding: 0, layers: [] }, /^spec\.embedding: /],
  // a layer's type and fields
  ['a layer that is not an object', stack([TANH, 'conv']), /^layers\.1: must be a JSON object/],
  ['an unknown layer type', stack([TANH, { type: 'lstm' }]), /^layers\.1\.type: unknown layer type "lstm"/],
  ['a layer without a type', stack([{ out: 4 }]), /^layers\.0\.type: /],
  ['an inherited property as the type', stack([{ type: 'toString' }]), /^layers\.0\.type: /],
  ['an unknown field', stack([conv(4, { stride: 2 })]), /^layers\.0\.stride: unknown field/],
  ['a field on a layer that takes none', stack([{ type: 'tanh', p: 0.5 }]), /^layers\.0\.p: unknown field/],
  ['a conv without out', stack([TANH, { type: 'conv', kernel: 2 }]), /^layers\.1\.out: missing/],
  ['kernel 0', stack([TANH, conv(4, { kernel: 0 })]), /^layers\.1\.kernel: must be an integer/],
  ['kernel 2.5', stack([TANH, conv(4, { kernel: 2.5 })]), /^layers\.1\.kernel: must be an integer/],
  ['kernel "2"', stack([conv(4, { kernel: '2' })]), /^layers\.0\.kernel: must be an integer/],
  ['dilation 0', stack([conv(4, { kernel: 2, dilation: 0 })]), /^layers\.0\.dilation: /],
  ['out 0', stack([conv(0)]), /^layers\.0\.out: /],
  ['bias "yes"', stack([conv(4, { bias: 'yes' })]), /^layers\.0\.bias: must be true or false/],
  ['weightNorm 1', stack([conv(4, { weightNorm: 1 })]), /^layers\.0\.weightNorm: must be true or false/],
  ['dropout p 1', stack([{ type: 'dropout', p: 1 }]), /^layers\.0\.p: must be a number/],
  ['dropout p −0.1', stack([{ type: 'dropout', p: -0.1 }]), /^layers\.0\.p: must be a number/],
  ['dropout without p', stack([{ type: 'dropout' }]), /^layers\.0\.p: missing/],
  ['a name with a space', stack([conv(4, { name: 'my conv' })]), /^layers\.0\.name: /],
  // widths that do not chain
  ['a gate on an odd width', stack([conv(5), { type: 'gate' }]), /^layers\.1: a gate halves its input/],
  ['a gate on an odd embedding', stack([{ type: 'gate' }], 3), /^layers\.0: a gate halves its input/],
  ['skips of different widths before a skipSum', stack([skip(conv(3)), skip(conv(4)), SKIP_SUM]), /^layers\.1\.body: its output width 4 differs/],
  ['a nested skip of another width than the open skips', stack([skip(conv(3)), residual(skip(conv(4))), SKIP_SUM]), /^layers\.1\.body\.0\.body: /],
  ['a skipSum with no skip', stack([TANH, SKIP_SUM]), /^layers\.1: a skipSum needs a skip before it/],
  ['a second skipSum with no skip since the first', stack([skip(conv(4)), SKIP_SUM, SKIP_SUM]), /^layers\.2: a skipSum needs a skip/],
  ['a residual with an empty body', stack([residual()]), /^layers\.0\.body: a residual needs at least one layer/],
  ['a residual without a body', stack([{ type: 'residual' }]), /^layers\.0\.body: missing/],
  ['a residual whose body is not a list', stack([{ type: 'residual', body: TANH }]), /^layers\.0\.body: must be a list/],
  ['a skip with an empty body', stack([skip(), SKIP_SUM]), /^layers\.0\.body: a skip needs at least one layer/],
  ['a mistake deep in nested bodies', stack([residual(TANH, residual(conv(4, { kernel: 0 })))]), /^layers\.0\.body\.1\.body\.0\.kernel: /],
  // its output would go nowhere, and a training pass has no gradient to give it (Skip.backward reads the missing sum's)
  ['a skip with no skipSum after it', stack([skip(conv(4))]), /^layers\.0(\.\w+)?: /],
  ['a skip after the last skipSum', stack([skip(conv(4)), SKIP_SUM, skip(conv(4))]), /^layers\.2(\.\w+)?: /],
  // parallel branches
  ['a parallel layer without branches', stack([{ type: 'parallel' }]), /^layers\.0\.branches: missing/],
  ['a parallel layer of one branch', stack([parallel([[TANH]])]), /^layers\.0\.branches: must be a list of at least two branches/],
  ['a branch that is not a list', stack([{ type: 'parallel', branches: [[TANH], TANH] }]), /^layers\.0\.branches: must be a list of at least two branches/],
  ['an empty branch', stack([parallel([[TANH], []])]), /^layers\.0\.branches\.1: a parallel needs at least one layer/],
  ['a mistake inside a branch', stack([parallel([[TANH], [conv(4, { kernel: 0 })]])]), /^layers\.0\.branches\.1\.0\.kernel: /],
  ['inputs for fewer branches than there are', stack([parallel([[TANH], [TANH], [TANH]], [2, 2])]), /^layers\.0\.inputs: lists 2 widths for 3 branches/],
  ['inputs that do not sum to the input width', stack([parallel([[TANH], [TANH]], [2, 3])]), /^layers\.0\.inputs: the widths sum to 5, not to the input width 4/],
  ['an input width of 0', stack([parallel([[TANH], [TANH]], [4, 0])]), /^layers\.0\.inputs\.1: must be an integer/],
  ['inputs that are not a list', stack([parallel([[TANH], [TANH]], 2)]), /^layers\.0\.inputs: must be a list of widths/],
  ['branches between a skip and its skipSum', stack([skip(conv(4)), parallel([[TANH], [TANH]]), SKIP_SUM]), /^layers\.1: stands between a skip and its skipSum/],
  ['a branch that leaves a skip open', stack([parallel([[skip(conv(4))], [TANH]])]), /^layers\.0\.branches\.0: ends with a skip not summed/],
  // tensors named twice
  ['two layers with the same name', stack([conv(4, { name: 'a' }), conv(4, { name: 'a' })]), /^layers\.1\.name: its tensor a\.weight/],
  ['a layer named as the head', stack([conv(4, { name: 'head' })]), /^layers\.0\.name: its tensor head\.weight/],
  ['a body layer named as its residual’s shortcut', stack([{ type: 'residual', name: 'r', body: [conv(6, { name: 'r.shortcut' })] }]), /^layers\.0\.body\.0\.name: /],
];

/** What resolving `spec` throws (null: nothing). */
function refusal(spec: unknown): unknown {
  try {
    resolveSpec(spec);
    return null;
  } catch (e) {
    return e;
  }
}

describe('a spec with a mistake is refused, naming the layer and the field', () => {
  it.each(MISTAKES)('%s', (_, spec, message) => {
    const error = refusal(spec);
    expect(error, 'refused').toBeInstanceOf(SpecError);
    expect((error as SpecError).message).toMatch(message);
  });

  it('keeps the path and the field apart on the error', () => {
    expect(refusal(stack([TANH, residual(conv(4, { kernel: 2.5 }))]))).toMatchObject({ name: 'SpecError', path: 'layers.1.body.0', field: 'kernel' });
  });
});

// ---------------------------------------------------------------------------------------------

const RECEPTIVE_FIELDS: [string, unknown, number][] = [
  ['no layers: each position its own character', stack([]), 1],
  ['a 1×1 conv', stack([conv(4)]), 1],
  ['conv K3 d1 → conv K3 d2: 1 + 2 + 4', stack([conv(4, { kernel: 3 }), conv(4, { kernel: 3, dilation: 2 })]), 7],
  ['conv K4 d5: 1 + 15', stack([conv(4, { kernel: 4, dilation: 5 })]), 16],
  ['pointwise layers reach nothing: conv K2 d3 → batchnorm → layernorm → tanh → relu → dropout → gate', stack([conv(6, { kernel: 2, dilation: 3 }), { type: 'batchnorm' }, { type: 'layernorm' }, TANH, { type: 'relu' }, { type: 'dropout', p: 0.1 }, { type: 'gate' }]), 4],
  ['a residual reaches as far as its body: conv K2 → residual(conv K3 d2): 1 + 1 + 4', stack([conv(4, { kernel: 2 }), residual(conv(4, { kernel: 3, dilation: 2 }))]), 6],
  ['a residual that changes the width (1×1 shortcut): residual(conv K3 d3 to 6): 1 + 6', stack([residual(conv(6, { kernel: 3, dilation: 3 }))]), 7],
  ['a skipSum reaches as far as its farthest skip: conv K2 → skip(conv K3 d3) → conv K2 d2 → skip(1×1) → skipSum: 1 + 1 + 6', stack([conv(4, { kernel: 2 }), skip(conv(5, { kernel: 3, dilation: 3 })), conv(4, { kernel: 2, dilation: 2 }), skip(conv(5)), SKIP_SUM]), 8],
  ['the stream after a skipSum builds on it: … → skipSum → conv K2 d1: 8 + 1', stack([conv(4, { kernel: 2 }), skip(conv(5, { kernel: 3, dilation: 3 })), conv(4, { kernel: 2, dilation: 2 }), skip(conv(5)), SKIP_SUM, conv(4, { kernel: 2 })]), 9],
  ['the stream’s layers after the last skip do not count: skip(1×1) → conv K4 d5 → skipSum', stack([skip(conv(4)), conv(4, { kernel: 4, dilation: 5 }), SKIP_SUM]), 1],
  ['a skip inside a residual, summed outside: residual(conv K2 d2 → skip(conv K3)) → skipSum: 1 + 2 + 2', stack([residual(conv(4, { kernel: 2, dilation: 2 }), skip(conv(3, { kernel: 3 }))), SKIP_SUM]), 5],
  ['the lecture preset, 3 layers of kernel 2 (dilations 1, 2, 4): 1 + 1 + 2 + 4', lectureSpec({ vocabSize: 27, nEmbd: 24, nHidden: 128, nLayers: 3 }), 8],
  ['the lecture preset, 2 layers of kernel 3 (dilations 1, 3): 1 + 2 + 6', lectureSpec({ vocabSize: 27, nEmbd: 4, nHidden: 6, nLayers: 2, kernel: 3 }), 9],
  ['the WaveNet preset, 4 layers × 2 stacks: 2 · (1 + 2 + 4 + 8) + 1', waveNetSpec({ vocabSize: 27, nEmbd: 24, channels: 32, skipChannels: 64, layers: 4, stacks: 2, dropout: 0.1, norm: 'layernorm' }), 31],
  ['branches reach as far as the farthest: parallel(conv K3 d2 | conv K2 d1 → conv K2 d1): 1 + 4', stack([parallel([[conv(4, { kernel: 3, dilation: 2 })], [conv(4, { kernel: 2 }), conv(4, { kernel: 2 })]])]), 5],
  ['a branch sums its own skips: parallel(skip(conv K3 d3) → skipSum | tanh) → conv K2: 1 + 6 + 1', stack([parallel([[skip(conv(3, { kernel: 3, dilation: 3 })), SKIP_SUM], [TANH]]), conv(4, { kernel: 2 })]), 8],
  ['the TCN preset, kernel 3, 3 blocks of two convs: 2 · 2 · (1 + 2 + 4) + 1', tcnSpec({ vocabSize: 27, nEmbd: 24, channels: [32, 32, 48], kernel: 3, dropout: 0.1 }), 29],
];

describe('the receptive field', () => {
  it.each(RECEPTIVE_FIELDS)('%s → %i', (_, spec, field) => {
    expect(resolveSpec(spec).receptiveField).toBe(field);
  });
});

// ---------------------------------------------------------------------------------------------

const PARAMETER_COUNTS: [string, ModelSpec, number][] = [
  // embedding 27·24 + convs (48 + 256 + 256)·128 + 3 BatchNorms 2·128 + head 128·27 + 27
  ['the lecture preset, 24 / 128 / 3 layers (the lecture’s 76,579)', lectureSpec({ vocabSize: 27, nEmbd: 24, nHidden: 128, nLayers: 3 }), 76_579],
  // embedding 18 + v (2·3, 4) 24 + g 4 + bias 4 + head 4·6 + 6
  ['a weight-normalised conv K2, E 3 → 4, vocabulary 6', { vocabSize: 6, embedding: 3, layers: [conv(4, { kernel: 2, weightNorm: true })] }, 80],
  // embedding 18 + conv 3·5 (no bias) + shortcut 3·5 + 5 + head 5·6 + 6
  ['a residual that widens 3 → 5 (its 1×1 shortcut), vocabulary 6', { vocabSize: 6, embedding: 3, layers: [residual(conv(5, { bias: false }))] }, 89],
  // embedding 18 + BatchNorm γ, β 6 (running statistics are not trained) + LayerNorm 6 + head 3·6 + 6
  ['BatchNorm and LayerNorm on width 3, vocabulary 6', { vocabSize: 6, embedding: 3, layers: [{ type: 'batchnorm' }, { type: 'layernorm' }] }, 54],
  // embedding 108 + input 1×1 20 + layer 0 (dilated 2·4·8 + 8, skip 4·5 + 5, residual 4·4 + 4) 117
  // + layer 1 (dilated 72, skip 25; no residual conv) 97 + out 5·5 + 5 + head 5·27 + 27
  // embedding 27·4 = 108 + branches on slices 1 and 3: conv 1·2 + 2 = 4, conv K2 2·3·3 + 3 = 21 + head (2 + 3)·27 + 27 = 162
  ['parallel branches on slices 1 and 3 of the embedding, concatenated to 2 + 3', { vocabSize: 27, embedding: 4, layers: [parallel([[conv(2)], [conv(3, { kernel: 2 })]], [1, 3])] }, 295],
  ['the WaveNet preset, E 4, C 4, S 5, 2 layers', waveNetSpec({ vocabSize: 27, nEmbd: 4, channels: 4, skipChannels: 5, layers: 2, stacks: 1, dropout: 0, norm: 'none' }), 534],
];

describe('the parameter count', () => {
  it.each(PARAMETER_COUNTS)('%s → %i', (_, spec, count) => {
    const resolved = resolveSpec(spec);
    expect(initParams(resolved, new PythonRandom(1)).count()).toBe(count);
    expect(parameterCount(resolved)).toBe(count);
  });
});
