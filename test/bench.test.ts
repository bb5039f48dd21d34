// The bench's helpers and report shape on a tiny budget: no speed is asserted, only that every
// number the report holds is a finite positive rate under the keys the JSON promises.
import { describe, expect, it } from 'vitest';
import { relaxedSimdAvailable } from '../src/engine/wasm-ops.ts';
import { measureRate } from '../bench/measure.ts';
import { describeMatmuls, flops, HOT_KERNELS } from '../bench/kernels.ts';
import { runBench } from '../bench/run.ts';
import { assembleReport, type Measurements, type Report } from '../bench/report.ts';
import { formatReport, formatSampleCli } from '../bench/format.ts';
import type { Budgets } from '../bench/budgets.ts';
import type { Rate } from '../bench/measure.ts';
import { runSampleCli, SAMPLE_CLI_MODELS, type SampleCliReport } from '../bench/sample-cli.ts';
import { convBackends } from '../bench/backends.ts';
import { findTorchPython } from '../bench/torch.ts';
import { comparable, LOSS_TOLERANCE, recipeBudgets, recipeRatios, runWavenetRecipe, type WavenetRecipeReport } from '../bench/wavenet-recipe.ts';
import { formatLectureRounds, formatWavenetRecipe } from '../bench/format.ts';
import { lectureRatio, runLectureRounds, type LectureRoundsReport } from '../bench/lecture-rounds.ts';
import { lectureFixture } from '../bench/setup.ts';
import { formatTimeToDev, timeToDev, type TimeToDevModel, type TimeToDevReport } from '../bench/time-to-dev.ts';

const TINY: Budgets = {
  train: { warmupS: 0, measureS: 0.01 },
  forward: { warmupS: 0, measureS: 0.01 },
  generation: { warmupS: 0, measureS: 0.01 },
  generationTrainSteps: 1,
  generationNames: 8,
  kernel: { warmupS: 0, measureS: 0.01 },
  torchKernelS: 0.01,
  profileSteps: 2,
  roundTrain: { warmupS: 0, measureS: 0.01 },
  rounds: 2,
  recipeCliS: 1,
  capacityS: 0.05,
  sampleCliNames: 50,
  sampleCliTorchLoopS: 1,
};

const REFERENCE = convBackends(['reference']).backends[0];
const TORCH = findTorchPython();

/** Every number under `value`, with its path. */
function numbers(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
}

function expectPositiveRates(report: Report): void {
  // settings (budgets may be 0) and the load average are inputs, not measurements
  const { settings: _settings, machine: _machine, ...measured } = report;
  const all = numbers(measured);
  expect(all.length).toBeGreaterThan(0);
  for (const [path, n] of all) expect(Number.isFinite(n) && n > 0, `${path} = ${n}`).toBe(true);
}

describe('measureRate', () => {
  it('counts the units of at least one measured iteration after two warm-up ones', async () => {
    let calls = 0;
    const rate = await measureRate(() => {
      calls++;
      return 5;
    }, { warmupS: 0, measureS: 0.01 });
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(rate.iterations).toBeGreaterThanOrEqual(1);
    expect(rate.units).toBe(5 * rate.iterations);
    expect(Number.isFinite(rate.perSecond) && rate.perSecond > 0).toBe(true);
  });

  it('awaits asynchronous work', async () => {
    const rate = await measureRate(async () => 2, { warmupS: 0, measureS: 0 });
    expect(rate.units).toBe(2);
  });
});

describe('matmul shapes', () => {
  it('counts 2·m·k·n flops and groups repeated shapes', () => {
    expect(flops([[2, 3, 4], [1, 1, 1]])).toBe(50);
    expect(describeMatmuls([[5, 48, 128], [5, 256, 128], [5, 256, 128]])).toBe('5×48·48×128 + 2×(5×256·256×128)');
  });
});

