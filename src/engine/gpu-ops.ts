// ConvOps on gpu.js: each op runs the kernels from kernels/ through one GPU instance. A kernel is
// built once per (source, constants) — the channel sizes that shape its loops — and takes the
// batch size per call through dynamicOutput, since P changes with every packed batch. Batches run
// padded to paddedRows(P) rows (kernels/layout.ts), so the webasm backend's per-size modules are
// reused. The ops hand back the P real rows as a view of the padded result, and take an input that
// is such a view as the padded rows behind it: activations pass between ops without copies. Every
// call is kept within the backend's limits (its GL texture size, float32 index range, shader loop
// budget) by chunked-ops.ts.

import { GPU, WebAssemblyKernel, type IKernelRunShortcut, type KernelFunction, type KernelVariable } from 'gpu.js';
import type { GpuJsMode } from '../backend.ts';
import { kernelBackendName } from '../backend.ts';
import { addInto, withComposedFusions, type ConvOps, type PrimitiveOps } from './ops.ts';
import { FLOAT32_EXACT_INDEX, type BackendLimits } from './backend-limits.ts';
import { chunkedOps, type SplitBnBackward } from './chunked-ops.ts';
import { webasmKernelRan, webasmKernelsDestroyed } from './webasm-memories.ts';
import { MAX_POSITIONS, type KernelConstants, type KernelSpec } from '../../kernels/spec.ts';
import { padIndices, paddedRows, padRows, padStart, unblock } from '../../kernels/layout.ts';
import { convBackwardInputSpec, convBackwardWeightSpec, convForwardSpec, convTapSumsSpec, convTransposeWeightSpec, type ConvShape } from '../../kernels/conv1d.ts';
import { bnBackwardSpec, bnBackwardSumsSpec, bnForwardSpec, bnStatsSpec, type BnShape } from '../../kernels/batchnorm.ts';
import { adamwSpec, addKernel, elementwiseSpec, multiplyKernel, reluBackwardKernel, reluForwardKernel, sgdSpec, tanhBackwardKernel, tanhForwardKernel } from '../../kernels/pointwise.ts';
import { gateBackwardSpec, gateForwardSpec } from '../../kernels/gate.ts';
import { lnBackwardMeansSpec, lnBackwardSpec, lnForwardSpec, lnParamGradsSpec, lnStatsSpec } from '../../kernels/layernorm.ts';
import { embeddingBackwardSpec, embeddingForwardSpec } from '../../kernels/embedding.ts';
import { crossEntropyGradSpec, crossEntropyLossSpec, headBackwardInputSpec, headBackwardWeightSpec, headForwardSpec, logSumExpSpec } from '../../kernels/head.ts';
import { columnSumSpec } from '../../kernels/reduce.ts';

/** {@link ConvOps} on gpu.js kernels, with the resources they hold. */
export interface GpuOps extends ConvOps {
  /** The gpu.js kernel class the kernels run on, e.g. 'webasm' (for mode 'gpu', the one gpu.js picked). */
  readonly backend: string;
  /** How many gpu.js kernels have been built: one per (kernel, channel sizes), whatever the batch size. */
  kernelCount(): number;
  /** Frees every kernel (wasm memories, GL contexts); the ops must not be used afterwards. */
  destroy(): void;
}

export type KernelArg = Float32Array | Int32Array | number;

interface Built {
  kernel: IKernelRunShortcut;
  output: string;
}

/** Told of every kernel run: its spec, arguments and flat result (test/browser/ replays them on WebGPU). */
export type KernelObserver = <C extends KernelConstants>(spec: KernelSpec<C>, args: KernelArg[], result: Float32Array) => void;

/** A spec's kernel on `gpu`, with the settings every runner uses; the output is set per call (dynamicOutput). */
export function buildKernel<C extends KernelConstants>(gpu: GPU, spec: KernelSpec<C>): IKernelRunShortcut {
  return gpu
    .createKernel(spec.source as unknown as KernelFunction, {
      constants: spec.constants,
      output: [...spec.output],
      dynamicOutput: true,
      dynamicArguments: true,
      precision: 'single',
      tactic: 'precision',
      ...(spec.blocking ? { returnType: 'Array(4)' as const } : {}),
    })
    .setLoopMaxIterations(MAX_POSITIONS);
}

