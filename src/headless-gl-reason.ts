// Why gpu.js's headless-gl backend cannot run in this Node process: its optional `gl` package is not
// installed or not built (`npm ci --ignore-scripts` skips the build), or it is built but could not
// open a GL context — it needs an X display, as under `xvfb-run`. No Node import: this module loads in
// a browser too, where the answer is that headless-gl is for Node.

type NodeProcess = { versions?: { node?: string }; getBuiltinModule?: (name: string) => unknown };
type CreateRequire = { createRequire(from: string): ((id: string) => unknown) & { resolve(id: string): string } };

/** One line saying why headless-gl is unavailable here, given that gpu.js found no context. */
export function headlessGlReason(): string {
  const process = (globalThis as { process?: NodeProcess }).process;
  if (typeof process?.versions?.node !== 'string') return 'headless-gl is for Node, not a browser';
  const moduleApi = process.getBuiltinModule?.('module') as CreateRequire | undefined;
  if (!moduleApi) return 'no headless-gl context (the optional "gl" package is not built, or has no display)';
  let gl: unknown;
  try {
    // gl as gpu.js itself requires it: from gpu.js's own location
    const here = moduleApi.createRequire(import.meta.url);
    gl = moduleApi.createRequire(here.resolve('gpu.js'))('gl');
  } catch {
    return 'the optional "gl" package is not installed or not built (npm rebuild gl builds it)';
  }
  const context = typeof gl === 'function' ? (gl as (w: number, h: number) => unknown)(1, 1) : null;
  return context ? 'gl is built and opens a context, but gpu.js could not use it' : 'gl is built but opens no GL context: it needs a display (run under xvfb-run)';
}