describe('report', () => {
  it('runs the bench end to end on the reference ops without torch', async () => {
    const report = await runBench({ quick: true, torch: false, backends: ['reference'], budgets: TINY });
    expect(Object.keys(report.train_targets_per_s).sort()).toEqual(['conv/reference', 'tree/ts']);
    expect(Object.keys(report.forward_targets_per_s).sort()).toEqual(['conv/reference', 'tree/ts']);
    expect(Object.keys(report.kernel_gflops).sort()).toEqual([...HOT_KERNELS].sort());
    for (const k of HOT_KERNELS) expect(Object.keys(report.kernel_gflops[k])).toEqual(['reference']);
    expect(report.nodes_per_target).toEqual({ tree: 15, conv: 4 });
    expect(Object.keys(report.generation_names_per_s).sort()).toEqual(['batched/reference', 'naive/ts', 'one-at-a-time/reference']);
    expect(Object.keys(report.ratios.generation_vs_naive).sort()).toEqual(['batched/reference', 'naive/ts', 'one-at-a-time/reference']);
    expect(report.ratios.generation_vs_torch_loop).toEqual({});
    expect(report.torch).toEqual({ available: false, reason: 'skipped (--no-torch)' });
    expect(report.unavailable.torch).toBe('skipped (--no-torch)');
    expect(report.torch_matmul_gflops).toBeNull();
    // side by side with PyTorch in rounds on the wasm backend only
    expect(report.lecture_rounds).toBeNull();
    expect(report.ratios.conv_vs_torch_conv).toEqual({});
    expect(Object.keys(report.ratios.conv_vs_tree)).toEqual(['conv/reference']);
    expect(report.machine.cpus).toBeGreaterThan(0);
    expectPositiveRates(report);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(formatReport(report)).toContain('conv/reference');
  });

  it('adds torch at each thread count, its kernels and the ratios against it', () => {
    const rate: Rate = { perSecond: 100, units: 100, iterations: 4, seconds: 1 };
    const gflops = Object.fromEntries(HOT_KERNELS.map((k) => [k, 1.5])) as Record<(typeof HOT_KERNELS)[number], number>;
    const m: Measurements = {
      machine: { cpus: 2, model: 'test', node: 'v0', platform: 'test', loadavg: [0, 0, 0] },
      settings: { quick: true, model: { name: 'lecture', parameters: 76_579, receptive_field: 8, lecture: { vocabSize: 27, nEmbd: 24, nHidden: 128, nLayers: 3 } }, batch: 32, large_batch: 64, kernel_positions: 200, forward_words: 256, max_name_chars: 50, generation_batch: 256, budgets: TINY },
      train: {
        'conv/webasm': rate,
        'conv/webasm@64w': { ...rate, perSecond: 125 },
        'conv/wasm': { ...rate, perSecond: 300 },
        'conv/wasm-1thread': { ...rate, perSecond: 200 },
        'tree/ts': { ...rate, perSecond: 50 },
      },
      forward: { 'conv/webasm': rate, 'tree/ts': rate },
      generation: { 'batched/wasm': { ...rate, perSecond: 4000 }, 'one-at-a-time/wasm': { ...rate, perSecond: 400 }, 'naive/ts': rate },
      generationMeanChars: 6.5,
      nodesPerTarget: { tree: 15, conv: 4 },
      kernelGflops: { webasm: gflops },
      stepMsByOp: { 'conv/wasm': { convBackward: 1.5, other: 0.25, step: 2 } },
      capacity: { alone: 30, pair: [20, 25], ratio: 1.5 },
      kernelShapes: Object.fromEntries(HOT_KERNELS.map((k) => [k, '1×1·1×1'])) as Record<(typeof HOT_KERNELS)[number], string>,
      torch: {
        ok: true,
        result: {
          python: 'python3',
          version: '2.0',
          train_targets_per_s: [
            { threads: 2, conv: 200, conv_large: 250, tree: 25 },
            { threads: 1, conv: 400, conv_large: 500, tree: 50 },
          ],
          generation_names_per_s: [
            { threads: 2, loop: 200, batched: 2000, mean_chars: 6.25 },
            { threads: 1, loop: 250, batched: 1600, mean_chars: 6.5 },
          ],
          matmul_gflops: 3,
          kernel_gflops: gflops,
          peak_rss_mb: 300,
        },
      },
      nodePeakRssMb: 200,
      unavailable: { headlessgl: 'no gl' },
      aliases: { gpu: 'webasm' },
      lectureRounds: null,
      sampleCli: null,
      wavenetRecipe: null,
    };
    const report = assembleReport(m);
    expect(report.train_targets_per_s).toEqual({
      'conv/webasm': 100,
      'conv/webasm@64w': 125,
      'conv/wasm': 300,
      'conv/wasm-1thread': 200,
      'tree/ts': 50,
      'torch/conv': 200,
      'torch/conv@64w': 250,
      'torch/tree': 25,
      'torch/conv@1t': 400,
      'torch/conv@64w@1t': 500,
      'torch/tree@1t': 50,
    });
    // a 64-word rate is compared with torch's 64-word rate, and not with the tree forms (32 windows)
    expect(report.ratios.conv_vs_torch_conv).toEqual({ 'conv/webasm': 0.5, 'conv/webasm@64w': 0.5, 'conv/wasm': 1.5, 'conv/wasm-1thread': 1 });
    expect(report.ratios.conv_vs_torch_tree).toEqual({ 'conv/webasm': 4, 'conv/wasm': 12, 'conv/wasm-1thread': 8 });
    expect(report.ratios.conv_vs_torch_conv_1t).toEqual({ 'conv/webasm': 0.25, 'conv/webasm@64w': 0.25, 'conv/wasm': 0.75, 'conv/wasm-1thread': 0.5 });
    expect(report.ratios.conv_vs_tree).toEqual({ 'conv/webasm': 2, 'conv/wasm': 6, 'conv/wasm-1thread': 4 });
    expect(report.ratios.wasm_thread_scaling).toEqual({ 'conv/wasm': 1.5 });
    expect(report.step_ms_by_op).toEqual({ 'conv/wasm': { convBackward: 1.5, other: 0.25, step: 2 } });
    expect(report.generation_names_per_s).toEqual({
      'batched/wasm': 4000,
      'one-at-a-time/wasm': 400,
      'naive/ts': 100,
      'torch/loop': 200,
      'torch/batched': 2000,
      'torch/loop@1t': 250,
      'torch/batched@1t': 1600,
    });
    expect(report.ratios.generation_vs_naive).toEqual({ 'batched/wasm': 40, 'one-at-a-time/wasm': 4, 'naive/ts': 1 });
    // against PyTorch's faster thread count: the loop's one thread, the batch's two
    expect(report.ratios.generation_vs_torch_loop).toEqual({ 'batched/wasm': 16, 'one-at-a-time/wasm': 1.6, 'naive/ts': 0.4 });
    expect(report.ratios.generation_vs_torch_batched).toEqual({ 'batched/wasm': 2, 'one-at-a-time/wasm': 0.2, 'naive/ts': 0.05 });
    expect(report.generation_mean_name_chars).toEqual({ ours: 6.5, torch: 6.25 });
    expect(report.kernel_gflops.conv_forward).toEqual({ webasm: 1.5, torch: 1.5 });
    expect(report.torch).toEqual({ available: true, python: 'python3', version: '2.0', threads: [2, 1] });
    expect(report.peak_rss_mb).toEqual({ node: 200, torch: 300 });
    expect(report.unavailable).toEqual({ headlessgl: 'no gl' });
    expectPositiveRates(report);
    expect(formatReport(report)).toContain('vs torch/conv@1t');
    expect(formatReport(report)).toMatch(/batched\/wasm +4,000 +40\.0× +16\.0× +2\.00×/);
  });
});