/** A kernel's result as one flat Float32Array in its spec's layout (a blocked kernel's unblocked). */
export function specResult<C extends KernelConstants>(spec: KernelSpec<C>, result: unknown): Float32Array {
  const raw = flatten(result, spec.output.reduce((a, b) => a * b, spec.blocking ? 4 : 1));
  return spec.blocking ? unblock(raw, spec.output, spec.blocking) : raw;
}

/** Builds kernels from specs on one GPU instance, caches them, and runs them to flat Float32Arrays. */
class KernelRunner {
  private readonly built = new Map<object, Map<string, Built>>();

  constructor(
    private readonly gpu: GPU,
    readonly backend: string,
    private readonly observe?: KernelObserver,
  ) {}

  /** The kernel's whole output, flat in gpu.js order; a blocked kernel's as its unblocked result. */
  run<C extends KernelConstants>(spec: KernelSpec<C>, ...args: KernelArg[]): Float32Array {
    const entry = this.kernelFor(spec);
    const output = spec.output.join('x');
    if (entry.output !== output) {
      entry.kernel.setOutput([...spec.output]);
      entry.output = output;
    }
    // gpu.js reads Int32Array like any array-like (its typings just omit it)
    const result = entry.kernel(...(args as KernelVariable[]));
    if (entry.kernel.kernel instanceof WebAssemblyKernel) webasmKernelRan(entry.kernel.kernel as unknown as Parameters<typeof webasmKernelRan>[0]);
    this.checkBackend(spec, entry.kernel);
    this.checkGlError(spec, entry.kernel);
    const flat = specResult(spec, result);
    this.observe?.(spec, args, flat);
    return flat;
  }

  private kernelFor<C extends KernelConstants>(spec: KernelSpec<C>): Built {
    let bySource = this.built.get(spec.source);
    if (!bySource) this.built.set(spec.source, (bySource = new Map()));
    const key = JSON.stringify(spec.constants);
    let entry = bySource.get(key);
    if (!entry) {
      const kernel = buildKernel(this.gpu, spec);
      keepFlat(kernel);
      entry = { kernel, output: spec.output.join('x') };
      bySource.set(key, entry);
    }
    return entry;
  }

  // gpu.js degrades a kernel it cannot run to cpu with only a console warning; say so loudly instead
  private checkBackend<C extends KernelConstants>(spec: KernelSpec<C>, kernel: IKernelRunShortcut): void {
    const ran = kernelBackendName(kernel.kernel.constructor);
    if (ran !== this.backend) {
      throw new Error(`${spec.source.name} ran on gpu.js ${ran}, not ${this.backend}: ${kernel.kernel.fallbackReason ?? 'no reason given'}`);
    }
  }

  // a GL kernel that failed (an output texture past the GL's size limit, say) reads back zeros, with
  // only a console warning from the browser: say so loudly instead
  private checkGlError<C extends KernelConstants>(spec: KernelSpec<C>, kernel: IKernelRunShortcut): void {
    const gl = (kernel.kernel as { context?: { getError?: () => number } }).context;
    const error = gl?.getError?.() ?? 0;
    if (error) throw new Error(`${spec.source.name} (output ${spec.output.join('×')}) failed on gpu.js ${this.backend}: GL error 0x${error.toString(16)}`);
  }

  count(): number {
    let n = 0;
    for (const bySource of this.built.values()) n += bySource.size;
    return n;
  }

  destroy(): void {
    webasmKernelsDestroyed([...this.built.values()].flatMap((bySource) => [...bySource.values()].map((b) => b.kernel.kernel as unknown as Parameters<typeof webasmKernelRan>[0])));
    this.gpu.destroy();
    this.built.clear();
  }
}

/**
 * Has a webasm kernel return its result as the flat Float32Array it computes, in cell order, instead
 * of shaping it into rows and, for Array(4) results, one subarray per cell: about 50 ns a cell,
 * some 70,000 cells a training step. Other backends, and a gpu.js without this hook, keep shaping.
 */
