// Which backend the conv engine runs on: an explicit option, else MAKEMORE_BACKEND, else 'auto',
// which probes what actually works here and says why it passed over the others. 'wasm' is the
// hand-written WebAssembly SIMD kernels (src/engine/wasm-ops.ts), the fast CPU path; the others are
// gpu.js modes, whose probe builds and runs a tiny kernel and checks its numbers. Env access goes
// through globalThis.process so this imports in a browser.

import { CPUKernel, GPU, HeadlessGLKernel, WebAssemblyKernel, WebGL2Kernel, WebGLKernel } from 'gpu.js';
import { wasmUnavailableReason } from './engine/wasm-ops.ts';
import { headlessGlReason } from './headless-gl-reason.ts';

export const BACKEND_MODES = ['auto', 'wasm', 'cpu', 'webasm', 'headlessgl', 'webgl2', 'gpu'] as const;
export type BackendMode = (typeof BACKEND_MODES)[number];
/** A backend that runs: 'wasm', or a mode gpu.js is built with. */
export type Backend = Exclude<BackendMode, 'auto'>;
/** A gpu.js mode: 'webgl2' is a browser's GL; 'gpu' lets gpu.js pick its best (headlessgl, webgl2, webgl, webasm). */
export type GpuJsMode = Exclude<Backend, 'wasm'>;

export const BACKEND_ENV = 'MAKEMORE_BACKEND';
/**
 * What 'auto' tries, best first: the WebAssembly SIMD kernels (8–10× gpu.js webasm in `npm run
 * bench`), then gpu.js's GL (headless in Node, WebGL2 in a browser), WebAssembly and plain-JS backends.
 */
export const AUTO_ORDER: readonly Backend[] = ['wasm', 'headlessgl', 'webgl2', 'webasm', 'cpu'];

/** The backend {@link selectBackend} chose, and why. */
export interface BackendChoice {
  /** The backend to build: 'wasm', or the mode to build gpu.js with. */
  mode: Backend;
  /** The gpu.js kernel class that ran the probe, e.g. 'webasm' for mode 'gpu' on a GL-less machine. */
  runsOn: string;
  /** Where the request came from, and what it was. */
  source: 'option' | 'env' | 'default';
  requested: BackendMode;
  /** Why this mode: for 'auto', why each earlier candidate was unavailable. */
  reason: string;
}

/** The outcome of probing one mode: what it ran on, or why it cannot run. */
export type ProbeResult = { ok: true; runsOn: string } | { ok: false; reason: string };

/** `origin` names where the value came from, for the error message. */
export function parseBackendMode(value: string, origin = 'backend'): BackendMode {
  const mode = BACKEND_MODES.find((m) => m === value);
  if (!mode) throw new Error(`${origin}: unknown backend "${value}": expected one of ${BACKEND_MODES.join(', ')}`);
  return mode;
}

/** The gpu.js backend name of a kernel class (GL classes share the static mode 'gpu', so match by identity). */
export function kernelBackendName(kernelClass: unknown): string {
  const names: [unknown, string][] = [
    [HeadlessGLKernel, 'headlessgl'],
    [WebGL2Kernel, 'webgl2'],
    [WebGLKernel, 'webgl'],
    [WebAssemblyKernel, 'webasm'],
    [CPUKernel, 'cpu'],
  ];
  return names.find(([k]) => k === kernelClass)?.[1] ?? 'unknown';
}

// a[i]·2 + i over [1, 2, 3, 4]: reads an array, uses the thread index, returns distinct numbers
function probeKernel(this: { thread: { x: number } }, a: Float32Array): number {
  return a[this.thread.x] * 2 + this.thread.x;
}
const PROBE_EXPECTED = [2, 5, 8, 11];

const probes = new Map<Backend, ProbeResult>();

/** Whether `mode` runs here (once per process; the answer cannot change). */
export function probeMode(mode: Backend): ProbeResult {
  let result = probes.get(mode);
  if (!result) {
    result = mode === 'wasm' ? probeWasm() : runProbe(mode);
    probes.set(mode, result);
  }
  return result;
}

function probeWasm(): ProbeResult {
  const reason = wasmUnavailableReason();
  return reason === null ? { ok: true, runsOn: 'wasm' } : { ok: false, reason };
}