describe('other models', () => {
  it('measures a preset other than the lecture, leaving the tree form, node counts and PyTorch out', async () => {
    const report = await runBench({ quick: true, torch: true, backends: ['reference'], budgets: TINY, model: { preset: 'wavenet', values: { channels: 8, layers: 2 } } });
    expect(report.settings.model).toMatchObject({ name: 'wavenet channels 8, layers 2', receptive_field: 4, lecture: null });
    expect(Object.keys(report.train_targets_per_s)).toEqual(['conv/reference']);
    expect(report.nodes_per_target).toBeNull();
    expect(report.torch).toEqual({ available: false, reason: 'lecture preset only (this run measures wavenet channels 8, layers 2)' });
    // every conv of the spec: input, 2 dilated, 2 skips, 1 residual, out
    expect(report.kernel_shapes.conv_forward.split(' + ').length).toBeGreaterThan(1);
    expectPositiveRates(report);
    expect(formatReport(report)).toContain('lecture preset only');
  });
});

/** The fields every model of the section reports, whether or not PyTorch ran. */
function expectSampleCliModels(report: SampleCliReport, names: number): void {
  expect(report.names).toBe(names);
  expect(report.models.map((m) => m.model)).toEqual(['lecture', 'wavenet channels 96, n-embd 32, norm layernorm, dropout 0.4']);
  expect(report.models.map((m) => m.parameters)).toEqual([76_579, 230_139]);
  expect(report.models.map((m) => m.receptive_field)).toEqual([8, 16]);
  expect(['dist', 'tsx']).toContain(report.cli.runner);
  for (const m of report.models) {
    expect(m.ours.names).toBe(names);
    expect(m.ours.seconds).toBeGreaterThan(0);
    expect(m.ours.names_per_s).toBeCloseTo(names / m.ours.seconds);
    expect(m.ours.mean_chars).toBeGreaterThan(0);
    expect(m.ours.mean_chars).toBeLessThanOrEqual(report.max_chars);
  }
}

