// A trained model as ONNX (opset 17, ai.onnx ops only), from its spec, so every preset and any spec
// export through one path: each layer type's form is in onnx-layers.ts.
//
//  - The whole sequence: tokens [B, T] (int64; position 0 '.', then the word, then '.' padding) →
//    logits [B, T, V], position t predicting token t + 1: the conv form in one pass, eval mode. The
//    tokens are padded on the left with RF − 1 '.' before the embedding, which is what the engine's
//    clamped taps equal (kernels/layout.ts); the convs' own zero pads then only reach positions the
//    graph drops before the head.
//  - The streaming step: token [B] and one state per conv with K > 1, `state.{layer}`
//    [B, (K−1)·d, C] (the queue the cached generator keeps, oldest first) → logits [B, V] and each
//    state one position on, `next_state.{layer}`, fed back as `state.{layer}` next step.
//  - Where the states start: the whole-sequence graph returns them too, as `next_state.{layer}`
//    after its last position. Run on tokens [['.']] it gives the first character's logits and the
//    start state (every slot the conv's input over an all-'.' context, which feeding '.' leaves as
//    it is); run on '.' and a prefix, the states to go on from (the rows' prefixes of one length).
//
// Node-free: the page exports with it; the command writes the files.

import type { ParamSet } from '../params.ts';
import { everyLayer, EMBEDDING, HEAD, type ResolvedSpec } from '../spec/resolve.ts';
import type { ResolvedLayer } from '../models/conv-layers/kind.ts';
import { DataType, GraphBuilder } from './graph.ts';
import { ONNX_FORMS, type Form, type OnnxPass } from './onnx-layers.ts';

/** The two graphs, as ONNX files' bytes. */
export interface OnnxExport {
  /** The whole-sequence model (`model.onnx`). */
  sequence: Uint8Array;
  /** The streaming step (`model.step.onnx`). */
  step: Uint8Array;
  /** The step's states: input `state.{layer}`, output `next_state.{layer}` (of both graphs), shape [B, slots, channels]. */
  states: { input: string; output: string; slots: number; channels: number }[];
}

/** What goes into the files besides the model: the vocabulary (in the metadata) and who wrote them. */
export interface OnnxExportOptions {
  /** The vocabulary, in index order ('.' first): stored in the metadata. */
  vocab: readonly string[];
  /** The package's version, for the files' producer_version. */
  version?: string;
}

/** A spec that the export cannot write: names the layer. */
export class OnnxExportError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'OnnxExportError';
  }
}

export const PRODUCER = 'makemore-wavenet';

/** The step graph's file next to the whole-sequence one: `model.onnx` → `model.step.onnx`. */
export function stepFileName(file: string): string {
  return /\.onnx$/i.test(file) ? file.replace(/\.onnx$/i, '.step.onnx') : `${file}.step.onnx`;
}

/** `spec`'s model with `params` as the two ONNX graphs; refuses a layer type with no ONNX form. */
export function exportOnnx(params: ParamSet, spec: ResolvedSpec, options: OnnxExportOptions): OnnxExport {
  for (const layer of everyLayer(spec.layers)) {
    if (!Object.hasOwn(ONNX_FORMS, layer.type)) throw new OnnxExportError(layer.path, `a ${layer.type} layer has no ONNX form: the model cannot be exported`);
  }
  if (options.vocab.length !== spec.spec.vocabSize) throw new Error(`vocabulary of ${options.vocab.length} characters for a model of ${spec.spec.vocabSize}`);
  const metadata = {
    vocab: JSON.stringify(options.vocab),
    spec: JSON.stringify(spec.spec),
    receptive_field: String(spec.receptiveField),
  };
  const meta = (doc: string, form: Form) => ({ producer: PRODUCER, version: options.version, doc, metadata: { ...metadata, graph: form } });
  const sequence = sequenceGraph(params, spec);
  const step = stepGraph(params, spec);
  return {
    sequence: sequence.encode(meta(SEQUENCE_DOC, 'sequence')),
    step: step.g.encode(meta(STEP_DOC, 'step')),
    states: step.states,
  };
}

const SEQUENCE_DOC =
  "Whole sequence: tokens [batch, length] (int64: position 0 is '.' = 0, then the word's characters, then '.' padding) → logits [batch, length, vocab], position t predicting token t + 1, and next_state.* [batch, slots, channels]: the streaming step's states after the last position (on tokens [['.']], the start states). The metadata holds the vocabulary (vocab, JSON) and the spec.";
const STEP_DOC =
  "Streaming step (model.step.onnx): token [batch] (int64, each row's last token) and state.* [batch, slots, channels] → logits [batch, vocab] and next_state.*, fed back as state.* next step. The first states: the whole-sequence graph's next_state.* on tokens [['.']].";

function pass(g: GraphBuilder, form: Form, params: ParamSet, queue: OnnxPass['queue']): OnnxPass {
  const p: OnnxPass = {
    g,
    form,
    param: (name) => params.get(name).data,
    body: (layers, x) => layers.reduce((h, layer) => ONNX_FORMS[layer.type](layer, h, p), x),
    skips: [],
    queue,
  };
  return p;
}