// builds and runs the probe kernel in a gpu.js mode
function runProbe(mode: GpuJsMode): ProbeResult {
  let gpu: GPU | null = null;
  try {
    gpu = new GPU({ mode });
    const kernel = gpu.createKernel(probeKernel, { output: [4] });
    const out = Array.from(kernel(new Float32Array([1, 2, 3, 4])) as Float32Array);
    // a kernel that gpu.js quietly degraded to cpu is not the backend that was asked for
    const runsOn = kernelBackendName(kernel.kernel.constructor);
    if (mode !== 'cpu' && runsOn === 'cpu') return { ok: false, reason: `gpu.js fell back to cpu (${kernel.kernel.fallbackReason ?? 'no reason given'})` };
    if (out.join() !== PROBE_EXPECTED.join()) return { ok: false, reason: `probe kernel returned [${out.join(', ')}], expected [${PROBE_EXPECTED.join(', ')}]` };
    return { ok: true, runsOn };
  } catch (e) {
    return { ok: false, reason: unavailableReason(mode, e) };
  } finally {
    gpu?.destroy();
  }
}

function unavailableReason(mode: GpuJsMode, e: unknown): string {
  // gpu.js's own message for this case ("A requested mode of … and is not supported") does not say why
  if (mode === 'headlessgl' && !GPU.isHeadlessGLSupported) return headlessGlReason();
  if (mode === 'webgl2' && !GPU.isWebGL2Supported) return 'no WebGL2 context (it needs a browser with WebGL2)';
  return e instanceof Error ? e.message : String(e);
}

/** The modes whose probe passes on this machine, in BACKEND_MODES order. */
export function availableModes(): Backend[] {
  return BACKEND_MODES.filter((m): m is Backend => m !== 'auto' && probeMode(m).ok);
}

/** Why each mode that is not available is not (for test logs). */
export function unavailableModes(): { mode: Backend; reason: string }[] {
  const out: { mode: Backend; reason: string }[] = [];
  for (const mode of BACKEND_MODES) {
    if (mode === 'auto') continue;
    const probe = probeMode(mode);
    if (!probe.ok) out.push({ mode, reason: probe.reason });
  }
  return out;
}

function envMode(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[BACKEND_ENV] || undefined;
}

/**
 * Picks the backend: `option` if given, else $MAKEMORE_BACKEND, else 'auto'. An explicit mode that
 * does not work here is an error (naming why); 'auto' takes the first of AUTO_ORDER that does.
 */
export function selectBackend(option?: string): BackendChoice {
  const fromEnv = option === undefined ? envMode() : undefined;
  const source = option !== undefined ? 'option' : fromEnv !== undefined ? 'env' : 'default';
  const requested = parseBackendMode(option ?? fromEnv ?? 'auto', source === 'env' ? BACKEND_ENV : 'backend option');
  if (requested === 'auto') return { ...autoSelect(), source, requested };
  const probe = probeMode(requested);
  if (!probe.ok) throw new Error(`backend "${requested}" (from ${source}) is unavailable: ${probe.reason}`);
  const reason = probe.runsOn === requested ? 'requested' : `requested; gpu.js picked ${probe.runsOn}`;
  return { mode: requested, runsOn: probe.runsOn, source, requested, reason };
}

function autoSelect(): { mode: Backend; runsOn: string; reason: string } {
  const passedOver: string[] = [];
  for (const mode of AUTO_ORDER) {
    const probe = probeMode(mode);
    if (probe.ok) return { mode, runsOn: probe.runsOn, reason: [...passedOver, `${mode}: the first that works of ${AUTO_ORDER.join(', ')} (fastest first, as npm run bench measures)`].join('; ') };
    passedOver.push(`${mode} unavailable: ${probe.reason}`);
  }
  // cpu is plain JavaScript; reaching here means gpu.js itself is broken
  throw new Error(`no backend works here: ${passedOver.join('; ')}`);
}

/** One line for logs, e.g. "backend webasm (auto: headlessgl unavailable: …)". */
export function describeBackend(choice: BackendChoice): string {
  const runs = choice.runsOn === choice.mode ? choice.mode : `${choice.mode} → ${choice.runsOn}`;
  const how = choice.source === 'option' ? choice.requested : choice.source === 'env' ? `${BACKEND_ENV}=${choice.requested}` : 'auto';
  return `backend ${runs} (${how}: ${choice.reason})`;
}
