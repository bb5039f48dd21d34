// The report as text tables: one section per measurement, ratios next to the numbers they compare.

import { HOT_KERNELS } from './kernels.ts';
import { REFERENCE_MATMUL } from './torch.ts';
import { MEAN_CHARS_TOLERANCE, type SampleCliReport } from './sample-cli.ts';
import { LOSS_TOLERANCE, type WavenetRecipeReport } from './wavenet-recipe.ts';
import type { LectureRoundsReport } from './lecture-rounds.ts';
import { NAIVE_KEY, TORCH_BATCHED_KEY, TORCH_CONV_1T_KEY, TORCH_CONV_KEY, TORCH_LOOP_KEY, TORCH_TREE_1T_KEY, TORCH_TREE_KEY, TREE_KEY, type Ratios, type Report } from './report.ts';

export function formatReport(r: Report): string {
  return [header(r), training(r), lectureRounds(r), profile(r), forward(r), generation(r), nodes(r), kernels(r), recipe(r), sampleCli(r), memory(r), legend()].filter(Boolean).join('\n\n');
}

function header(r: Report): string {
  const { machine: m, settings: s } = r;
  const torch = r.torch.available ? `torch ${r.torch.version} via ${r.torch.python}, training timed at ${r.torch.threads.join(' and ')} thread(s), matmuls at ${r.torch.threads[0]}` : `torch unavailable: ${r.torch.reason}`;
  const unavailable = Object.entries(r.unavailable).filter(([name]) => name !== 'torch');
  return [
    `makemore-wavenet bench${s.quick ? ' (--quick)' : ''}: ${m.cpus} × ${m.model}, node ${m.node}, ${m.platform}, load average ${m.loadavg.map((l) => l.toFixed(2)).join(' ')}`,
    `model: ${s.model.name} (${num(s.model.parameters)} parameters, receptive field ${s.model.receptive_field}); ${s.batch} words per conv step${s.model.lecture ? `, ${s.batch} windows per tree step` : ''}; SGD update included`,
    ...(s.model.lecture ? [] : ['tree form, node counts and PyTorch: lecture preset only (not run for this model)']),
    ...unavailable.map(([mode, why]) => `gpu.js ${mode}: unavailable (${why})`),
    ...Object.entries(r.aliases).map(([mode, on]) => `gpu.js ${mode}: runs on ${on}, measured as conv/${on}`),
    torch,
  ].join('\n');
}

// each ratio column compares a conv row with a baseline at the row's own batch size (report.ts)
const BASELINES: [string, keyof Ratios][] = [
  [TORCH_CONV_KEY, 'conv_vs_torch_conv'],
  [TORCH_CONV_1T_KEY, 'conv_vs_torch_conv_1t'],
  [TORCH_TREE_KEY, 'conv_vs_torch_tree'],
  [TORCH_TREE_1T_KEY, 'conv_vs_torch_tree_1t'],
  [TREE_KEY, 'conv_vs_tree'],
];

function training(r: Report): string {
  const t = r.train_targets_per_s;
  const bases = BASELINES.filter(([key]) => t[key] !== undefined);
  const ratio = (key: string, name: keyof Ratios) => times((r.ratios[name] as Record<string, number>)[key]);
  const steps = (key: string) => (r.train_steps_per_s[key] === undefined ? '' : num(r.train_steps_per_s[key]));
  const rows = Object.keys(t).map((key) => [key, num(t[key]), steps(key), ...bases.map(([, name]) => ratio(key, name))]);
  const b = r.settings.budgets.train;
  const s = r.settings;
  const scaling = Object.entries(r.ratios.wasm_thread_scaling).map(([key, x]) => `${key}: ${times(x)} its one-thread rate`);
  const title = `Training throughput (${s.batch} words a step; @${s.large_batch}w: ${s.large_batch}; steady state: ${b.measureS} s after ${b.warmupS} s warm-up)`;
  const table = section(title, ['engine/backend', 'targets/s', 'steps/s', ...bases.map(([k]) => `vs ${k}`)], rows);
  const c = r.machine_two_thread_capacity;
  const capacity = `Two threads on this machine now: two single-thread processes at once do ${times(c.ratio)} one alone (${num(c.pair[0])} + ${num(c.pair[1])} against ${num(c.alone)} GFLOP/s), the ceiling of any 2-thread speed-up`;
  return scaling.length ? `${table}\nThread scaling of the wasm backend, ${r.machine.cpus} threads: ${scaling.join('; ')}\n${capacity}` : `${table}\n${capacity}`;
}