function keepFlat(kernel: IKernelRunShortcut): void {
  if (kernel.kernel instanceof WebAssemblyKernel && '_shapeOutput' in kernel.kernel) {
    Object.assign(kernel.kernel, { _shapeOutput: (data: Float32Array) => data });
  }
}

/**
 * A gpu.js result (a typed array, or rows / planes / cells of them) as one flat Float32Array: used
 * as it is when it already is one (webasm, keepFlat) or its parts are views, in order, of one buffer.
 */
function flatten(result: unknown, size: number): Float32Array {
  let [first, last] = [result, result];
  while (Array.isArray(first)) first = first[0];
  while (Array.isArray(last)) last = last[last.length - 1];
  if (first instanceof Float32Array && last instanceof Float32Array && first.buffer === last.buffer && first.byteOffset === 0 && last.byteOffset + last.byteLength === size * 4) {
    return new Float32Array(first.buffer, 0, size);
  }
  const flat = new Float32Array(size);
  let offset = 0;
  const copy = (part: unknown): void => {
    if (part instanceof Float32Array) {
      flat.set(part, offset);
      offset += part.length;
    } else {
      for (const inner of part as unknown[]) copy(inner);
    }
  };
  copy(result);
  return flat;
}

function positions(P: number): number {
  if (P > MAX_POSITIONS) throw new RangeError(`a batch of ${P} positions exceeds the gpu.js kernels' loop cap of ${MAX_POSITIONS}`);
  return P;
}

/** Mesa's llvmpipe runs at most this many loop iterations in one shader invocation, then stops silently. */
const GL_LOOP_BUDGET = 65535;

/**
 * What a gpu.js kernel class can take in one call: GL's MAX_TEXTURE_SIZE and loop budget; float32
 * index arithmetic on GL and webasm; JavaScript numbers on cpu.
 */
function gpuJsLimits(kernelClass: { features?: { maxTextureSize?: number } }, backend: string): BackendLimits {
  const gl = backend !== 'cpu' && backend !== 'webasm';
  return {
    textureSide: gl ? (kernelClass.features?.maxTextureSize ?? 4096) : Infinity,
    exactIndex: backend === 'cpu' ? 2 ** 53 : FLOAT32_EXACT_INDEX,
    loopBudget: gl ? GL_LOOP_BUDGET : Infinity,
    passBytes: Infinity,
  };
}

/** How {@link createGpuOps} runs. */
export interface GpuOptions {
  /** Told of every kernel run (test/browser/ replays them on WebGPU). */
  observe?: KernelObserver;
  /** Tighter limits than the backend's own (tests emulate a small GL with them). */
  limits?: Partial<BackendLimits>;
}