describe('sample-cli section', () => {
  it('times our CLI on both models, and says PyTorch was left out', async () => {
    expect(SAMPLE_CLI_MODELS.map((m) => m.preset)).toEqual(['lecture', 'wavenet']);
    const report = await runSampleCli({ names: 50, trainSteps: 1, torchLoopS: 1, torch: false, backend: REFERENCE });
    expectSampleCliModels(report, 50);
    expect(report.torch).toEqual({ available: false, reason: 'skipped (--no-torch)' });
    for (const m of report.models) expect(m).toMatchObject({ torch: [], ratio_vs_torch: null, mean_chars_diff: null });
    expect(formatSampleCli(report)).toContain('torch unavailable: skipped (--no-torch)');
  });

  it('reports a Python without torch as unavailable, with the reason', async () => {
    const report = await runSampleCli({ names: 50, trainSteps: 1, torchLoopS: 1, torch: true, backend: REFERENCE, pythons: ['/nonexistent/python3'] });
    expect(report.torch.available).toBe(false);
    expect(!report.torch.available && report.torch.reason).toMatch(/\/nonexistent\/python3/);
    for (const m of report.models) expect(m.ratio_vs_torch).toBeNull();
  });

  it.skipIf(!TORCH.ok)(`samples the same checkpoints in PyTorch (${TORCH.ok ? TORCH.python : `skipped: ${TORCH.reason}`})`, async () => {
    // one training step leaves names running to the 50-character cut: a few names keep PyTorch's loop short
    const report = await runSampleCli({ names: 12, trainSteps: 1, torchLoopS: 60, torch: true, backend: REFERENCE });
    expectSampleCliModels(report, 12);
    if (!report.torch.available) throw new Error(`torch imports but its run failed: ${report.torch.reason}`);
    expect(report.torch.blas.kind).not.toBe('unknown');
    for (const m of report.models) {
      expect(m.torch.length).toBeGreaterThanOrEqual(1);
      expect(m.torch[0].default_threads).toBe(true);
      for (const t of m.torch) {
        expect(t).toMatchObject({ names: 12, extrapolated_from: null });
        expect(t.names_per_s).toBeGreaterThan(0);
        expect(t.mean_chars).toBeGreaterThan(0);
      }
      expect(m.mean_chars_diff).toBeCloseTo((m.torch[0].mean_chars - m.ours.mean_chars) / m.ours.mean_chars);
      if (report.torch.ratio_refused === null) expect(Object.keys(m.ratio_vs_torch!)).toEqual(m.torch.map((t) => `threads ${t.threads}`));
      else expect(m.ratio_vs_torch).toBeNull();
    }
    expect(formatSampleCli(report)).toContain('BLAS:');
  });
});

const RECIPE_TINY = recipeBudgets(TINY);

