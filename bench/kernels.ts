// GFLOP/s of the conv engine's hot kernels, called through the ops as the engine calls them, on the
// shapes of one real training batch: every conv of the model's spec (bias left out) in one call
// sequence, as a step runs them. Inputs, weights and gradients are where the engine keeps them: in
// arrays the ops allocated (a wasm backend's own memory, so nothing is copied in; a gpu.js backend
// uploads them as in training). Each kernel is also a list of plain matmuls of the same
// sizes, which is what PyTorch is timed on for comparison: the products the wasm kernels run, a
// conv's first tap over the positions it reads (kernels/conv1d.as.ts), the other taps over every
// position. (The gpu.js kernels multiply the first tap at every position: their rate counts these.)

import { PythonRandom } from '../src/rng.ts';
import { everyLayer, type ResolvedSpec } from '../src/spec/resolve.ts';
import type { ConvOps } from '../src/engine/ops.ts';
import type { PackedBatch } from '../src/data/packed-batch.ts';
import type { ConvShape } from '../kernels/conv1d.ts';
import { tapSourceCount } from '../kernels/layout.ts';
import { measureRate, type Budget } from './measure.ts';
import { SEED } from './setup.ts';

export const HOT_KERNELS = ['conv_forward', 'conv_backward_input', 'conv_backward_weight', 'head_forward'] as const;
export type HotKernel = (typeof HOT_KERNELS)[number];

/** (m × k) · (k × n) */
export type Matmul = [m: number, k: number, n: number];

export interface KernelCase {
  name: HotKernel;
  /** The same arithmetic as matmuls: what the flops count and what PyTorch runs. */
  matmuls: Matmul[];
  run(ops: ConvOps): Promise<void>;
}

export function flops(matmuls: Matmul[]): number {
  return matmuls.reduce((n, [m, k, p]) => n + 2 * m * k * p, 0);
}

/** e.g. "231×48·48×128 + 2×(231×256·256×128)": repeated consecutive shapes counted once. */
export function describeMatmuls(matmuls: Matmul[]): string {
  const groups: { text: string; count: number }[] = [];
  for (const [m, k, n] of matmuls) {
    const text = `${m}×${k}·${k}×${n}`;
    const last = groups[groups.length - 1];
    if (last?.text === text) last.count++;
    else groups.push({ text, count: 1 });
  }
  return groups.map((g) => (g.count > 1 ? `${g.count}×(${g.text})` : g.text)).join(' + ');
}

export function kernelCases(batch: PackedBatch, spec: ResolvedSpec): KernelCase[] {
  const rng = new PythonRandom(SEED);
  const P = batch.positions;
  const convs = everyLayer(spec.layers).filter((l) => l.type === 'conv');
  const layers = convs.map((l) => convLayer(rng, P, l.cIn, l.cOut, l.fields.kernel as number, l.fields.dilation as number));
  const head = { P, H: spec.width, V: spec.spec.vocabSize };
  const headArrays = { h: random(rng, P * head.H), w: random(rng, head.H * head.V), b: random(rng, head.V) };
  const { start } = batch;
  // each ops' copies of the arrays, made once
  const copies = new WeakMap<ConvOps, { layers: ConvLayer[]; head: typeof headArrays }>();
  const resident = (ops: ConvOps) => {
    let c = copies.get(ops);
    if (!c) {
      const own = (a: Float32Array) => {
        const b = ops.allocate(a.length);
        b.set(a);
        return b;
      };
      c = { layers: layers.map((l) => ({ ...l, x: own(l.x), w: own(l.w), dy: own(l.dy), dw: own(l.dw) })), head: { h: own(headArrays.h), w: own(headArrays.w), b: own(headArrays.b) } };
      copies.set(ops, c);
    }
    return c;
  };
  const each = async (ops: ConvOps, f: (l: ConvLayer) => unknown) => {
    for (const l of resident(ops).layers) await f(l);
  };
  // each conv's products as [positions, inner size]: the first tap over its sources, the rest over P
  const products = (l: ConvLayer): [number, number][] => (l.s.K === 1 ? [[P, l.s.cIn]] : [[tapSourceCount(start, (l.s.K - 1) * l.s.dilation), l.s.cIn], [P, l.rows - l.s.cIn]]);
  return [
    { name: 'conv_forward', matmuls: layers.flatMap((l) => products(l).map(([m, k]): Matmul => [m, k, l.s.cOut])), run: (ops) => each(ops, (l) => ops.convForward(l.x, l.w, null, start, l.s)) },
    { name: 'conv_backward_input', matmuls: layers.flatMap((l) => products(l).map(([m, k]): Matmul => [m, l.s.cOut, k])), run: (ops) => each(ops, (l) => ops.convBackwardInput(l.dy, l.w, start, l.s)) },
    { name: 'conv_backward_weight', matmuls: layers.flatMap((l) => products(l).map(([m, k]): Matmul => [k, m, l.s.cOut])), run: (ops) => each(ops, (l) => ops.convBackwardWeight(l.x, l.dy, start, l.s, l.dw, null)) },
    {
      name: 'head_forward',
      matmuls: [[P, head.H, head.V]],
      run: async (ops) => {
        const { h, w, b } = resident(ops).head;
        await ops.headForward(h, w, b, head);
      },
    },
  ];
}

export async function kernelGflops(ops: ConvOps, cases: KernelCase[], budget: Budget): Promise<Record<HotKernel, number>> {
  const out = {} as Record<HotKernel, number>;
  for (const c of cases) {
    const perCall = flops(c.matmuls);
    const rate = await measureRate(async () => {
      ops.beginPass(); // each call is a pass of its own: its results are not kept
      await c.run(ops);
      return perCall;
    }, budget);
    out[c.name] = rate.perSecond / 1e9;
  }
  return out;
}

interface ConvLayer {
  s: ConvShape;
  rows: number; // K·Cin: the weight's rows, the matmul's inner size
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  dw: Float32Array;
}

function convLayer(rng: PythonRandom, P: number, cIn: number, cOut: number, K: number, dilation: number): ConvLayer {
  const rows = K * cIn;
  return { s: { P, cIn, cOut, K, dilation }, rows, x: random(rng, P * cIn), w: random(rng, rows * cOut), dy: random(rng, P * cOut), dw: new Float32Array(rows * cOut) };
}

function random(rng: PythonRandom, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.gauss());
}
