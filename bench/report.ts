// The bench's result as one JSON-able object (what --json prints), assembled from the raw
// measurements, with the ratios the table shows. Keys name `<engine>/<backend>`: conv/<gpu.js
// backend or reference>, tree/ts (the tree form, plain TypeScript layers), torch/conv, torch/tree
// (PyTorch at the machine's core count) and torch/conv@1t, torch/tree@1t (one thread); a key ending
// in @64w is the same at 64 words a step (conv engine and torch/conv only).

import type { ModelConfig } from '../src/params.ts';
import type { Rate } from './measure.ts';
import type { Budgets } from './budgets.ts';
import type { HotKernel } from './kernels.ts';
import type { TorchOutcome, TorchSamplingRate, TorchTrainRate } from './torch.ts';
import type { Capacity } from './capacity.ts';
import type { SampleCliReport } from './sample-cli.ts';
import type { WavenetRecipeReport } from './wavenet-recipe.ts';
import type { LectureRoundsReport } from './lecture-rounds.ts';
import { LARGE_BATCH_SUFFIX, WASM_ONE_THREAD } from './setup.ts';

export const TREE_KEY = 'tree/ts';
export const TORCH_CONV_KEY = 'torch/conv';
export const TORCH_TREE_KEY = 'torch/tree';
export const TORCH_CONV_1T_KEY = 'torch/conv@1t';
export const TORCH_TREE_1T_KEY = 'torch/tree@1t';
/** Generation keys: ours are batched/<backend>, one-at-a-time/<backend> and this (the tree form, plain TypeScript). */
export const NAIVE_KEY = 'naive/ts';
/** PyTorch's sampling from the same weights: the lecture's loop, one name at a time, and the same loop on a batch. */
export const TORCH_LOOP_KEY = 'torch/loop';
export const TORCH_BATCHED_KEY = 'torch/batched';

export interface Machine {
  cpus: number;
  model: string;
  node: string;
  platform: string;
  /** 1, 5, 15-minute load averages at the start: other work on the machine skews every number. */
  loadavg: number[];
}

export interface Settings {
  quick: boolean;
  /** The model measured (--model, --spec; the lecture preset by default); `lecture`: its sizes when it is the lecture preset, else null (no tree form, no PyTorch). */
  model: { name: string; parameters: number; receptive_field: number; lecture: ModelConfig | null };
  /** Words per conv step, windows per tree step. */
  batch: number;
  /** The second conv batch size, measured as `<key>@<n>w`. */
  large_batch: number;
  /** P of the sampled 32-word batch the kernels are timed on. */
  kernel_positions: number;
  forward_words: number;
  max_name_chars: number;
  /** Names in flight in the batched generators (ours and PyTorch's). */
  generation_batch: number;
  budgets: Budgets;
}

export interface Measurements {
  machine: Machine;
  settings: Settings;
  /** Our engines, by `<engine>/<backend>`. */
  train: Record<string, Rate>;
  forward: Record<string, Rate>;
  /** Our samplers by `<sampler>/<backend>`: batched/…, one-at-a-time/…, naive/ts. */
  generation: Record<string, Rate>;
  /** Mean characters per name from the weights sampled. */
  generationMeanChars: number;
  /** Lecture preset only (null otherwise). */
  nodesPerTarget: { tree: number; conv: number } | null;
  /** backend → kernel → GFLOP/s */
  kernelGflops: Record<string, Record<HotKernel, number>>;
  /** conv/<wasm backend> → op → ms per training step (with `other` and the whole `step`) */
  stepMsByOp: Record<string, Record<string, number>>;
  /** What two threads can do on this machine now (capacity.ts): the ceiling of any 2-thread speed-up. */
  capacity: Capacity;
  kernelShapes: Record<HotKernel, string>;
  torch: TorchOutcome;
  nodePeakRssMb: number;
  unavailable: Record<string, string>;
  aliases: Record<string, string>;
  /** The lecture's training against PyTorch's nn.Conv1d in rounds, when the wasm backend ran (lecture preset only). */
  lectureRounds: LectureRoundsReport | null;
  /** The --sample-cli section, when run. */
  sampleCli: SampleCliReport | null;
  /** The --wavenet-recipe section, when run. */
  wavenetRecipe: WavenetRecipeReport | null;
}

