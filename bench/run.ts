// One whole bench run: every conv backend (training, forward, kernels, generation), the tree form,
// the naive sampler, then PyTorch; progress goes to `log`, the result comes back as the report.

import os from 'node:os';
import type { ParamSet } from '../src/params.ts';
import type { Rate } from './measure.ts';
import { peakRssMb } from './measure.ts';
import { FULL, QUICK, type Budgets } from './budgets.ts';
import { convBackends } from './backends.ts';
import { freshParams, loadFixture, parameterCount, sampleBatch, BATCH, LARGE_BATCH, LARGE_BATCH_SUFFIX, type Fixture, type ModelSelection } from './setup.ts';
import { convUnderTest, forwardRate, stepProfile, trainRate, treeUnderTest } from './training.ts';
import { timeOps } from './op-profile.ts';
import { measureCapacity } from './capacity.ts';
import { describeMatmuls, kernelCases, kernelGflops, type HotKernel, type KernelCase, type Matmul } from './kernels.ts';
import { cachedRates, GENERATION_BATCH, generationWeights, MAX_NAME, naiveRate, torchSamplingRequest } from './generation.ts';
import { nodesPerTarget } from './nodes.ts';
import { runTorch, type TorchOutcome } from './torch.ts';
import { runSampleCli } from './sample-cli.ts';
import { recipeBudgets, runWavenetRecipe } from './wavenet-recipe.ts';
import { lectureRoundsBudgets, runLectureRounds } from './lecture-rounds.ts';
import type { ModelConfig } from '../src/params.ts';
import { assembleReport, NAIVE_KEY, TREE_KEY, type Machine, type Report } from './report.ts';

/** Dev words each forward-only call evaluates: one packed batch for the conv engine. */
export const FORWARD_WORDS = 256;

export interface BenchOptions {
  quick: boolean;
  torch: boolean;
  /** Overrides the quick/full profile (the test's tiny budgets). */
  budgets?: Budgets;
  /** Only these conv backends (e.g. ['reference']); all that work here by default. */
  backends?: readonly string[];
  /** The model of the training, forward, kernel and generation sections (default: the lecture preset). */
  model?: ModelSelection;
  /** Also the --sample-cli section, drawing this many names (the budgets' sampleCliNames when true). */
  sampleCli?: boolean | number;
  /** Also the WaveNet recipe's section (wavenet-recipe.ts), on the same budgets. */
  wavenetRecipe?: boolean;
  log?: (line: string) => void;
}