/** The fields of our side of the recipe section, whatever PyTorch did. */
function expectRecipeOurs(r: WavenetRecipeReport, threads: number[]): void {
  expect(r).toMatchObject({ model: 'wavenet channels 96, n-embd 32, norm layernorm, dropout 0.4', parameters: 230_139, receptive_field: 16, batch: 64 });
  expect(r.optimizer).toEqual({ name: 'adamw', lr: 0.003, decayAt: 0.75, weightDecay: 0.01 });
  // the relaxed-SIMD build beside the plain one where this Node takes it (test/node-setup.ts)
  const builds = relaxedSimdAvailable() ? ['plain', 'relaxed'] : ['plain'];
  expect(Object.keys(r.peak_mul_add_gflops)).toEqual(builds);
  for (const g of Object.values(r.peak_mul_add_gflops)) expect(g).toBeGreaterThan(0);
  expect(r.ours.map((o) => `${o.threads} ${o.simd}`)).toEqual(threads.flatMap((t) => builds.map((b) => `${t} ${b}`)));
  for (const o of r.ours) {
    expect(o.targets_per_s_by_round).toHaveLength(r.budgets.rounds);
    expect(o.steps_per_s).toBeGreaterThan(0);
    // 64 whole words a step: at least 2 targets a word
    expect(o.targets_per_s / o.steps_per_s).toBeGreaterThan(64 * 2);
    expect(o.step_ms_by_op.step).toBeGreaterThan(0);
    expect(o.step_ms_by_op.convForward).toBeGreaterThan(0);
    expect(o.step_ms_by_op.adamwUpdateAll).toBeGreaterThan(0);
    for (const k of HOT_KERNELS) {
      expect(o.kernel_gflops[k]).toBeGreaterThan(0);
      expect(o.kernel_fraction_of_peak[k]).toBeCloseTo(o.kernel_gflops[k] / (o.threads * r.peak_mul_add_gflops[o.simd]!));
    }
  }
  expect(Object.keys(r.kernel_shapes).sort()).toEqual([...HOT_KERNELS].sort());
  expect(r.check.words).toBe(64);
  expect(r.check.targets).toBeGreaterThan(64 * 2);
  // a fresh model's loss is near ln 27 = 3.30
  expect(r.check.ours.first_step).toBeGreaterThan(3);
  expect(r.check.ours.first_step).toBeLessThan(3.6);
  expect(r.check.ours.after_one_step).toBeLessThan(r.check.ours.first_step);
  expect(r.peak_rss_mb.node).toBeGreaterThan(0);
  // the CLI as a user runs it, whole processes: the step its summary line reports, its peak RSS
  expect(r.cli.command).toMatch(/train --model wavenet --channels 96 --n-embd 32 --norm layernorm --dropout 0\.4 --optimizer adamw --batch 64 --minutes .* --threads T/);
  expect(r.cli.runs.map((x) => x.threads)).toEqual(threads);
  for (const x of r.cli.runs) {
    expect(x.steps).toBeGreaterThan(0);
    expect(x.peak_rss_mb).toBeGreaterThan(20);
  }
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

describe('wavenet recipe section', () => {
  it('measures ours and reports PyTorch as skipped, with the reason', async () => {
    const r = await runWavenetRecipe({ budgets: RECIPE_TINY, torch: false, threads: [1] });
    expectRecipeOurs(r, [1]);
    expect(r.torch).toEqual({ available: false, reason: 'skipped (--no-torch)' });
    expect(r.ratios).toEqual({ one_thread: null, best: null });
    expect(r.ratios_by_round).toEqual([]);
    expect(r.check).toMatchObject({ torch: null, max_abs_diff: null, agree: null });
    expect(r.peak_rss_mb.torch).toBeUndefined();
    const text = formatWavenetRecipe(r);
    expect(text).toContain('torch unavailable: skipped (--no-torch)');
    expect(text).toContain('PyTorch not run');
    expect(text).toContain('multiply-add ceiling');
  });

  it('reports a Python without torch as unavailable, with the reason', async () => {
    const r = await runWavenetRecipe({ budgets: RECIPE_TINY, torch: true, threads: [1], pythons: ['/nonexistent/python3'] });
    expect(r.torch.available).toBe(false);
    expect(!r.torch.available && r.torch.reason).toMatch(/\/nonexistent\/python3/);
    expect(r.ratios).toEqual({ one_thread: null, best: null });
  });

  it('compares one thread each and each at its best', () => {
    const ours = [{ threads: 1, rate: 300 }, { threads: 2, rate: 500 }];
    const torch = [{ threads: 1, rate: 100 }, { threads: 2, rate: 250 }];
    expect(recipeRatios(ours, torch)).toEqual({ one_thread: 3, best: 2 });
    expect(recipeRatios([{ threads: 2, rate: 500 }], torch)).toEqual({ one_thread: null, best: 2 });
    expect(recipeRatios(ours, null)).toEqual({ one_thread: null, best: null });
  });

  it('compares against PyTorch only when it ran on a tuned BLAS', () => {
    const blas = { info: 'BLAS_INFO=open', libraries: ['libopenblas.so'], kind: 'openblas' };
    const runs = [{ threads: 1, steps_per_s: 2, targets_per_s: 100, targets_per_s_by_round: [90, 100] }];
    const torch = { available: true as const, python: 'p', version: 'v', blas, ratio_refused: null, runs };
    expect(comparable(torch, (r) => r.targets_per_s_by_round[1])).toEqual([{ threads: 1, rate: 100 }]);
    expect(comparable(torch, (r) => r.steps_per_s * 30)).toEqual([{ threads: 1, rate: 60 }]);
    expect(comparable({ ...torch, blas: { ...blas, kind: 'reference' }, ratio_refused: 'reference BLAS' }, (r) => r.targets_per_s)).toBeNull();
    expect(comparable({ available: false, reason: 'no torch' }, (r) => r.targets_per_s)).toBeNull();
  });

  it.skipIf(!TORCH.ok)(`trains the same model from the same weights in PyTorch: the same first losses (${TORCH.ok ? TORCH.python : `skipped: ${TORCH.reason}`})`, async () => {
    const threads = [1, 2];
    const lines: string[] = [];
    const r = await runWavenetRecipe({ budgets: RECIPE_TINY, torch: true, threads, log: (line) => lines.push(line) });
    expectRecipeOurs(r, threads);
    // a round: PyTorch right after ours at each thread count, the faster build next to it both times
    const builds = relaxedSimdAvailable() ? ['plain', 'relaxed'] : ['plain'];
    const ours = (b: string, t: number) => `ours, wasm ${b} SIMD, ${t} thread(s)`;
    expect(lines.filter((l) => l.includes('round 2 of')).map((l) => l.replace(/^.*round 2 of \d+: /, ''))).toEqual([
      ...builds.map((b) => ours(b, 1)),
      'PyTorch, 1 thread(s)',
      ...[...builds].reverse().map((b) => ours(b, 2)),
      'PyTorch, 2 thread(s)',
    ]);
    if (!r.torch.available) throw new Error(`torch imports but its run failed: ${r.torch.reason}`);
    expect(r.torch.blas.kind).not.toBe('unknown');
    expect(r.torch.runs.map((t) => t.threads)).toEqual(threads);
    for (const t of r.torch.runs) {
      expect(t.steps_per_s).toBeGreaterThan(0);
      expect(t.targets_per_s / t.steps_per_s).toBeGreaterThan(64 * 2);
    }
    // dropout off, the same 64 words and initial weights: the loss, and the loss after one AdamW step
    expect(r.check.torch).not.toBeNull();
    expect(r.check.max_abs_diff!).toBeLessThanOrEqual(LOSS_TOLERANCE);
    expect(Math.abs(r.check.torch!.first_step - r.check.ours.first_step)).toBeLessThanOrEqual(LOSS_TOLERANCE);
    expect(r.check.agree).toBe(true);
    expect(r.peak_rss_mb.torch).toBeGreaterThan(0);
    if (r.torch.ratio_refused === null) {
      // each round's ratio from that round's rates, ours the faster build on one thread (what --simd
      // auto runs where the engine takes relaxed SIMD); the reported ratio their median
      const torch1 = r.torch.runs[0].targets_per_s_by_round;
      expect(r.ratios_by_round).toHaveLength(RECIPE_TINY.rounds);
      const oneThread = r.ratios_by_round.map((_, round) => Math.max(...r.ours.filter((o) => o.threads === 1).map((o) => o.targets_per_s_by_round[round])) / torch1[round]);
      r.ratios_by_round.forEach((x, round) => expect(x.one_thread).toBeCloseTo(oneThread[round]));
      expect(r.ratios.one_thread).toBeCloseTo((oneThread[0] + oneThread[1]) / 2);
      expect(r.ratios.best).toBeGreaterThan(0);
      // the CLI's steps in its minutes against PyTorch's median rate over the same time
      const cli1 = r.cli.runs.find((x) => x.threads === 1)!.steps;
      expect(r.cli.ratios.one_thread).toBeCloseTo(cli1 / (r.torch.runs[0].steps_per_s * r.budgets.cliS));
      expect(r.cli.torch_steps![0].steps).toBeCloseTo(r.torch.runs[0].steps_per_s * r.budgets.cliS);
    } else expect(r.ratios).toEqual({ one_thread: null, best: null });
    const text = formatWavenetRecipe(r);
    expect(text).toContain('BLAS:');
    expect(text).toMatch(/agree within 1e-5/);
  });
});

const LECTURE_ROUNDS_TINY = { train: TINY.roundTrain, rounds: TINY.rounds };

/** Our side of the lecture rounds: every thread count at 32 and 64 words, a rate each round. */
function expectLectureOurs(r: LectureRoundsReport, threads: number[]): void {
  expect(r.simd).toBe(relaxedSimdAvailable() ? 'relaxed' : 'plain');
  expect(r.ours.map((o) => `${o.threads} ${o.batch}`)).toEqual(threads.flatMap((t) => [`${t} 32`, `${t} 64`]));
  for (const o of r.ours) {
    expect(o.targets_per_s_by_round).toHaveLength(LECTURE_ROUNDS_TINY.rounds);
    for (const x of o.targets_per_s_by_round) expect(x).toBeGreaterThan(0);
    expect(o.targets_per_s).toBeCloseTo((o.targets_per_s_by_round[0] + o.targets_per_s_by_round[1]) / 2);
  }
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

describe('lecture rounds', () => {
  const fx = lectureFixture();

  it('measures ours and reports PyTorch as skipped, with the reason, and no ratio', async () => {
    const r = await runLectureRounds({ fx, lecture: fx.lecture, budgets: LECTURE_ROUNDS_TINY, torch: false, threads: [1] });
    expectLectureOurs(r, [1]);
    expect(r.torch).toEqual({ available: false, reason: 'skipped (--no-torch)' });
    expect(r.ratios).toEqual([]);
    expect(formatLectureRounds(r)).toContain('torch unavailable: skipped (--no-torch)');
  });

  it('reports a Python without torch as unavailable, with the reason', async () => {
    const r = await runLectureRounds({ fx, lecture: fx.lecture, budgets: LECTURE_ROUNDS_TINY, torch: true, threads: [1], pythons: ['/nonexistent/python3'] });
    expect(!r.torch.available && r.torch.reason).toMatch(/\/nonexistent\/python3/);
    expect(r.ratios).toEqual([]);
  });

  it('takes the median of the rounds\' ratios, not the ratio of the medians', () => {
    const x = lectureRatio({ threads: 2, batch: 32 }, [200, 300, 100], [100, 100, 100]);
    expect(x).toEqual({ threads: 2, batch: 32, ratio: 2, ratios_by_round: [2, 3, 1] });
    // medians 200 and 100 would say 2× as well; here they say 1.5× where every round says 1×
    expect(lectureRatio({ threads: 1, batch: 64 }, [100, 200, 300, 400], [100, 200, 300, 400]).ratio).toBe(1);
  });

  it.skipIf(!TORCH.ok)(`measures PyTorch's nn.Conv1d right after ours, each configuration each round (${TORCH.ok ? TORCH.python : `skipped: ${TORCH.reason}`})`, async () => {
    const threads = [1, 2];
    const lines: string[] = [];
    const r = await runLectureRounds({ fx, lecture: fx.lecture, budgets: LECTURE_ROUNDS_TINY, torch: true, threads, log: (line) => lines.push(line) });
    expectLectureOurs(r, threads);
    const what = (t: number, b: number) => `${t} thread(s), ${b} words a step`;
    expect(lines.filter((l) => l.includes('round 2 of')).map((l) => l.replace(/^.*round 2 of \d+: /, ''))).toEqual(
      threads.flatMap((t) => [32, 64].flatMap((b) => [`ours, wasm ${r.simd} SIMD, ${what(t, b)}`, `PyTorch nn.Conv1d, ${what(t, b)}`])),
    );
    if (!r.torch.available) throw new Error(`torch imports but its run failed: ${r.torch.reason}`);
    expect(r.torch.blas.kind).not.toBe('unknown');
    expect(r.torch.peak_rss_mb).toBeGreaterThan(0);
    expect(r.torch.runs.map((x) => `${x.threads} ${x.batch}`)).toEqual(r.ours.map((x) => `${x.threads} ${x.batch}`));
    if (r.torch.ratio_refused === null) {
      const torchRuns = r.torch.runs;
      expect(r.ratios).toEqual(r.ours.map((o, i) => lectureRatio(o, o.targets_per_s_by_round, torchRuns[i].targets_per_s_by_round)));
      expect(formatLectureRounds(r)).toMatch(/ours \/ PyTorch/);
    } else expect(r.ratios).toEqual([]);
    expect(formatLectureRounds(r)).toContain('BLAS:');
  });
});

/** Two steps, one evaluation: a fresh model's dev loss (near ln 27 = 3.30) is under this at once. */
const LOOSE_TARGET = 3.5;
const TO_DEV_TINY = { steps: 2, evalEvery: 2 };
/**
 * `devGap`: the most the two sides' dev losses may differ after the two steps, from the same weights
 * on other batches (and, in the recipe, other dropout masks); PyTorch's lecture model pads its words,
 * and its BatchNorm's running statistics count the padding.
 */
const RACES: { model: TimeToDevModel; name: string; torchModel: string; backend: RegExp; devGap: number }[] = [
  { model: 'wavenet-recipe', name: 'wavenet channels 96, n-embd 32, norm layernorm, dropout 0.4', torchModel: 'torch/wavenet', backend: new RegExp(`^wasm, ${relaxedSimdAvailable() ? 'relaxed' : 'plain'} SIMD$`), devGap: 0.02 },
  { model: 'lecture', name: 'lecture', torchModel: 'torch/conv', backend: /^backend /, devGap: 0.1 },
];

/** Our side of the tiny race, whatever PyTorch did: reached at the one evaluation, after the two steps. */
function expectOursToDev(r: TimeToDevReport, race: (typeof RACES)[number]): void {
  expect(r).toMatchObject({ model: race.name, target: LOOSE_TARGET, threads: 1, torch_model: race.torchModel });
  expect(r.recipe).toEqual({ ...TO_DEV_TINY, batch: 64, optimizer: { name: 'adamw', lr: 0.003, decayAt: 0.75, weightDecay: 0.01 } });
  expect(r.ours).toMatchObject({ reached: true, steps: 2 });
  expect(r.ours.backend).toMatch(race.backend);
  expect(r.ours.dev_loss).toBeGreaterThan(3);
  expect(r.ours.dev_loss).toBeLessThan(LOOSE_TARGET);
  expect(r.ours.seconds).toBeGreaterThan(0);
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  const text = formatTimeToDev(r);
  expect(text).toContain(`Time to dev loss ${LOOSE_TARGET}, ${race.name} (AdamW lr 0.003, weight decay 0.01, lr/10 after 1 of 2 steps, 64 words a step, dev evaluated every 2 steps, same initial weights)`);
  expect(text).toContain(`  conv (${r.ours.backend}, 1 thread): reached dev ${r.ours.dev_loss.toFixed(4)} at step 2 in `);
}

describe('time to dev', () => {
  it.each(RACES)('races $model with our trainer and reports a Python without torch as unavailable, with the reason', async (race) => {
    const r = await timeToDev(LOOSE_TARGET, { model: race.model, threads: 1, schedule: TO_DEV_TINY, pythons: ['/nonexistent/python3'] });
    expectOursToDev(r, race);
    expect('unavailable' in r.torch && r.torch.unavailable).toMatch(/\/nonexistent\/python3/);
    expect(r.ratio).toBeNull();
    const text = formatTimeToDev(r);
    expect(text).toContain(`  ${race.torchModel}: unavailable (`);
    expect(text).toContain('ratio: — (PyTorch did not run)');
  });

  it('leaves PyTorch out with --no-torch, and says so', async () => {
    const r = await timeToDev(LOOSE_TARGET, { model: 'lecture', threads: 1, schedule: TO_DEV_TINY, torch: false });
    expect(r.torch).toEqual({ unavailable: 'skipped (--no-torch)' });
    expect(formatTimeToDev(r)).toContain('torch/conv: unavailable (skipped (--no-torch))');
  });

  it.skipIf(!TORCH.ok).each(RACES)(`races $model against PyTorch from the same weights (${TORCH.ok ? TORCH.python : `skipped: ${TORCH.reason}`})`, async (race) => {
    const r = await timeToDev(LOOSE_TARGET, { model: race.model, threads: 1, schedule: TO_DEV_TINY });
    expect(r.torch_threads).toBe(1);
    expectOursToDev(r, race);
    if ('unavailable' in r.torch) throw new Error(`torch imports but its run failed: ${r.torch.unavailable}`);
    expect(r.torch).toMatchObject({ reached: true, steps: 2 });
    expect(Math.abs(r.torch.dev_loss - r.ours.dev_loss)).toBeLessThan(race.devGap);
    expect(r.ratio).toBeCloseTo(r.ours.seconds / r.torch.seconds);
    const text = formatTimeToDev(r);
    expect(text).toContain(`  ${race.torchModel} (torch ${r.torch.version}, 1 thread): reached dev ${r.torch.dev_loss.toFixed(4)} at step 2 in `);
    expect(text).toContain('  ours / torch wall time: ');
  });

  // each side on its own best thread count: ours on 2, PyTorch on 1
  it.skipIf(!TORCH.ok)('races our threads against a different number of PyTorch\'s', async () => {
    const r = await timeToDev(LOOSE_TARGET, { model: 'wavenet-recipe', threads: 2, torchThreads: 1, schedule: TO_DEV_TINY });
    expect([r.threads, r.torch_threads]).toEqual([2, 1]);
    if ('unavailable' in r.torch) throw new Error(`torch imports but its run failed: ${r.torch.unavailable}`);
    const text = formatTimeToDev(r);
    expect(text).toContain(`, 2 threads): reached dev ${r.ours.dev_loss.toFixed(4)}`);
    expect(text).toContain(`(torch ${r.torch.version}, 1 thread): reached dev`);
  });
});