export interface Ratios {
  /** Training targets/s of each conv backend over PyTorch's nn.Conv1d model (empty without torch). */
  conv_vs_torch_conv: Record<string, number>;
  /** … over PyTorch's lecture tree model (empty without torch). */
  conv_vs_torch_tree: Record<string, number>;
  /** The same two with PyTorch on one thread (empty on a 1-core machine or without torch). */
  conv_vs_torch_conv_1t: Record<string, number>;
  conv_vs_torch_tree_1t: Record<string, number>;
  /** … over our own tree form. */
  conv_vs_tree: Record<string, number>;
  /** conv/wasm (every core) over conv/wasm-1thread, at each batch size (empty on a 1-core machine). */
  wasm_thread_scaling: Record<string, number>;
  /** Eval-mode targets/s of each conv backend over our tree form's. */
  forward_conv_vs_tree: Record<string, number>;
  /**
   * names/s of each of our samplers over the naive sampler's, and over PyTorch's lecture loop's and
   * batched loop's at whichever thread count ran them faster (empty without torch).
   */
  generation_vs_naive: Record<string, number>;
  generation_vs_torch_loop: Record<string, number>;
  generation_vs_torch_batched: Record<string, number>;
  nodes_tree_vs_conv: number | null;
}

export interface Report {
  machine: Machine;
  settings: Settings;
  train_targets_per_s: Record<string, number>;
  train_steps_per_s: Record<string, number>;
  forward_targets_per_s: Record<string, number>;
  /** Ours, and torch/loop, torch/batched (with @1t: one thread). */
  generation_names_per_s: Record<string, number>;
  /** The same weights should give the same mean length on both sides. */
  generation_mean_name_chars: { ours: number; torch?: number };
  /** Lecture preset only (null otherwise). */
  nodes_per_target: { tree: number; conv: number } | null;
  /** kernel → backend (webasm, cpu, reference, torch) → GFLOP/s */
  kernel_gflops: Record<HotKernel, Record<string, number>>;
  kernel_shapes: Record<HotKernel, string>;
  /** Where a training step's time goes on the wasm backends: op → ms per step. */
  step_ms_by_op: Record<string, Record<string, number>>;
  /** Two single-thread processes at once against one alone (GFLOP/s of the wasm conv kernel). */
  machine_two_thread_capacity: Capacity;
  torch_matmul_gflops: number | null;
  torch: { available: true; python: string; version: string; threads: number[] } | { available: false; reason: string };
  peak_rss_mb: { node: number; torch?: number };
  /** backend → why it was not measured (gpu.js modes, torch) */
  unavailable: Record<string, string>;
  /** gpu.js mode → the backend it runs on, measured under that name */
  aliases: Record<string, string>;
  ratios: Ratios;
  /** The lecture's training, ours (wasm) against PyTorch's nn.Conv1d side by side in rounds; null when not run. */
  lecture_rounds: LectureRoundsReport | null;
  /** Generation as a user meets it (--sample-cli): whole processes, ours and PyTorch's; null when not run. */
  sample_cli: SampleCliReport | null;
  /** The WaveNet recipe's training, ours against PyTorch (--wavenet-recipe); null when not run. */
  wavenet_recipe: WavenetRecipeReport | null;
}

export function assembleReport(m: Measurements): Report {
  const torch = m.torch.ok ? m.torch.result : null;
  const train = { ...mapValues(m.train, (r) => r.perSecond), ...torchTrainRates(torch?.train_targets_per_s ?? []) };
  const forward = mapValues(m.forward, (r) => r.perSecond);
  const ours = mapValues(m.generation, (r) => r.perSecond);
  const generation = { ...ours, ...torchSamplingRates(torch?.generation_names_per_s ?? []) };
  return {
    machine: m.machine,
    settings: m.settings,
    train_targets_per_s: train,
    train_steps_per_s: mapValues(m.train, (r) => r.iterations / r.seconds),
    forward_targets_per_s: forward,
    generation_names_per_s: generation,
    generation_mean_name_chars: torch ? { ours: m.generationMeanChars, torch: torch.generation_names_per_s[0].mean_chars } : { ours: m.generationMeanChars },
    nodes_per_target: m.nodesPerTarget,
    kernel_gflops: kernelTable(m.kernelGflops, torch?.kernel_gflops),
    kernel_shapes: m.kernelShapes,
    step_ms_by_op: m.stepMsByOp,
    machine_two_thread_capacity: m.capacity,
    torch_matmul_gflops: torch?.matmul_gflops ?? null,
    torch: m.torch.ok
      ? { available: true, python: m.torch.result.python, version: m.torch.result.version, threads: m.torch.result.train_targets_per_s.map((t) => t.threads) }
      : { available: false, reason: m.torch.reason },
    peak_rss_mb: torch ? { node: m.nodePeakRssMb, torch: torch.peak_rss_mb } : { node: m.nodePeakRssMb },
    unavailable: m.torch.ok ? m.unavailable : { ...m.unavailable, torch: m.torch.reason },
    aliases: m.aliases,
    ratios: {
      conv_vs_torch_conv: convOver(train, TORCH_CONV_KEY),
      conv_vs_torch_tree: convOver(train, TORCH_TREE_KEY, false),
      conv_vs_torch_conv_1t: convOver(train, TORCH_CONV_1T_KEY),
      conv_vs_torch_tree_1t: convOver(train, TORCH_TREE_1T_KEY, false),
      conv_vs_tree: convOver(train, TREE_KEY, false),
      wasm_thread_scaling: threadScaling(train),
      forward_conv_vs_tree: convOver(forward, TREE_KEY),
      generation_vs_naive: over(ours, generation[NAIVE_KEY]),
      generation_vs_torch_loop: over(ours, fastest(generation, TORCH_LOOP_KEY)),
      generation_vs_torch_batched: over(ours, fastest(generation, TORCH_BATCHED_KEY)),
      nodes_tree_vs_conv: m.nodesPerTarget ? m.nodesPerTarget.tree / m.nodesPerTarget.conv : null,
    },
    lecture_rounds: m.lectureRounds,
    sample_cli: m.sampleCli,
    wavenet_recipe: m.wavenetRecipe,
  };
}