function sequenceGraph(params: ParamSet, spec: ResolvedSpec): GraphBuilder {
  const g = new GraphBuilder('makemore_sequence');
  const { vocabSize: V, embedding: E } = spec.spec;
  // '.' padding: the receptive field's, or every conv's reach added up where a conv whose output
  // the model drops reads further back (its state is still returned)
  const left = Math.max(spec.receptiveField - 1, everyLayer(spec.layers).reduce((n, l) => n + l.reach, 0));
  const tokens = g.input('tokens', DataType.INT64, ['batch', 'length'], "int64 character indices: '.' (0), the word, then '.' padding");
  const padded = left === 0 ? tokens : g.op('Pad', 'pad_context/Pad', [tokens, g.ints('pad_context.pads', [0, left, 0, 0])], { mode: { s: 'constant' } });
  const embedded = g.op('Gather', 'embedding/Gather', [g.floats(EMBEDDING, params.get(EMBEDDING).data, [V, E]), padded], { axis: { i: 0 } });
  const x = g.op('Transpose', 'embedding/ChannelsFirst', [embedded], { perm: { ints: [0, 2, 1] } });
  // each conv's last `slots` inputs, [B, slots, C]: the padding covers every conv's reach plus what
  // it reads through, so these positions are clear of the convs' zero pads
  const states: State[] = [];
  const queue: OnnxPass['queue'] = (layer, h, slots) => {
    const tail = g.op('Slice', `${layer.name}/LastInputs`, [h, g.ints(`${layer.name}.last_start`, [-slots]), g.ints(`${layer.name}.last_end`, [Number.MAX_SAFE_INTEGER]), g.ints(`${layer.name}.last_axis`, [2])]);
    states.push({ layer, slots, value: g.op('Transpose', `${layer.name}/StateLayout`, [tail], { perm: { ints: [0, 2, 1] } }) });
    return tail;
  };
  const top = pass(g, 'sequence', params, queue).body(spec.layers, x);
  const last = g.op('Transpose', 'head/ChannelsLast', [top], { perm: { ints: [0, 2, 1] } });
  const kept = left === 0 ? last : g.op('Slice', 'drop_context/Slice', [last, g.ints('drop_context.starts', [left]), g.ints('drop_context.ends', [Number.MAX_SAFE_INTEGER]), g.ints('drop_context.axes', [1])]);
  g.output('logits', head(g, params, spec, kept), DataType.FLOAT, ['batch', 'length', V], 'position t: unnormalised log-probabilities of token t + 1');
  for (const s of states) {
    g.output(`next_state.${s.layer.name}`, s.value, DataType.FLOAT, ['batch', s.slots, s.layer.cIn], `${s.layer.path}'s last ${s.slots} inputs after the last position, oldest first: the streaming step's state.${s.layer.name}`);
  }
  return g;
}

interface State {
  layer: ResolvedLayer;
  slots: number;
  value: string;
}

function stepGraph(params: ParamSet, spec: ResolvedSpec) {
  const g = new GraphBuilder('makemore_step');
  const { vocabSize: V, embedding: E } = spec.spec;
  const token = g.input('token', DataType.INT64, ['batch'], "int64: each row's last token");
  const states: State[] = [];
  const queue: OnnxPass['queue'] = (layer, x, slots) => {
    const state = g.input(`state.${layer.name}`, DataType.FLOAT, ['batch', slots, layer.cIn], `${layer.path}'s last ${slots} inputs, oldest first`);
    const now = g.op('Unsqueeze', `${layer.name}/Now`, [x, g.ints(`${layer.name}.time_axis`, [1])]);
    const joined = g.op('Concat', `${layer.name}/Window`, [state, now], { axis: { i: 1 } });
    const next = g.op('Slice', `${layer.name}/NextState`, [joined, g.ints(`${layer.name}.next_start`, [1]), g.ints(`${layer.name}.next_end`, [slots + 1]), g.ints(`${layer.name}.next_axis`, [1])]);
    states.push({ layer, slots, value: next });
    return joined;
  };
  const x = g.op('Gather', 'embedding/Gather', [g.floats(EMBEDDING, params.get(EMBEDDING).data, [V, E]), token], { axis: { i: 0 } });
  const top = pass(g, 'step', params, queue).body(spec.layers, x);
  g.output('logits', head(g, params, spec, top), DataType.FLOAT, ['batch', V], "the next token's unnormalised log-probabilities");
  for (const s of states) g.output(`next_state.${s.layer.name}`, s.value, DataType.FLOAT, ['batch', s.slots, s.layer.cIn], `state.${s.layer.name} one position on: feed it back next step`);
  const described = states.map((s) => ({ input: `state.${s.layer.name}`, output: `next_state.${s.layer.name}`, slots: s.slots, channels: s.layer.cIn }));
  return { g, states: described };
}

// x [..., W] → x·W_head + b [..., V]
function head(g: GraphBuilder, params: ParamSet, spec: ResolvedSpec, x: string): string {
  const { vocabSize: V } = spec.spec;
  const y = g.op('MatMul', 'head/MatMul', [x, g.floats(`${HEAD}.weight`, params.get(`${HEAD}.weight`).data, [spec.width, V])]);
  return g.op('Add', 'head/Add', [y, g.floats(`${HEAD}.bias`, params.get(`${HEAD}.bias`).data, [V])]);
}
