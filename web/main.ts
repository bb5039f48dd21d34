// The demo page: pick data, a backend and a run length; watch the loss, speed and new names as the
// model trains; sample at a temperature; save and load the model as .safetensors; download it as ONNX.

import namesText from '../data/names.txt?raw';
import { describeBackend, preferredSimd, PRESETS } from '../src/index.ts';
import { lossChart } from '../src/plot/loss-chart.ts';
import { pageBackends, wasmThreads, type PageBackend } from './backends.ts';
import { Session, type RunSettings } from './session.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  bundled: $<HTMLButtonElement>('use-bundled'),
  dataFile: $<HTMLInputElement>('data-file'),
  drop: $('drop'),
  dataStatus: $('data-status'),
  model: $<HTMLSelectElement>('model'),
  backend: $<HTMLSelectElement>('backend'),
  steps: $<HTMLInputElement>('steps'),
  batch: $<HTMLInputElement>('batch'),
  lr: $<HTMLInputElement>('lr'),
  evalEvery: $<HTMLInputElement>('eval-every'),
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  backendStatus: $('backend-status'),
  step: $('stat-step'),
  loss: $('stat-loss'),
  speed: $('stat-speed'),
  dev: $('stat-dev'),
  chart: $('chart'),
  temperature: $<HTMLInputElement>('temperature'),
  temperatureValue: $<HTMLOutputElement>('temperature-value'),
  sample: $<HTMLButtonElement>('sample'),
  samples: $<HTMLOListElement>('samples'),
  save: $<HTMLButtonElement>('save'),
  saveOnnx: $<HTMLButtonElement>('save-onnx'),
  load: $<HTMLInputElement>('load'),
  modelStatus: $('model-status'),
  error: $('error'),
};

let session: Session;
let backends: PageBackend[] = [];
let running = false;
/** The data the current session trains on, kept so that another architecture can start on it. */
let data = { name: '', text: '' };

function showError(e: unknown): void {
  ui.error.textContent = e instanceof Error ? e.message : String(e);
}

function guarded(action: () => void | Promise<void>): () => Promise<void> {
  return async () => {
    ui.error.textContent = '';
    try {
      await action();
    } catch (e) {
      showError(e);
    }
  };
}

function useData(name: string, text: string): void {
  session = Session.fromText(name, text, ui.model.value);
  data = { name, text };
  const { train, val, test } = session.words;
  ui.dataStatus.textContent = `${name}: ${session.items.length.toLocaleString('en')} items, ${session.vocab.size} characters; split ${train.length.toLocaleString('en')} / ${val.length.toLocaleString('en')} / ${test.length.toLocaleString('en')} (train / dev / test). A new model: ${describeModel()}.`;
  showProgress();
  ui.samples.replaceChildren();
}

function describeModel(): string {
  const { spec } = session;
  return `${spec.spec.embedding}-dim embeddings, ${spec.layers.length} layers, receptive field ${spec.receptiveField}, ${session.params.count().toLocaleString('en')} parameters`;
}

async function useFile(file: File): Promise<void> {
  useData(file.name, await file.text());
}

function showProgress(): void {
  const { state } = session;
  ui.step.textContent = state.step.toLocaleString('en');
  const recent = state.losses.slice(-20);
  ui.loss.textContent = state.losses.length ? `${state.losses[0].toFixed(3)} → ${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(3)}` : '–';
  const last = state.evals[state.evals.length - 1];
  ui.dev.textContent = last ? `${last.loss.toFixed(4)} (step ${last.step})` : '–';
  ui.chart.innerHTML = state.losses.length ? lossChart(state.losses, state.evals) : '';
}

function showSamples(names: string[]): void {
  ui.samples.replaceChildren(...names.map((name) => Object.assign(document.createElement('li'), { textContent: name })));
}

function settings(): RunSettings {
  const steps = Number(ui.steps.value);
  const batchSize = Number(ui.batch.value);
  const lr = Number(ui.lr.value);
  const evalEvery = Number(ui.evalEvery.value);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`Steps: expected a whole number ≥ 1, got "${ui.steps.value}"`);
  if (!Number.isInteger(batchSize) || batchSize < 2) throw new Error(`Words a step: expected a whole number ≥ 2, got "${ui.batch.value}"`);
  if (!(lr > 0)) throw new Error(`AdamW lr: expected a number > 0, got "${ui.lr.value}"`);
  if (!Number.isInteger(evalEvery) || evalEvery < 1) throw new Error(`Dev loss every: expected a whole number ≥ 1, got "${ui.evalEvery.value}"`);
  return { steps, batchSize, lr, evalEvery };
}

