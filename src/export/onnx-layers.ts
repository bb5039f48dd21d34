// Each layer type's ONNX form, in the two graphs the export writes: the whole sequence, where
// activations are [B, C, T] (ONNX Conv's layout), and the streaming step, where they are [B, C] and
// each conv with K > 1 reads and writes a state [B, (K−1)·d, C] (its queue of past inputs, oldest
// first). Channels are axis 1 in both, so gate and BatchNorm are the same nodes in both. A layer
// type missing here cannot be exported: the export refuses it naming the layer.

import type { ResolvedLayer } from '../models/conv-layers/kind.ts';
import { normedWeight } from '../models/conv-layers/weight-norm.ts';
import { branchesOf } from '../models/conv-layers/parallel.ts';
import { BN_EPS } from '../layers/batchnorm1d.ts';
import { LN_EPS } from '../models/conv-layers/layernorm.ts';
import type { GraphBuilder } from './graph.ts';

export type Form = 'sequence' | 'step';

/** What a layer's form may use while it adds its nodes. */
export interface OnnxPass {
  readonly g: GraphBuilder;
  readonly form: Form;
  /** A parameter's values. */
  param(name: string): Float32Array;
  /** The nodes of `layers` on x → their output. */
  body(layers: readonly ResolvedLayer[], x: string): string;
  /** Skip outputs since the last skip sum. */
  skips: string[];
  /**
   * A conv's queue of its last `slots` inputs x: the step form reads its state and returns it joined
   * with x, [B, slots + 1, C] oldest first, wiring the next state; the sequence form returns the
   * state after the last position as an output.
   */
  queue(layer: ResolvedLayer, x: string, slots: number): string;
}

/** A layer's nodes on input x → its output. */
export type LayerForm = (layer: ResolvedLayer, x: string, pass: OnnxPass) => string;

export const ONNX_FORMS: Readonly<Record<string, LayerForm>> = {
  conv(layer, x, pass) {
    const { kernel: K, dilation: d, bias, weightNorm } = layer.fields as { kernel: number; dilation: number; bias: boolean; weightNorm: boolean };
    const w = weightNorm ? normedWeight(pass.param(`${layer.name}.weight_v`), pass.param(`${layer.name}.weight_g`), layer.cOut) : pass.param(`${layer.name}.weight`);
    return conv(layer.name, x, w, bias ? pass.param(`${layer.name}.bias`) : null, layer.cIn, layer.cOut, K, d, pass, layer);
  },
  mix: (layer, x, pass) => conv(layer.name, x, pass.param(`${layer.name}.weight`), pass.param(`${layer.name}.bias`), layer.cIn, layer.cOut, 1, 1, pass, layer),
  batchnorm(layer, x, pass) {
    const t = (suffix: string) => pass.g.floats(`${layer.name}.${suffix}`, pass.param(`${layer.name}.${suffix}`), [layer.cOut]);
    return pass.g.op('BatchNormalization', `${layer.name}/BatchNormalization`, [x, t('weight'), t('bias'), t('running_mean'), t('running_var')], { epsilon: { f: BN_EPS } });
  },
  layernorm(layer, x, pass) {
    const { g } = pass;
    const t = (suffix: string) => g.floats(`${layer.name}.${suffix}`, pass.param(`${layer.name}.${suffix}`), [layer.cOut]);
    if (pass.form === 'step') return g.op('LayerNormalization', `${layer.name}/LayerNormalization`, [x, t('weight'), t('bias')], { axis: { i: -1 }, epsilon: { f: LN_EPS } });
    // over each position's channels: channels last for LayerNormalization, then back
    const last = g.op('Transpose', `${layer.name}/ChannelsLast`, [x], { perm: { ints: [0, 2, 1] } });
    const y = g.op('LayerNormalization', `${layer.name}/LayerNormalization`, [last, t('weight'), t('bias')], { axis: { i: -1 }, epsilon: { f: LN_EPS } });
    return g.op('Transpose', `${layer.name}/ChannelsFirst`, [y], { perm: { ints: [0, 2, 1] } });
  },
  tanh: (layer, x, pass) => pass.g.op('Tanh', `${layer.name}/Tanh`, [x]),
  relu: (layer, x, pass) => pass.g.op('Relu', `${layer.name}/Relu`, [x]),
  gate(layer, x, pass) {
    const { g } = pass;
    const [a, b] = g.node('Split', `${layer.name}/Split`, [x], { axis: { i: 1 } }, 2);
    return g.op('Mul', `${layer.name}/Mul`, [g.op('Tanh', `${layer.name}/Tanh`, [a]), g.op('Sigmoid', `${layer.name}/Sigmoid`, [b])]);
  },
  // eval: the identity
  dropout: (_, x) => x,
  residual(layer, x, pass) {
    const y = pass.body(layer.body, x);
    const shortcut = layer.cIn === layer.cOut ? x : conv(`${layer.name}.shortcut`, x, pass.param(`${layer.name}.shortcut.weight`), pass.param(`${layer.name}.shortcut.bias`), layer.cIn, layer.cOut, 1, 1, pass, layer);
    return pass.g.op('Add', `${layer.name}/Add`, [y, shortcut]);
  },
  skip(layer, x, pass) {
    pass.skips.push(pass.body(layer.body, x));
    return x;
  },
  parallel(layer, x, pass) {
    const { g } = pass;
    const branches = branchesOf(layer);
    const inputs = layer.fields.inputs as number[] | null;
    const xs = inputs ? g.node('Split', `${layer.name}/Split`, [x, g.ints(`${layer.name}.inputs`, inputs)], { axis: { i: 1 } }, inputs.length) : branches.map(() => x);
    return g.op('Concat', `${layer.name}/Concat`, branches.map((b, i) => pass.body(b, xs[i])), { axis: { i: 1 } });
  },
  skipSum(layer, _, pass) {
    const skips = pass.skips.splice(0);
    return skips.length === 1 ? skips[0] : pass.g.op('Sum', `${layer.name}/Sum`, skips);
  },
};

