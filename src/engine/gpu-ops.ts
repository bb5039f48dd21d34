// ConvOps on gpu.js: each op runs the kernels from kernels/ through one GPU instance. A kernel is
// built once per (source, constants) — the channel sizes that shape its loops — and takes the
// batch size P per call through dynamicOutput, since P changes with every packed batch.

import { GPU, type IKernelRunShortcut, type KernelFunction, type KernelVariable } from 'gpu.js';
import type { GpuJsMode } from '../backend.ts';
import { kernelBackendName } from '../backend.ts';
import type { ConvOps } from './ops.ts';
import { MAX_POSITIONS, type KernelConstants, type KernelSpec } from '../../kernels/spec.ts';
import { convBackwardInputSpec, convBackwardWeightSpec, convForwardSpec } from '../../kernels/conv1d.ts';
import { bnBackwardSpec, bnBackwardSumsSpec, bnForwardSpec, bnStatsSpec } from '../../kernels/batchnorm.ts';
import { adamwSpec, sgdSpec, tanhBackwardSpec, tanhForwardSpec } from '../../kernels/pointwise.ts';
import { embeddingBackwardSpec, embeddingForwardSpec } from '../../kernels/embedding.ts';
import { crossEntropyGradSpec, crossEntropyLossSpec, headBackwardInputSpec, headBackwardWeightSpec, headForwardSpec, logSumExpSpec } from '../../kernels/head.ts';
import { columnSumSpec } from '../../kernels/reduce.ts';

export interface GpuOps extends ConvOps {
  /** The gpu.js kernel class the kernels run on, e.g. 'webasm' (for mode 'gpu', the one gpu.js picked). */
  readonly backend: string;
  /** How many gpu.js kernels have been built: one per (kernel, channel sizes), whatever the batch size. */
  kernelCount(): number;
  /** Frees every kernel (wasm memories, GL contexts); the ops must not be used afterwards. */
  destroy(): void;
}

type KernelArg = Float32Array | Int32Array | number;

interface Built {
  kernel: IKernelRunShortcut;
  output: string;
}

/** Builds kernels from specs on one GPU instance, caches them, and runs them to flat Float32Arrays. */
class KernelRunner {
  private readonly built = new Map<object, Map<string, Built>>();

  constructor(
    private readonly gpu: GPU,
    readonly backend: string,
  ) {}

  run<C extends KernelConstants>(spec: KernelSpec<C>, ...args: KernelArg[]): Float32Array {
    const entry = this.kernelFor(spec);
    const output = spec.output.join('x');
    if (entry.output !== output) {
      entry.kernel.setOutput([...spec.output]);
      entry.output = output;
    }
    // gpu.js reads Int32Array like any array-like (its typings just omit it)
    const result = entry.kernel(...(args as KernelVariable[]));
    this.checkBackend(spec, entry.kernel);
    return flatten(result, spec.output.reduce((a, b) => a * b, 1));
  }

  private kernelFor<C extends KernelConstants>(spec: KernelSpec<C>): Built {
    let bySource = this.built.get(spec.source);
    if (!bySource) this.built.set(spec.source, (bySource = new Map()));
    const key = JSON.stringify(spec.constants);
    let entry = bySource.get(key);
    if (!entry) {
      const kernel = this.gpu
        .createKernel(spec.source as unknown as KernelFunction, {
          constants: spec.constants,
          output: [...spec.output],
          dynamicOutput: true,
          dynamicArguments: true,
          precision: 'single',
          tactic: 'precision',
        })
        .setLoopMaxIterations(MAX_POSITIONS);
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

  count(): number {
    let n = 0;
    for (const bySource of this.built.values()) n += bySource.size;
    return n;
  }

  destroy(): void {
    this.gpu.destroy();
    this.built.clear();
  }
}

/** A gpu.js result (1D typed array, or rows / planes of them) as one flat (row-major) Float32Array. */
function flatten(result: unknown, size: number): Float32Array {
  if (result instanceof Float32Array) return result;
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

export function createGpuOps(mode: GpuJsMode): GpuOps {
  const gpu = new GPU({ mode });
  const backend = kernelBackendName((gpu as unknown as { Kernel: unknown }).Kernel);
  const k = new KernelRunner(gpu, backend);
  return {
    name: backend === mode ? `gpu.js ${mode}` : `gpu.js ${mode} (${backend})`,
    backend,
    kernelCount: () => k.count(),
    destroy: () => k.destroy(),

    embeddingForward: (table, idx, C) => k.run(embeddingForwardSpec(idx.length, C), table, idx),
    embeddingBackward: (dy, idx, V, C) => k.run(embeddingBackwardSpec(V, C), dy, idx, positions(idx.length)),

    convForward: (x, w, bias, start, s) => k.run(convForwardSpec(s), x, w, bias ?? new Float32Array(s.cOut), start),
    convBackwardInput: (dy, w, start, s) => k.run(convBackwardInputSpec(s), dy, w, start),
    convBackwardWeight: (x, dy, start, s) => ({
      dw: k.run(convBackwardWeightSpec(s), x, dy, start, positions(s.P)),
      dbias: k.run(columnSumSpec(s.cOut), dy, positions(s.P)),
    }),

    bnStats: (x, s) => {
      const stats = k.run(bnStatsSpec(s), x, positions(s.P));
      return { mean: stats.slice(0, s.C), variance: stats.slice(s.C) };
    },
    bnForward: (x, mean, variance, gamma, beta, eps, s) => k.run(bnForwardSpec(s), x, mean, variance, gamma, beta, eps),
    bnBackward: (dy, x, mean, variance, gamma, eps, training, s) => {
      const sums = k.run(bnBackwardSumsSpec(s), dy, x, mean, variance, eps, positions(s.P));
      const dbeta = sums.slice(0, s.C);
      const dgamma = sums.slice(s.C);
      return { dx: k.run(bnBackwardSpec(s, training), dy, x, mean, variance, gamma, dbeta, dgamma, eps), dgamma, dbeta };
    },

    tanhForward: (x) => k.run(tanhForwardSpec(x.length), x),
    tanhBackward: (y, dy) => k.run(tanhBackwardSpec(y.length), y, dy),

    headForward: (h, w, b, s) => k.run(headForwardSpec(s), h, w, b),
    crossEntropy: (logits, target, weight, s) => {
      const lse = k.run(logSumExpSpec(s), logits);
      return { loss: k.run(crossEntropyLossSpec(s), logits, target, weight, lse), dlogits: k.run(crossEntropyGradSpec(s), logits, target, weight, lse) };
    },
    headBackward: (dlogits, h, w, s) => ({
      dh: k.run(headBackwardInputSpec(s), dlogits, w),
      dw: k.run(headBackwardWeightSpec(s), dlogits, h, positions(s.P)),
      db: k.run(columnSumSpec(s.V), dlogits, positions(s.P)),
    }),

    sgdUpdate: (w, g, lr) => w.set(k.run(sgdSpec(w.length), w, g, lr)),
    adamwUpdate: (w, g, m, v, h) => {
      // 1 − β and the bias corrections in float64 on the host, as the reference computes them
      const c1 = 1 - h.beta1 ** h.step;
      const c2 = 1 - h.beta2 ** h.step;
      const N = w.length;
      const next = k.run(adamwSpec(N), w, g, m, v, h.lr, h.beta1, h.beta2, 1 - h.beta1, 1 - h.beta2, h.eps, h.weightDecay, c1, c2);
      m.set(next.subarray(0, N));
      v.set(next.subarray(N, 2 * N));
      w.set(next.subarray(2 * N));
    },
  };
}