export async function runBench(opts: BenchOptions): Promise<Report> {
  const log = opts.log ?? (() => {});
  const budgets = opts.budgets ?? (opts.quick ? QUICK : FULL);
  const machine = describeMachine();
  const fx = loadFixture(opts.model);
  const batch = sampleBatch(fx);
  const cases = kernelCases(batch, fx.spec);
  const forwardWords = fx.val.slice(0, FORWARD_WORDS);
  const { backends, unavailable, aliases } = convBackends(opts.backends);
  log('machine: what two threads can do here');
  const capacity = await measureCapacity(budgets.capacityS);
  if (backends.length === 0) throw new Error(`no backend to measure: ${opts.backends?.join(', ')} unavailable here`);
  log(`generation: training the weights to sample from on ${backends[0].name}`);
  const { weights, meanChars } = await generationWeights(fx, backends[0], budgets);

  const train: Record<string, Rate> = {};
  const forward: Record<string, Rate> = {};
  const kernelGflopsBy: Record<string, Record<HotKernel, number>> = {};
  const stepMsByOp: Record<string, Record<string, number>> = {};
  const generation: Record<string, Rate> = {};
  for (const backend of backends) {
    const key = `conv/${backend.name}`;
    const { ops, close } = await backend.open();
    try {
      log(`${key}: training`);
      train[key] = await trainRate(convUnderTest(freshParams(fx.spec), fx.spec, ops, fx.train), budgets.train);
      // the plain-JS backends are baselines, minutes a measurement at 64 words
      if (backend.name !== 'reference' && backend.name !== 'cpu') {
        log(`${key}: training, ${LARGE_BATCH} words a step`);
        train[key + LARGE_BATCH_SUFFIX] = await trainRate(convUnderTest(freshParams(fx.spec), fx.spec, ops, fx.train), budgets.train, LARGE_BATCH);
      }
      if (backend.name.startsWith('wasm')) {
        log(`${key}: per-op step profile`);
        const ms = new Map<string, number>();
        stepMsByOp[key] = stepProfile(convUnderTest(freshParams(fx.spec), fx.spec, timeOps(ops, ms), fx.train), ms, budgets.profileSteps);
      }
      log(`${key}: forward`);
      forward[key] = await forwardRate(convUnderTest(freshParams(fx.spec), fx.spec, ops, fx.train), forwardWords, budgets.forward);
      log(`${key}: kernels`);
      kernelGflopsBy[backend.name] = await kernelGflops(ops, cases, budgets.kernel);
      log(`${key}: generation`);
      // one name at a time on gpu.js's plain-JS backend is a baseline of a baseline
      Object.assign(generation, await cachedRates(weights, fx, ops, backend.name, budgets, backend.name === 'cpu'));
    } finally {
      close();
    }
  }
  const lecture = fx.lecture;
  if (lecture) {
    log(`${TREE_KEY}: training, forward`);
    train[TREE_KEY] = await trainRate(treeUnderTest(freshParams(fx.spec), lecture, fx.train), budgets.train);
    forward[TREE_KEY] = await forwardRate(treeUnderTest(freshParams(fx.spec), lecture, fx.train), forwardWords, budgets.forward);
  }
  // side by side with PyTorch, on the backend `auto` runs here
  const lectureRounds =
    lecture && backends.some((b) => b.name === 'wasm') ? await runLectureRounds({ fx, lecture, budgets: lectureRoundsBudgets(budgets), torch: opts.torch, log }) : null;
  log(`${NAIVE_KEY}: generation`);
  generation[NAIVE_KEY] = await naiveRate(weights, fx, budgets.generation);
  log(opts.torch && lecture ? 'torch: training, sampling, matmuls' : 'torch: skipped');
  const torch: TorchOutcome = !opts.torch ? { ok: false, reason: 'skipped (--no-torch)' } : lecture ? torchRun(lecture, fx, cases, budgets, weights) : { ok: false, reason: `lecture preset only (this run measures ${fx.model})` };
  const sampleCli = opts.sampleCli
    ? await runSampleCli({ names: opts.sampleCli === true ? budgets.sampleCliNames : opts.sampleCli, trainSteps: budgets.generationTrainSteps, torchLoopS: budgets.sampleCliTorchLoopS, torch: opts.torch, backend: backends[0], log })
    : null;
  const wavenetRecipe = opts.wavenetRecipe ? await runWavenetRecipe({ budgets: recipeBudgets(budgets), torch: opts.torch, log }) : null;

  return assembleReport({
    machine,
    settings: { quick: opts.quick, model: { name: fx.model, parameters: parameterCount(fx.spec), receptive_field: fx.spec.receptiveField, lecture }, batch: BATCH, large_batch: LARGE_BATCH, kernel_positions: batch.positions, forward_words: forwardWords.length, max_name_chars: MAX_NAME, generation_batch: GENERATION_BATCH, budgets },
    train,
    forward,
    generation,
    generationMeanChars: meanChars,
    nodesPerTarget: lecture ? nodesPerTarget(batch, lecture.nLayers) : null,
    kernelGflops: kernelGflopsBy,
    stepMsByOp,
    capacity,
    kernelShapes: Object.fromEntries(cases.map((c) => [c.name, describeMatmuls(c.matmuls)])) as Record<HotKernel, string>,
    torch,
    nodePeakRssMb: peakRssMb(),
    unavailable,
    aliases,
    lectureRounds,
    sampleCli,
    wavenetRecipe,
  });
}

function torchRun(lecture: ModelConfig, fx: Fixture, cases: KernelCase[], budgets: Budgets, weights: ParamSet): TorchOutcome {
  return runTorch({
    cfg: lecture,
    words: fx.train,
    threads: torchThreads(os.cpus().length),
    train: budgets.train,
    generation: torchSamplingRequest(weights, budgets),
    kernelS: budgets.torchKernelS,
    kernelMatmuls: Object.fromEntries(cases.map((c) => [c.name, c.matmuls])) as Record<HotKernel, Matmul[]>,
  });
}

// The machine's core count, as asked of the comparison; and one thread as well, because PyTorch's
// thread pool stalls badly on small ops when another process holds one of those cores.
function torchThreads(cpus: number): number[] {
  return cpus > 1 ? [cpus, 1] : [1];
}

function describeMachine(): Machine {
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.arch()}`, loadavg: os.loadavg() };
}