/** The ops on a gpu.js backend, e.g. `createGpuOps(selectBackend().mode)`; call `destroy()` when done. */
export function createGpuOps(mode: GpuJsMode, options: GpuOptions = {}): GpuOps {
  const gpu = new GPU({ mode });
  const kernelClass = (gpu as unknown as { Kernel: { features?: { maxTextureSize?: number } } }).Kernel;
  const backend = kernelBackendName(kernelClass);
  const limits = { ...gpuJsLimits(kernelClass, backend), ...options.limits };
  const k = new KernelRunner(gpu, backend, options.observe);
  // (P, C) activations as the kernels' (paddedRows(P), C): the rows behind a view, else a padded copy
  const rows = (x: Float32Array, P: number, C: number) => {
    const size = paddedRows(P) * C;
    if (x.length === size) return x;
    if (x.byteOffset === 0 && x.buffer.byteLength >= size * 4) return new Float32Array(x.buffer, 0, size);
    return padRows(x, C, paddedRows(P));
  };
  // the P real rows of a padded result
  const real = (y: Float32Array, P: number, C: number) => y.subarray(0, P * C);
  const starts = (start: Int32Array) => padStart(start, paddedRows(start.length));
  // the tap sums both backward products read, from dy padded
  const tapSums = (dy: Float32Array, start: Int32Array, s: ConvShape) => k.run(convTapSumsSpec(s), rows(dy, s.P, s.cOut), starts(start), positions(s.P));
  const backwardInput = (taps: Float32Array, w: Float32Array, s: ConvShape) =>
    real(k.run(convBackwardInputSpec(s), taps, k.run(convTransposeWeightSpec(s), w)), s.P, s.cIn);
  // dw += xᵀ·taps, and dbias += the column sums of dy when given
  const backwardWeightInto = (x: Float32Array, dy: Float32Array, taps: Float32Array, s: ConvShape, dw: Float32Array, dbias: Float32Array | null) => {
    addInto(dw, k.run(convBackwardWeightSpec(s), rows(x, s.P, s.cIn), taps, paddedRows(s.P), s.P));
    if (dbias) addInto(dbias, k.run(columnSumSpec(s.cOut), rows(dy, s.P, s.cOut), positions(s.P)));
  };
  // an elementwise op on a (P, C) activation of any length N, run at paddedRows(N)
  const pointwise = (N: number, run: (pad: (a: Float32Array) => Float32Array) => Float32Array) => real(run((a) => rows(a, N, 1)), N, 1);
  const bnBackwardSums = (dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, eps: number, s: BnShape) => {
    const P = positions(s.P);
    const sums = k.run(bnBackwardSumsSpec(s), rows(dy, P, s.C), rows(x, P, s.C), mean, variance, eps, P);
    return { sumDy: sums.slice(0, s.C), sumDyXhat: sums.slice(s.C) };
  };
  const bnBackwardDx = (
    dy: Float32Array,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    gamma: Float32Array,
    sumDy: Float32Array,
    sumDyXhat: Float32Array,
    eps: number,
    training: boolean,
    P: number,
    s: BnShape,
  ) => real(k.run(bnBackwardSpec(s, training), rows(dy, s.P, s.C), rows(x, s.P, s.C), mean, variance, gamma, sumDy, sumDyXhat, eps, P), s.P, s.C);
  const raw = {
    name: backend === mode ? `gpu.js ${mode}` : `gpu.js ${mode} (${backend})`,
    limits,
    allocate: (length) => new Float32Array(length),
    // results are kernels' own output buffers, rewritten when the same kernel runs again
    beginPass: () => {},

    embeddingForward: (table, idx, C) => real(k.run(embeddingForwardSpec(idx.length, C), table, padIndices(idx, paddedRows(idx.length))), idx.length, C),
    embeddingBackward: (dy, idx, C, dtable) =>
      addInto(dtable, k.run(embeddingBackwardSpec(dtable.length / C, C), rows(dy, idx.length, C), padIndices(idx, paddedRows(idx.length)), positions(idx.length))),

    convForward: (x, w, bias, start, s) => real(k.run(convForwardSpec(s), rows(x, s.P, s.cIn), w, bias ?? new Float32Array(s.cOut), starts(start)), s.P, s.cOut),
    convBackwardInput: (dy, w, start, s) => backwardInput(tapSums(dy, start, s), w, s),
    convBackwardWeight: (x, dy, start, s, dw, dbias) => backwardWeightInto(x, dy, tapSums(dy, start, s), s, dw, dbias),
    convBackward: (x, dy, w, start, s, dw, dbias) => {
      const taps = tapSums(dy, start, s);
      backwardWeightInto(x, dy, taps, s, dw, dbias ?? null);
      return backwardInput(taps, w, s);
    },

    bnStats: (x, s) => {
      const stats = k.run(bnStatsSpec(s), rows(x, s.P, s.C), positions(s.P));
      return { mean: stats.slice(0, s.C), variance: stats.slice(s.C) };
    },
    bnForward: (x, mean, variance, gamma, beta, eps, s) => real(k.run(bnForwardSpec(s), rows(x, s.P, s.C), mean, variance, gamma, beta, eps), s.P, s.C),
    bnBackward: (dy, x, mean, variance, gamma, eps, training, s, dgamma, dbeta) => {
      const { sumDy, sumDyXhat } = bnBackwardSums(dy, x, mean, variance, eps, s);
      addInto(dbeta, sumDy);
      addInto(dgamma, sumDyXhat);
      return bnBackwardDx(dy, x, mean, variance, gamma, sumDy, sumDyXhat, eps, training, s.P, s);
    },
    bnBackwardSums,
    bnBackwardDx,

    tanhForward: (x) => pointwise(x.length, (pad) => k.run(elementwiseSpec(tanhForwardKernel, x.length), pad(x))),
    tanhBackward: (y, dy) => pointwise(y.length, (pad) => k.run(elementwiseSpec(tanhBackwardKernel, y.length), pad(y), pad(dy))),
    gateForward: (x, s) => real(k.run(gateForwardSpec(s), rows(x, s.P, 2 * s.C)), s.P, s.C),
    gateBackward: (x, dy, s) => real(k.run(gateBackwardSpec(s), rows(x, s.P, 2 * s.C), rows(dy, s.P, s.C)), s.P, 2 * s.C),
    lnForward: (x, gamma, beta, eps, s) => {
      const xRows = rows(x, s.P, s.C);
      return real(k.run(lnForwardSpec(s), xRows, k.run(lnStatsSpec(s), xRows, eps), gamma, beta), s.P, s.C);
    },
    lnBackward: (dy, x, gamma, eps, s, dgamma, dbeta) => {
      const P = positions(s.P);
      const [dyRows, xRows] = [rows(dy, P, s.C), rows(x, P, s.C)];
      const stats = k.run(lnStatsSpec(s), xRows, eps);
      const params = k.run(lnParamGradsSpec(s), dyRows, xRows, stats, P);
      addInto(dgamma, params.subarray(0, s.C));
      addInto(dbeta, params.subarray(s.C));
      const means = k.run(lnBackwardMeansSpec(s), dyRows, xRows, stats, gamma);
      return real(k.run(lnBackwardSpec(s), dyRows, xRows, stats, gamma, means), P, s.C);
    },
    reluForward: (x) => pointwise(x.length, (pad) => k.run(elementwiseSpec(reluForwardKernel, x.length), pad(x))),
    reluBackward: (y, dy) => pointwise(y.length, (pad) => k.run(elementwiseSpec(reluBackwardKernel, y.length), pad(y), pad(dy))),
    add: (a, b) => pointwise(a.length, (pad) => k.run(elementwiseSpec(addKernel, a.length), pad(a), pad(b))),
    multiply: (a, b) => pointwise(a.length, (pad) => k.run(elementwiseSpec(multiplyKernel, a.length), pad(a), pad(b))),

    headForward: (h, w, b, s) => real(k.run(headForwardSpec(s), rows(h, s.P, s.H), w, b), s.P, s.V),
    crossEntropy: (logits, target, weight, s) => {
      const R = paddedRows(s.P);
      const padded = [rows(logits, s.P, s.V), padIndices(target, R), rows(weight, s.P, 1)] as const;
      const lse = k.run(logSumExpSpec(s), padded[0]);
      return {
        loss: real(k.run(crossEntropyLossSpec(s), ...padded, lse), s.P, 1),
        dlogits: real(k.run(crossEntropyGradSpec(s), ...padded, lse), s.P, s.V),
      };
    },
    headBackward: (dlogits, h, w, s, dw, db) => {
      const P = positions(s.P);
      const dlogitRows = rows(dlogits, P, s.V);
      addInto(dw, k.run(headBackwardWeightSpec(s), dlogitRows, rows(h, P, s.H), P));
      addInto(db, k.run(columnSumSpec(s.V), dlogitRows, P));
      return real(k.run(headBackwardInputSpec(s), dlogitRows, w), P, s.H);
    },
    sgdUpdate: (w, g, lr) => w.set(k.run(sgdSpec(w.length), w, g, lr)),
    adamwUpdate: (w, g, m, v, h) => {
      // 1 − β and the bias corrections in float64 on the host, as the reference computes them
      const c1 = 1 - h.beta1 ** h.step;
      const c2 = 1 - h.beta2 ** h.step;
      const N = w.length;
      const next = k.run(adamwSpec(N), w, g, m, v, N, h.lr, h.beta1, h.beta2, 1 - h.beta1, 1 - h.beta2, h.eps, h.weightDecay, c1, c2);
      m.set(next.subarray(0, N));
      v.set(next.subarray(N, 2 * N));
      w.set(next.subarray(2 * N));
    },
  } satisfies PrimitiveOps & SplitBnBackward;
  const ops = withComposedFusions(chunkedOps(raw, limits));
  return { ...ops, backend, kernelCount: () => k.count(), destroy: () => k.destroy() };
}