// the first thread count (the machine's) takes the plain keys, the others an @<n>t suffix
function torchTrainRates(rates: TorchTrainRate[]): Record<string, number> {
  const out: Record<string, number> = {};
  rates.forEach((r, i) => {
    const suffix = i === 0 ? '' : `@${r.threads}t`;
    out[TORCH_CONV_KEY + suffix] = r.conv;
    out[TORCH_CONV_KEY + LARGE_BATCH_SUFFIX + suffix] = r.conv_large;
    out[TORCH_TREE_KEY + suffix] = r.tree;
  });
  return out;
}

/**
 * Each conv/* rate over the rate under `baseKey`, at the same batch size: a conv/…@64w rate over
 * baseKey@64w (before any @1t), when `sameBatch` and that was measured; else only the 32-word rates.
 */
function convOver(rates: Record<string, number>, baseKey: string, sameBatch = true): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, rate] of Object.entries(rates)) {
    if (!key.startsWith('conv/')) continue;
    const large = key.endsWith(LARGE_BATCH_SUFFIX);
    if (large && !sameBatch) continue;
    const base = rates[large ? withBatchSuffix(baseKey) : baseKey];
    if (base !== undefined) out[key] = rate / base;
  }
  return out;
}

/** torch/conv@1t → torch/conv@64w@1t */
function withBatchSuffix(key: string): string {
  const at = key.indexOf('@');
  return at < 0 ? key + LARGE_BATCH_SUFFIX : key.slice(0, at) + LARGE_BATCH_SUFFIX + key.slice(at);
}

function threadScaling(train: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const suffix of ['', LARGE_BATCH_SUFFIX]) {
    const [all, one] = [train[`conv/wasm${suffix}`], train[`conv/${WASM_ONE_THREAD}${suffix}`]];
    if (all !== undefined && one !== undefined) out[`conv/wasm${suffix}`] = all / one;
  }
  return out;
}

// the first thread count (the machine's) takes the plain keys, the others an @<n>t suffix
function torchSamplingRates(rates: TorchSamplingRate[]): Record<string, number> {
  const out: Record<string, number> = {};
  rates.forEach((r, i) => {
    const suffix = i === 0 ? '' : `@${r.threads}t`;
    out[TORCH_LOOP_KEY + suffix] = r.loop;
    out[TORCH_BATCHED_KEY + suffix] = r.batched;
  });
  return out;
}

/** The best rate under `key` over the thread counts it was timed at (key, key@1t, …): a pool of 2 can stall on small ops. */
function fastest(rates: Record<string, number>, key: string): number | undefined {
  const timed = Object.entries(rates).filter(([k]) => k === key || k.startsWith(`${key}@`));
  return timed.length ? Math.max(...timed.map(([, rate]) => rate)) : undefined;
}

/** Each rate over `base`, or nothing when the base was not measured. */
function over(rates: Record<string, number>, base: number | undefined): Record<string, number> {
  return base === undefined ? {} : mapValues(rates, (rate) => rate / base);
}

// backend → kernel in, kernel → backend out: the table compares backends side by side per kernel
function kernelTable(byBackend: Record<string, Record<HotKernel, number>>, torch: Record<HotKernel, number> | undefined): Record<HotKernel, Record<string, number>> {
  const out = {} as Record<HotKernel, Record<string, number>>;
  const all = torch ? { ...byBackend, torch } : byBackend;
  for (const [backend, kernels] of Object.entries(all)) {
    for (const [kernel, gflops] of Object.entries(kernels) as [HotKernel, number][]) (out[kernel] ??= {})[backend] = gflops;
  }
  return out;
}

function mapValues<T, U>(record: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
