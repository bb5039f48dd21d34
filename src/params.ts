// The one parameter set. Both the tree form (models/tree.ts) and the conv form (models/conv.ts)
// read these same tensors by these same names; checkpoints store exactly this map.

import { randn, tensor, zeros, type Tensor } from './tensor.ts';
import type { PythonRandom } from './rng.ts';

/** The hierarchical (WaveNet-like) model: block size kernel^nLayers. */
export interface ModelConfig {
  vocabSize: number;
  nEmbd: number;
  nHidden: number;
  nLayers: number;
  /**
   * Characters each layer joins (default 2, the lecture's FlattenConsecutive(2)). One layer of
   * kernel B is the lecture's flat MLP over B characters (parts 2–4).
   */
  kernel?: number;
}

/** The characters each layer joins: 2 unless the config says otherwise. */
export function kernelOf(cfg: ModelConfig): number {
  return cfg.kernel ?? 2;
}

export function blockSize(cfg: ModelConfig): number {
  return kernelOf(cfg) ** cfg.nLayers;
}

/**
 * The model's tensors by name (`embedding.weight`, `conv.{k}.weight`, `bn.{k}.*`, `head.*`), in
 * definition order; the running statistics are buffers, stored but not trained. Both forms of the
 * model read and train these same tensors, in place.
 */
export class ParamSet {
  readonly tensors = new Map<string, Tensor>();
  /** Names of running statistics: stored and loaded, but not trained. */
  readonly buffers = new Set<string>();

  /** Adds a tensor under a new name; `isBuffer` for state that is not trained. */
  add(name: string, t: Tensor, isBuffer = false): Tensor {
    if (this.tensors.has(name)) throw new Error(`parameter ${name} defined twice`);
    this.tensors.set(name, t);
    if (isBuffer) this.buffers.add(name);
    return t;
  }

  /** The tensor called `name` (an error if there is none). */
  get(name: string): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`no parameter named ${name}`);
    return t;
  }

  /** Whether there is a tensor called `name`. */
  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** Trainable tensors, in definition order. */
  trainable(): [string, Tensor][] {
    return [...this.tensors].filter(([name]) => !this.buffers.has(name));
  }

  /** Trainable element count, as the lecture's `sum(p.nelement() for p in parameters)`. */
  count(): number {
    return this.trainable().reduce((n, [, t]) => n + t.data.length, 0);
  }

  /** Zeroed gradients, one per trainable tensor, in arrays from `allocate` (an ops backend's memory). */
  zeroGrads(allocate: Allocate = (length) => new Float32Array(length)): Grads {
    return new Map(this.trainable().map(([name, t]) => [name, { data: allocate(t.data.length), shape: [...t.shape] }]));
  }

  /** Moves every tensor's values into arrays from `allocate`, so that an ops backend reads them in place. */
  moveTo(allocate: Allocate): void {
    for (const t of this.tensors.values()) {
      const moved = allocate(t.data.length);
      moved.set(t.data);
      t.data = moved;
    }
  }

  /** A deep copy. */
  clone(): ParamSet {
    const copy = new ParamSet();
    for (const [name, t] of this.tensors) copy.add(name, tensor(t.shape, t.data), this.buffers.has(name));
    return copy;
  }
}

/** Gradients by parameter name, shaped as the parameters; backward passes add into them. */
export type Grads = Map<string, Tensor>;

/** Makes a zeroed Float32Array of `length` (where it lives is the caller's choice). */
export type Allocate = (length: number) => Float32Array;

/** Linear weight (fan_in, fan_out) as the lecture initialises it: randn / sqrt(fan_in). */
function linearWeight(fanIn: number, fanOut: number, rng: PythonRandom): Tensor {
  return randn([fanIn, fanOut], rng, 1 / Math.sqrt(fanIn));
}

function addBatchNorm(params: ParamSet, prefix: string, size: number): void {
  params.add(`${prefix}.weight`, tensor([size], new Float32Array(size).fill(1)));
  params.add(`${prefix}.bias`, zeros([size]));
  params.add(`${prefix}.running_mean`, zeros([size]), true);
  params.add(`${prefix}.running_var`, tensor([size], new Float32Array(size).fill(1)), true);
}

function addHead(params: ParamSet, nIn: number, vocabSize: number, rng: PythonRandom): void {
  const w = params.add('head.weight', linearWeight(nIn, vocabSize, rng));
  for (let i = 0; i < w.data.length; i++) w.data[i] *= 0.1; // the lecture's "make last layer less confident"
  params.add('head.bias', zeros([vocabSize]));
}

/** The lecture's flat MLP baselines: one hidden layer over the whole block. */
export interface FlatConfig {
  vocabSize: number;
  blockSize: number;
  nEmbd: number;
  nHidden: number;
  /** Part 3 onwards: Linear without bias, then BatchNorm1d. Part 2 (Bengio et al.): Linear with bias, no BatchNorm. */
  batchNorm: boolean;
}

export function initFlat(cfg: FlatConfig, rng: PythonRandom): ParamSet {
  const params = new ParamSet();
  params.add('embedding.weight', randn([cfg.vocabSize, cfg.nEmbd], rng));
  params.add('hidden.weight', linearWeight(cfg.blockSize * cfg.nEmbd, cfg.nHidden, rng));
  if (cfg.batchNorm) addBatchNorm(params, 'bn', cfg.nHidden);
  else params.add('hidden.bias', zeros([cfg.nHidden]));
  addHead(params, cfg.nHidden, cfg.vocabSize, rng);
  return params;
}
