// Where `makemore sample` puts its names: one per line on stdout as they come (flushed every
// FLUSH_MS, so a long run streams), or a file written atomically at the end, or one JSON object.

import { checkWritable, writeFileAtomic } from '../io/atomic-file.ts';

export interface OutputOptions {
  json: boolean;
  /** Write here instead of stdout. */
  file: string | null;
  /** Names to mark with " *" (in JSON: "in_train"), and the file they came from. */
  marked: { names: ReadonlySet<string>; file: string } | null;
  /** --max-length: a name cut there ends in "…" (in JSON: "truncated"). */
  maxLength: number;
}

export interface NameOutput {
  /** `cut`: the name reached --max-length before its end. */
  add(name: string, cut: boolean): void;
  /** Everything not yet written; `tries`: the candidates drawn. */
  finish(tries: number): void;
}

const FLUSH_MS = 200;
const FLUSH_CHARS = 1 << 16;

export function nameOutput(opts: OutputOptions): NameOutput {
  const names: string[] = [];
  const marks: boolean[] = [];
  const cuts: boolean[] = [];
  const streaming = !opts.json && opts.file === null;
  if (streaming) exitQuietlyOnClosedPipe();
  if (opts.file !== null) checkWritable(opts.file); // before generating: a run of 100,000 names should not end in "cannot write"
  let pending = '';
  let flushedAt = performance.now();
  const flush = () => {
    process.stdout.write(pending);
    pending = '';
    flushedAt = performance.now();
  };
  const line = (name: string, marked: boolean, cut: boolean) => `${name}${cut ? '…' : ''}${marked ? ' *' : ''}\n`;
  const markNote = () => (opts.marked ? `(* = in the training split of ${opts.marked.file}: ${marks.filter(Boolean).length} of ${marks.length})\n` : '');
  const cutNote = () => (cuts.some(Boolean) ? `(… = cut at --max-length ${opts.maxLength})\n` : '');
  return {
    add(name, cut) {
      const marked = opts.marked?.names.has(name) ?? false;
      marks.push(marked);
      cuts.push(cut);
      if (!streaming) return void names.push(name);
      pending += line(name, marked, cut);
      if (pending.length > FLUSH_CHARS || performance.now() - flushedAt > FLUSH_MS) flush();
    },
    finish(tries) {
      if (streaming) {
        pending += cutNote() + markNote();
        return flush();
      }
      const json = { samples: names, truncated: cuts, tries, ...(opts.marked ? { in_train: marks } : {}) };
      const text = opts.json ? `${JSON.stringify(json)}\n` : names.map((n, i) => line(n, marks[i], cuts[i])).join('');
      if (opts.file === null) return void process.stdout.write(text);
      writeFileAtomic(opts.file, new TextEncoder().encode(text));
      process.stderr.write(`wrote ${names.length} names to ${opts.file}\n${opts.json ? '' : cutNote() + markNote()}`);
    },
  };
}

// `makemore sample --num 100000 | head`: the reader going away ends the run, not with a stack trace
function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
}