// w (K·Cin, Cout), tap j's rows j·Cin … (j+1)·Cin − 1 reading t − (K−1−j)·d (kernels/layout.ts)
function conv(name: string, x: string, w: Float32Array, bias: Float32Array | null, cIn: number, cOut: number, K: number, d: number, pass: OnnxPass, layer: ResolvedLayer): string {
  const { g } = pass;
  if (pass.form === 'sequence') {
    // ONNX Conv: weight (Cout, Cin, K); tap j of ONNX's kernel reads t − (K−1)·d + j·d with the
    // (K−1)·d left pads, as ours. The pads are zeros, but the tokens' '.' padding (onnx.ts) keeps them
    // out of every position the graph returns.
    const onnxW = new Float32Array(w.length);
    for (let j = 0; j < K; j++) for (let c = 0; c < cIn; c++) for (let o = 0; o < cOut; o++) onnxW[(o * cIn + c) * K + j] = w[(j * cIn + c) * cOut + o];
    if (K > 1) pass.queue(layer, x, (K - 1) * d);
    const inputs = [x, g.floats(`${name}.weight`, onnxW, [cOut, cIn, K])];
    if (bias) inputs.push(g.floats(`${name}.bias`, bias, [cOut]));
    return g.op('Conv', `${name}/Conv`, inputs, { kernel_shape: { ints: [K] }, dilations: { ints: [d] }, pads: { ints: [(K - 1) * d, 0] }, strides: { ints: [1] } });
  }
  // step: the K taps side by side, (B, K·Cin), times w
  let taps = x;
  if (K > 1) {
    const window = pass.queue(layer, x, (K - 1) * d);
    const picked = g.op('Gather', `${name}/Taps`, [window, g.ints(`${name}.tap_positions`, Array.from({ length: K }, (_, j) => j * d))], { axis: { i: 1 } });
    taps = g.op('Reshape', `${name}/FlattenTaps`, [picked, g.ints(`${name}.taps_shape`, [-1, K * cIn])]);
  }
  const y = g.op('MatMul', `${name}/MatMul`, [taps, g.floats(`${name}.weight`, w, [K * cIn, cOut])]);
  return bias ? g.op('Add', `${name}/Add`, [y, g.floats(`${name}.bias`, bias, [cOut])]) : y;
}