function profile(r: Report): string {
  const entries = Object.entries(r.step_ms_by_op);
  if (entries.length === 0) return '';
  const ops = [...new Set(entries.flatMap(([, byOp]) => Object.keys(byOp)))];
  const rows = ops.map((op) => [op, ...entries.map(([, byOp]) => num(byOp[op]))]);
  return section(`Where a training step's time goes (ms per ${r.settings.batch}-word step, by op; other = batch packing, loss sum, optimizer, JS)`, ['op', ...entries.map(([k]) => k)], rows);
}

function forward(r: Report): string {
  const f = r.forward_targets_per_s;
  const rows = Object.keys(f).map((key) => [key, num(f[key]), key === TREE_KEY ? '' : times(r.ratios.forward_conv_vs_tree[key])]);
  return section(`Forward only, eval mode (${r.settings.forward_words} dev words per call)`, ['engine/backend', 'targets/s', `vs ${TREE_KEY}`], rows);
}

function generation(r: Report): string {
  const g = r.generation_names_per_s;
  const bases: [string, Record<string, number>][] = [
    [NAIVE_KEY, r.ratios.generation_vs_naive],
    [TORCH_LOOP_KEY, r.ratios.generation_vs_torch_loop],
    [TORCH_BATCHED_KEY, r.ratios.generation_vs_torch_batched],
  ];
  const measured = bases.filter(([key]) => g[key] !== undefined);
  const rows = Object.keys(g).map((key) => [key, num(g[key]), ...measured.map(([, ratios]) => times(ratios[key]))]);
  const header = (key: string) => (key === NAIVE_KEY ? `vs ${key}` : `vs ${key} (best)`);
  const s = r.settings;
  const { ours, torch } = r.generation_mean_name_chars;
  const lengths = `mean name length ${num(ours)} characters${torch === undefined ? '' : ` (PyTorch, same weights: ${num(torch)})`}`;
  const title = `Generation, names/s (${s.model.name} after ${s.budgets.generationTrainSteps} AdamW steps; ${lengths}; batched: ${s.generation_batch} names in flight; names cut at ${s.max_name_chars} chars)`;
  const table = section(title, ['sampler/backend', 'names/s', ...measured.map(([key]) => header(key))], rows);
  return measured.length > 1 ? `${table}\n(best: PyTorch at whichever thread count ran it faster)` : table;
}

function nodes(r: Report): string {
  const n = r.nodes_per_target;
  if (n === null) return '';
  const rows = [
    ['tree', num(n.tree), times(r.ratios.nodes_tree_vs_conv ?? undefined)],
    ['conv', num(n.conv), ''],
  ];
  return section(`Node evaluations per target (a real ${r.settings.batch}-word batch, P = ${r.settings.kernel_positions})`, ['form', 'nodes/target', 'vs conv'], rows);
}

function kernels(r: Report): string {
  const backends = [...new Set(HOT_KERNELS.flatMap((k) => Object.keys(r.kernel_gflops[k] ?? {})))];
  const rows = HOT_KERNELS.map((k) => [k, r.kernel_shapes[k], ...backends.map((b) => num(r.kernel_gflops[k]?.[b]))]);
  const [m, k, n] = REFERENCE_MATMUL;
  const matmul = r.torch_matmul_gflops === null ? '' : `\nPyTorch matmul ${m}×${k}·${k}×${n}: ${num(r.torch_matmul_gflops)} GFLOP/s`;
  const title = `Hot kernels, GFLOP/s (through the ops as the engine calls them, on arrays the ops allocated, as the engine keeps them; torch: the same matmuls)`;
  return section(title, ['kernel', 'matmul shapes (m×k·k×n)', ...backends], rows, 2) + matmul;
}

