// A sweep's grid file: JSON naming the runs, each a set of `makemore train` options over shared
// defaults, e.g.
//   { "defaults": { "optimizer": "adamw", "batch": 64, "threads": 1 },
//     "runs": [ { "name": "wavenet-c64", "options": { "model": "wavenet", "channels": 64, "minutes": 10, "steps": 1000000 } } ] }
// Option values are strings, numbers or true (a flag); names are those of `makemore train --help`.
// A "description" (any text) may say what the grid is for.

import { InputError } from '../errors.ts';

/** One run of a sweep: its directory name and its train options. */
export interface GridRun {
  name: string;
  options: Record<string, string | number | true>;
}

/** Options a sweep sets itself. */
const RESERVED = ['out', 'resume', 'help'];

/** The runs of a grid file's text, defaults merged in; a problem throws an InputError naming `file`. */
export function parseGrid(text: string, file: string): GridRun[] {
  const fail = (problem: string): never => {
    throw new InputError(file, problem);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON (${(e as Error).message})`);
  }
  const grid = isObject(json) ? json : fail('expected a JSON object with "runs"');
  const defaults = options(grid.defaults ?? {}, 'defaults', fail);
  if (!Array.isArray(grid.runs) || grid.runs.length === 0) fail('"runs" must be a non-empty array');
  const names = new Set<string>();
  return (grid.runs as unknown[]).map((run, i) => {
    const where = `runs[${i}]`;
    if (!isObject(run)) return fail(`${where} must be an object with "name" and "options"`);
    const name = typeof run.name === 'string' && /^[\w.-]+$/.test(run.name) ? run.name : fail(`${where}.name must be a directory name (letters, digits, '.', '_', '-')`);
    if (names.has(name)) fail(`${where}: the name "${name}" is used twice`);
    names.add(name);
    return { name, options: { ...defaults, ...options(run.options ?? {}, `${where}.options`, fail) } };
  });
}

function options(value: unknown, where: string, fail: (problem: string) => never): GridRun['options'] {
  if (!isObject(value)) return fail(`${where} must be an object of train options`);
  for (const [key, v] of Object.entries(value)) {
    if (RESERVED.includes(key)) fail(`${where}.${key}: the sweep sets --${key} itself`);
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || v === true)) fail(`${where}.${key} must be a string, a number or true`);
  }
  return value as GridRun['options'];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A run's options as `makemore train` arguments. */
export function trainArgs(options: GridRun['options']): string[] {
  return Object.entries(options).flatMap(([key, v]) => (v === true ? [`--${key}`] : [`--${key}`, String(v)]));
}
