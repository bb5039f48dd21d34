// A spec as a table for people (`makemore info`): each layer with its path, its widths, its
// parameters and what it does, bodies indented.

import { numel } from '../tensor.ts';
import type { ResolvedLayer } from '../models/conv-layers/kind.ts';
import { EMBEDDING, HEAD, type ResolvedSpec } from './resolve.ts';

/** One line per layer (bodies indented), the embedding first and the head last. */
export function describeLayers(spec: ResolvedSpec): string[] {
  const count = (names: string[]) => spec.tensors.filter((t) => names.includes(t.name) && !t.buffer).reduce((n, t) => n + numel(t.shape), 0);
  const row = (indent: number, path: string, what: string, widths: string, parameters: number) =>
    `${' '.repeat(indent)}${path.padEnd(Math.max(28 - indent, path.length))} ${widths.padEnd(9)} ${(parameters > 0 ? parameters.toLocaleString('en-US') : '').padStart(9)}  ${what}`;
  const lines: string[] = [];
  const walk = (layers: readonly ResolvedLayer[], indent: number) => {
    for (const l of layers) {
      lines.push(row(indent, l.path, summary(l), l.cIn === l.cOut ? String(l.cIn) : `${l.cIn} → ${l.cOut}`, count(l.tensors.map((t) => t.name))));
      walk(l.body, indent + 2);
    }
  };
  const { vocabSize: V, embedding: E } = spec.spec;
  lines.push(row(0, 'embedding', `embedding (${EMBEDDING})`, `${V} → ${E}`, count([EMBEDDING])));
  walk(spec.layers, 0);
  lines.push(row(0, 'head', 'linear to the vocabulary', `${spec.width} → ${V}`, count([`${HEAD}.weight`, `${HEAD}.bias`])));
  return lines;
}

// bodies and branches have their own rows
const LISTS = new Set(['layers', 'branches']);

// e.g. "conv kernel 2, dilation 4, no bias (conv.2)": the fields that differ from their defaults
function summary(l: ResolvedLayer): string {
  const fields = Object.entries(l.fields)
    .filter(([key, value]) => value !== null && key !== 'out' && !LISTS.has(l.kind.fields[key].type) && (l.kind.fields[key] as { default?: unknown }).default !== value)
    .map(([key, value]) => (typeof value === 'boolean' ? (value ? key : `no ${key}`) : `${key} ${value}`));
  const named = l.name === l.path ? '' : ` (${l.name})`;
  return `${l.type}${fields.length > 0 ? ` ${fields.join(', ')}` : ''}${named}`;
}
