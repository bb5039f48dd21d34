// The conv engine's backends: the plain-TS reference ops and every gpu.js mode that works here.
// A mode that only reaches a backend already listed ('gpu' picking webasm on a GL-less machine)
// would measure the same kernels twice, so it is reported as an alias instead.

import { AUTO_ORDER, availableModes, probeMode, unavailableModes, type GpuJsMode } from '../src/backend.ts';
import { createGpuOps } from '../src/engine/gpu-ops.ts';
import { referenceOps, type ConvOps } from '../src/engine/ops.ts';

export interface OpenBackend {
  ops: ConvOps;
  close(): void;
}

export interface ConvBackend {
  name: string;
  open(): OpenBackend;
}

export interface BackendSet {
  backends: ConvBackend[];
  /** mode → why it cannot run here */
  unavailable: Record<string, string>;
  /** mode → the backend it runs on, measured under that name */
  aliases: Record<string, string>;
}

const REFERENCE: ConvBackend = { name: 'reference', open: () => ({ ops: referenceOps, close: () => {} }) };

/** `only` keeps just the named backends (the test runs the reference alone). */
export function convBackends(only?: readonly string[]): BackendSet {
  const backends: ConvBackend[] = [];
  const aliases: Record<string, string> = {};
  for (const mode of preferredFirst(availableModes())) {
    const probe = probeMode(mode);
    const runsOn = probe.ok ? probe.runsOn : mode;
    if (backends.some((b) => b.name === runsOn)) aliases[mode] = runsOn;
    else backends.push(gpuBackend(mode, runsOn));
  }
  backends.push(REFERENCE);
  const unavailable = Object.fromEntries(unavailableModes().map((u) => [u.mode, u.reason]));
  return { backends: only ? backends.filter((b) => only.includes(b.name)) : backends, unavailable, aliases };
}

// the modes 'auto' would pick first come first; 'gpu' (gpu.js's own pick) last, as it may repeat one
function preferredFirst(modes: GpuJsMode[]): GpuJsMode[] {
  const rank = (m: GpuJsMode) => (AUTO_ORDER.includes(m) ? AUTO_ORDER.indexOf(m) : AUTO_ORDER.length);
  return [...modes].sort((a, b) => rank(a) - rank(b));
}

function gpuBackend(mode: GpuJsMode, runsOn: string): ConvBackend {
  return {
    name: runsOn,
    open: () => {
      const ops = createGpuOps(mode);
      return { ops, close: () => ops.destroy() };
    },
  };
}