function lectureRounds(r: Report): string {
  return r.lecture_rounds === null ? '' : formatLectureRounds(r.lecture_rounds);
}

/** The lecture against PyTorch's nn.Conv1d in rounds: each configuration's median rate, and the median of the rounds' ratios. */
export function formatLectureRounds(l: LectureRoundsReport): string {
  const t = l.torch;
  const b = l.budgets.train;
  const title = [
    `Lecture model, training side by side in ${l.budgets.rounds} round(s) (${b.measureS} s after ${b.warmupS} s warm-up, PyTorch right after ours each time; medians): ours wasm ${l.simd} SIMD against PyTorch nn.Conv1d over padded words`,
    `  ${t.available ? `torch ${t.version} via ${t.python}, BLAS: ${t.blas.kind} (${t.blas.info}; loaded: ${t.blas.libraries.join(', ') || 'none found'})${t.ratio_refused ? `; no ratio: ${t.ratio_refused}` : ''}` : `torch unavailable: ${t.reason}`}`,
  ].join('\n');
  const ratio = (threads: number, batch: number) => l.ratios.find((x) => x.threads === threads && x.batch === batch);
  const torchRun = (threads: number, batch: number) => (t.available ? t.runs.find((x) => x.threads === threads && x.batch === batch) : undefined);
  const rows = l.ours.map((o) => {
    const x = ratio(o.threads, o.batch);
    return [String(o.threads), String(o.batch), num(o.targets_per_s), num(torchRun(o.threads, o.batch)?.targets_per_s), times(x?.ratio), x ? x.ratios_by_round.map((v) => times(v)).join(', ') : ''];
  });
  return section(title, ['threads', 'words a step', 'ours targets/s', 'PyTorch targets/s', 'ours / PyTorch', 'by round'], rows);
}

function recipe(r: Report): string {
  return r.wavenet_recipe === null ? '' : formatWavenetRecipe(r.wavenet_recipe);
}

