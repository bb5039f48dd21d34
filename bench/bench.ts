// npm run bench [-- --quick] [-- --json] [-- --no-torch]
// npm run bench -- --time-to-dev 2.00 [--threads N] [--json]: wall time to a dev loss, ours and PyTorch's,
// both on N threads (default: the machine's cores) (time-to-dev.ts)
// Throughput of the conv engine on every gpu.js backend against the tree form and PyTorch, plus
// forward-only, generation, node counts, hot-kernel GFLOP/s and peak memory. Prints a table; with
// --json the report also follows as one JSON object on the last line. Progress goes to stderr.
// Keys: conv/<webasm|cpu|…|reference>, tree/ts (the tree form in plain TypeScript), torch/conv, torch/tree.

import { parseArgs } from 'node:util';
import { runBench } from './run.ts';
import { formatReport } from './format.ts';
import { formatTimeToDev, timeToDev } from './time-to-dev.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    'time-to-dev': { type: 'string' },
    threads: { type: 'string' },
  },
});

const log = (line: string) => console.error(`[bench] ${line}`);
if (values['time-to-dev'] !== undefined) {
  const target = Number(values['time-to-dev']);
  if (!Number.isFinite(target) || target <= 0) throw new Error(`--time-to-dev: expected a dev loss such as 2.00, got "${values['time-to-dev']}"`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`--threads: expected a positive integer, got "${values.threads}"`);
  const report = await timeToDev(target, log, threads);
  console.log(formatTimeToDev(report));
  if (values.json) console.log(JSON.stringify(report));
  process.exit(0);
}

const report = await runBench({ quick: values.quick, torch: !values['no-torch'], log });
console.log(formatReport(report));
if (values.json) console.log(JSON.stringify(report));
