// A Python script kept running through a section: one JSON line in, one JSON line out, for as long
// as the section asks. The recipe section asks PyTorch for its rates between its own this way, so
// both sides are measured seconds apart rather than one after the other (a shared machine's speed
// drifts within minutes).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Budget } from './measure.ts';
import type { PythonAnswer } from './torch.ts';

export class PythonServer {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly script: string,
  ) {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-4096)));
    child.on('error', (e) => (this.stderr += `\n${e.message}`));
    child.stdin.on('error', () => {}); // a script that died: its answer says why
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** `script` run by `python`, given `request` as its first line. */
  static start(python: string, script: string, request: object): PythonServer {
    const server = new PythonServer(spawn(python, [script]), script);
    server.send(request);
    return server;
  }

  /** The script's next line: its answer to `request` (null: to what was sent already), or why none came in `timeoutMs`. */
  async ask<T>(request: object | null, timeoutMs: number): Promise<PythonAnswer<T>> {
    if (request) this.send(request);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    const next = await Promise.race([this.lines.next(), late]);
    clearTimeout(timer);
    if (next === 'late') {
      this.child.kill();
      return { ok: false, reason: `${this.script} gave no answer in ${timeoutMs / 1000} s` };
    }
    if (next.done) {
      if (this.child.exitCode === null && this.child.signalCode === null) await once(this.child, 'close');
      return { ok: false, reason: `${this.script} failed: ${this.stderr.trim().split('\n').pop() || `exit status ${this.child.exitCode}`}` };
    }
    return { ok: true, answer: JSON.parse(next.value) as T };
  }

  /** Ends the script's input; its last line. */
  finish<T>(timeoutMs: number): Promise<PythonAnswer<T>> {
    this.child.stdin.end();
    return this.ask<T>(null, timeoutMs);
  }

  /** Stops the script if it still runs (a section that failed half-way). */
  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }

  private send(request: object): void {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
  }
}

/** How long to wait for one rate measured on `budget`: generous, as its warm-up's first steps are slow on a busy machine. */
export function rateTimeoutMs(budget: Budget): number {
  return (3 * (budget.warmupS + budget.measureS) + 60) * 1000;
}