/** The --wavenet-recipe section: ours and PyTorch's training of the recipe, the step by op, the kernels against the ceiling, the loss check. */
export function formatWavenetRecipe(w: WavenetRecipeReport): string {
  const o = w.optimizer;
  const t = w.torch;
  const b = w.budgets.train;
  const title = [
    `WaveNet recipe, training: ${w.model} (${num(w.parameters)} parameters, receptive field ${w.receptive_field}); ${w.batch} whole words a step, AdamW lr ${o.lr}, weight decay ${o.weightDecay}, dropout on; ${b.measureS} s after ${b.warmupS} s warm-up, in ${w.budgets.rounds} round(s), each configuration once a round: the medians`,
    `  ours: the wasm backend, plain SIMD and relaxed SIMD (fused multiply-add) builds; ${t.available ? `torch ${t.version} via ${t.python}, BLAS: ${t.blas.kind} (${t.blas.info}; loaded: ${t.blas.libraries.join(', ') || 'none found'}), whole words packed with clamped taps, as ours` : `torch unavailable: ${t.reason}`}`,
  ].join('\n');
  const rounds = (x: { targets_per_s_by_round: number[] }) => x.targets_per_s_by_round.map(num).join(', ');
  const rows = [
    ...w.ours.map((x) => [`ours (wasm ${x.simd})`, String(x.threads), num(x.steps_per_s), num(x.targets_per_s), rounds(x)]),
    ...(t.available ? t.runs.map((x) => ['torch', String(x.threads), num(x.steps_per_s), num(x.targets_per_s), rounds(x)]) : []),
  ];
  const table = section(title, ['side', 'threads', 'steps/s', 'targets/s', 'targets/s by round'], rows);
  const ratio = !t.available
    ? 'ours / PyTorch: not measured'
    : t.ratio_refused !== null
      ? `ours / PyTorch: no ratio: ${t.ratio_refused}`
      : `ours / PyTorch, targets/s: one thread each ${times(w.ratios.one_thread ?? undefined)}; each on its best thread count ${times(w.ratios.best ?? undefined)} (by round: ${w.ratios_by_round.map((x) => `${times(x.one_thread ?? undefined)} / ${times(x.best ?? undefined)}`).join(', ')})`;
  const c = w.check;
  const loss = (x: number) => x.toFixed(7);
  const check = c.torch
    ? `Check (dropout off, the first step's ${c.words} words, ${c.targets} targets, the same initial weights): loss ours ${loss(c.ours.first_step)}, PyTorch ${loss(c.torch.first_step)}; after one AdamW step ours ${loss(c.ours.after_one_step)}, PyTorch ${loss(c.torch.after_one_step)}; max |diff| ${c.max_abs_diff!.toExponential(1)} (${c.agree ? 'agree' : 'DIFFER'} within ${LOSS_TOLERANCE.toExponential(0)})`
    : `Check (dropout off, the first step's ${c.words} words): loss ours ${loss(c.ours.first_step)}, after one AdamW step ${loss(c.ours.after_one_step)}; PyTorch not run`;
  const ops = [...new Set(w.ours.flatMap((x) => Object.keys(x.step_ms_by_op)))];
  const profile = section(`Where the recipe's training step goes (ms per ${w.batch}-word step, by op; ${w.budgets.profileSteps} steps)`, ['op', ...w.ours.map((x) => `${x.simd} ${x.threads}t`)], ops.map((op) => [op, ...w.ours.map((x) => num(x.step_ms_by_op[op]))]));
  const kernelRows = HOT_KERNELS.map((k) => [k, w.kernel_shapes[k], ...w.ours.flatMap((x) => [num(x.kernel_gflops[k]), percent(x.kernel_fraction_of_peak[k])])]);
  const kernels = section(
    `The recipe's product kernels (a ${w.batch}-word batch's shapes) against the wasm multiply-add ceiling per thread (f32x4 chains): ${Object.entries(w.peak_mul_add_gflops).map(([simd, g]) => `${simd} ${num(g)} GFLOP/s`).join(', ')}`,
    ['kernel', 'matmul shapes (m×k·k×n)', ...w.ours.flatMap((x) => [`GFLOP/s ${x.simd} ${x.threads}t`, `of ${x.threads}× peak`])],
    kernelRows,
    2,
  );
  const p = w.peak_rss_mb;
  const rss = `Peak RSS: node ${num(p.node)} MiB (the whole bench process)${p.torch === undefined ? '' : `, PyTorch ${num(p.torch)} MiB (its training process, both thread counts)`}`;
  const c2 = w.cli;
  const cli = section(
    `On the path a user runs: ${c2.command} (${c2.runner}: ${c2.why}), whole processes, by the step each reports at the end; PyTorch: its median rate over the same ${num(c2.minutes * 60)} s`,
    ['side', 'threads', 'steps', 'peak RSS (MiB)'],
    [...c2.runs.map((x) => ['ours (makemore train)', String(x.threads), num(x.steps), num(x.peak_rss_mb)]), ...(c2.torch_steps ?? []).map((x) => ['torch', String(x.threads), num(x.steps), p.torch === undefined ? '—' : num(p.torch)])],
  );
  const cliRatio = c2.ratios.best === null ? 'makemore train / PyTorch: no ratio' : `makemore train / PyTorch, steps in the same time: one thread each ${times(c2.ratios.one_thread ?? undefined)}; each on its best thread count ${times(c2.ratios.best ?? undefined)}`;
  return [table, ratio, check, profile, kernels, rss, cli, cliRatio].join('\n');
}

function percent(x: number | undefined): string {
  return x === undefined ? '—' : `${(100 * x).toFixed(1)}%`;
}

function sampleCli(r: Report): string {
  return r.sample_cli === null ? '' : formatSampleCli(r.sample_cli);
}

