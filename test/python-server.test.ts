// bench/python-server.ts: a script kept running answers one line per line, in order, then its last
// line when its input ends; a script that fails or goes quiet is reported with the reason. Node
// stands in for Python here: the server runs whatever interpreter it is given.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PythonServer } from '../bench/python-server.ts';

const dir = mkdtempSync(join(os.tmpdir(), 'python-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

// the first line sets a factor; every later line {x} is answered {y: factor·x}; at the end, {count}
const ECHO = script(
  'echo.cjs',
  `const lines = require('node:readline').createInterface({ input: process.stdin });
let factor = null, count = 0;
lines.on('line', (line) => {
  const m = JSON.parse(line);
  if (factor === null) { factor = m.factor; console.log(JSON.stringify({ ready: true })); return; }
  count++;
  console.log(JSON.stringify({ y: factor * m.x }));
});
lines.on('close', () => console.log(JSON.stringify({ count })));`,
);

describe('PythonServer', () => {
  it('answers each request in order, and its last line when its input ends', async () => {
    const server = PythonServer.start(process.execPath, ECHO, { factor: 3 });
    expect(await server.ask(null, 30_000)).toEqual({ ok: true, answer: { ready: true } });
    expect(await server.ask({ x: 2 }, 30_000)).toEqual({ ok: true, answer: { y: 6 } });
    expect(await server.ask({ x: -5 }, 30_000)).toEqual({ ok: true, answer: { y: -15 } });
    expect(await server.finish(30_000)).toEqual({ ok: true, answer: { count: 2 } });
  });

  it('reports a script that fails with its last line of stderr', async () => {
    const server = PythonServer.start(process.execPath, script('fails.cjs', `console.error('loading'); console.error('ValueError: no such tensor'); process.exit(3);`), {});
    const answer = await server.ask(null, 30_000);
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.reason).toMatch(/fails\.cjs failed: ValueError: no such tensor$/);
  });

  it('gives up on a script that never answers, and stops it', async () => {
    const server = PythonServer.start(process.execPath, script('quiet.cjs', `setInterval(() => {}, 1000);`), {});
    const answer = await server.ask(null, 200);
    expect(answer).toEqual({ ok: false, reason: expect.stringMatching(/quiet\.cjs gave no answer in 0\.2 s$/) });
    // stopped: its output ends, so a further question is answered at once with the failure
    expect((await server.ask(null, 30_000)).ok).toBe(false);
  });
});