async function runTraining(): Promise<void> {
  const picked = backends.find((b) => b.id === ui.backend.value);
  if (!picked?.choice) throw new Error(`${picked?.label ?? ui.backend.value} cannot run here: ${picked?.reason ?? 'unknown backend'}`);
  const run = settings();
  const threads = picked.id === 'wasm' ? wasmThreads() : 1;
  // the wasm kernels' build that createWasmOps picks here: relaxed SIMD where the browser takes it
  const simd = picked.id === 'wasm' ? `, ${preferredSimd()} SIMD` : '';
  const on = `${picked.label}${threads > 1 ? `, ${threads} threads` : ''}${simd}`;
  ui.backendStatus.title = describeBackend(picked.choice);
  ui.backendStatus.textContent = `training on ${on}: starting`;
  setRunning(true);
  // targets/s averaged over the run's steps after its first (which builds the kernels), evaluations aside
  const began = { seconds: session.state.seconds, steps: 0, firstStepAt: 0, lastStepAt: 0, targets: 0 };
  const average = () => (began.lastStepAt > began.firstStepAt ? (1000 * began.targets) / (began.lastStepAt - began.firstStepAt) : NaN);
  let drawn = 0;
  try {
    await session.train(picked.choice, threads, run, {
      onStep: (info) => {
        const now = performance.now();
        if (began.steps++ === 0) began.firstStepAt = now;
        else began.targets += info.targets;
        began.lastStepAt = now;
        if (now - drawn < 200) return;
        drawn = now;
        const rate = average();
        if (rate > 0) ui.speed.textContent = Math.round(rate).toLocaleString('en');
        const left = began.steps > 1 ? ((run.steps - began.steps) * (now - began.firstStepAt)) / (began.steps - 1) / 1000 : NaN;
        ui.backendStatus.textContent = `training on ${on}: step ${began.steps.toLocaleString('en')} of ${run.steps.toLocaleString('en')}, loss ${info.loss.toFixed(3)}${Number.isFinite(left) ? `, about ${duration(left)} left` : ''}`;
        showProgress();
      },
      onEval: () => {
        showProgress();
        showSamples(session.sample(10, Number(ui.temperature.value)));
      },
    });
  } finally {
    setRunning(false);
    showProgress();
    const rate = average();
    ui.speed.textContent = rate > 0 ? Math.round(rate).toLocaleString('en') : '–';
    ui.backendStatus.textContent = `trained on ${on}: ${began.steps.toLocaleString('en')} steps in ${duration(session.state.seconds - began.seconds)}, ${rate > 0 ? Math.round(rate).toLocaleString('en') : '–'} targets/s on average`;
  }
}

/** "42 s" or "3 min 5 s". */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function setRunning(on: boolean): void {
  running = on;
  for (const control of [ui.train, ui.bundled, ui.dataFile, ui.model, ui.load, ui.backend, ui.save, ui.sample]) control.disabled = on;
  ui.stop.disabled = !on;
  document.body.dataset.running = String(on);
}

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function start(): Promise<void> {
  backends = await pageBackends();
  for (const b of backends) {
    const option = new Option(b.choice ? b.label : `${b.label} — unavailable`, b.id);
    option.disabled = !b.choice;
    option.title = b.choice ? describeBackend(b.choice) : b.reason;
    ui.backend.add(option);
  }
  ui.backend.value = backends.find((b) => b.choice)!.id;
  ui.backendStatus.textContent = backends.filter((b) => !b.choice).map((b) => `${b.label}: ${b.reason}`).join(' · ');
  for (const [name, preset] of Object.entries(PRESETS)) ui.model.add(Object.assign(new Option(name, name), { title: preset.help }));
  useData('names.txt', namesText);

  ui.bundled.onclick = guarded(() => useData('names.txt', namesText));
  ui.model.onchange = guarded(() => useData(data.name, data.text));
  ui.dataFile.onchange = guarded(() => (ui.dataFile.files?.[0] ? useFile(ui.dataFile.files[0]) : undefined));
  ui.drop.ondragover = (e) => (e.preventDefault(), ui.drop.classList.add('over'));
  ui.drop.ondragleave = () => ui.drop.classList.remove('over');
  ui.drop.ondrop = (e) => {
    e.preventDefault();
    ui.drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file && !running) void guarded(() => useFile(file))();
  };
  ui.train.onclick = guarded(runTraining);
  ui.stop.onclick = () => session.stop();
  ui.temperature.oninput = () => (ui.temperatureValue.value = Number(ui.temperature.value).toFixed(2));
  ui.sample.onclick = guarded(() => showSamples(session.sample(20, Number(ui.temperature.value))));
  ui.save.onclick = guarded(() => download(session.save(), 'model.safetensors'));
  // two files: the whole sequence and the streaming step beside it (README: Run a trained model anywhere)
  ui.saveOnnx.onclick = guarded(() => {
    const files = session.exportOnnx();
    download(files.sequence, 'model.onnx');
    download(files.step, 'model.step.onnx');
  });
  ui.load.onchange = guarded(async () => {
    const file = ui.load.files?.[0];
    if (!file) return;
    session = session.withCheckpoint(new Uint8Array(await file.arrayBuffer()), file.name);
    ui.modelStatus.textContent = `loaded ${file.name}: ${describeModel()}, vocabulary ${JSON.stringify(session.vocab.chars.join(''))}`;
    showProgress();
    showSamples(session.sample(20, Number(ui.temperature.value)));
  });
  document.body.dataset.ready = 'true';
}

start().catch(showError);