/** The --sample-cli section: per model, our CLI and PyTorch's loop, whole processes. */
export function formatSampleCli(c: SampleCliReport): string {
  const torch = c.torch.available
    ? `torch ${c.torch.version} via ${c.torch.python}, BLAS: ${c.torch.blas.kind} (${c.torch.blas.info}; loaded: ${c.torch.blas.libraries.join(', ') || 'none found'})`
    : `torch unavailable: ${c.torch.reason}`;
  const lines = [
    `Generation as a user meets it: ${c.names.toLocaleString('en-US')} names per whole process, start-up included (weights after ${c.train_steps} AdamW steps, saved as a checkpoint; names cut at ${c.max_chars} chars)`,
    `  ours: ${c.cli.command} (${c.cli.runner}: ${c.cli.why}; ${c.cli.backend}, ${c.cli.threads} thread(s))`,
    `  ${torch}`,
    ...(c.torch.available && c.torch.ratio_refused ? [`  no ratio: ${c.torch.ratio_refused}`] : []),
  ];
  const rows: string[][] = [];
  for (const m of c.models) {
    rows.push([m.model, `${num(m.parameters)} params, field ${m.receptive_field}`, 'ours', num(m.ours.seconds), num(m.ours.names_per_s), num(m.ours.mean_chars), '']);
    for (const t of m.torch) {
      const who = `torch, ${t.threads} thread(s)${t.default_threads ? ' (default)' : ''}`;
      const seconds = t.extrapolated_from === null ? num(t.seconds) : `${num(t.seconds)}*`;
      rows.push(['', '', who, seconds, num(t.names_per_s), num(t.mean_chars), times(m.ratio_vs_torch?.[`threads ${t.threads}`])]);
    }
  }
  const table = section(lines.join('\n'), ['model', '', 'sampler', 'seconds', 'names/s', 'mean chars', 'ours vs'], rows, 3);
  const notes = c.models.flatMap((m) => {
    const cut = m.torch.find((t) => t.extrapolated_from !== null);
    const out = cut ? [`  * ${m.model}: PyTorch's loop stopped after ${c.torch_loop_budget_s} s (${cut.extrapolated_from!.toLocaleString('en-US')} names); seconds and names/s extrapolated to ${c.names.toLocaleString('en-US')}, start-up counted once`] : [];
    if (m.mean_chars_diff !== null) {
      const pct = `${(100 * m.mean_chars_diff).toFixed(1)}%`;
      out.push(`  ${m.model}: mean name length, PyTorch − ours: ${pct} (${Math.abs(m.mean_chars_diff) <= MEAN_CHARS_TOLERANCE ? 'agree' : 'DIFFER'} within ${100 * MEAN_CHARS_TOLERANCE}%; few names make it noisy)`);
    }
    return out;
  });
  return [table, ...notes].join('\n');
}

function memory(r: Report): string {
  const p = r.peak_rss_mb;
  return `Peak RSS (high-water mark): node ${num(p.node)} MiB (the whole bench)${p.torch === undefined ? '' : `, torch ${num(p.torch)} MiB`}`;
}

function legend(): string {
  return [
    `Keys: conv/<backend> = the conv engine on a gpu.js backend or the plain-TS reference ops; ${TREE_KEY} = the tree form (plain TypeScript layers);`,
    `${TORCH_CONV_KEY} = nn.Conv1d over '.'-padded whole words (masked loss, real targets counted); ${TORCH_TREE_KEY} = the lecture's model in PyTorch;`,
    `torch/* at the machine's core count; @1t = one thread (a pool of 2 stalls on small ops while another process holds a core).`,
    `Generation: batched/<backend> = our cached generator, many names at once on that backend's ops; one-at-a-time/<backend> = the same with one;`,
    `${NAIVE_KEY} = the whole tree per character, plain TypeScript; ${TORCH_LOOP_KEY} = the lecture's sampling loop (torch.no_grad), ${TORCH_BATCHED_KEY} = that loop on a batch.`,
  ].join('\n');
}

function section(title: string, headers: string[], rows: string[][], leftColumns = 1): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [title, ...[headers, ...rows].map((cells) => `  ${line(cells)}`)].join('\n');
}

function num(x: number | undefined): string {
  if (x === undefined) return '—';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function times(x: number | undefined): string {
  return x === undefined ? '' : `${x >= 10 ? x.toFixed(1) : x.toPrecision(3)}×`;
}
