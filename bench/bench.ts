// npm run bench [-- --quick] [-- --json] [-- --no-torch]
// Throughput of the conv engine on every gpu.js backend against the tree form and PyTorch, plus
// forward-only, generation, node counts, hot-kernel GFLOP/s and peak memory. Prints a table; with
// --json the report also follows as one JSON object on the last line. Progress goes to stderr.
// Keys: conv/<webasm|cpu|…|reference>, tree/ts (the tree form in plain TypeScript), torch/conv, torch/tree.

import { parseArgs } from 'node:util';
import { runBench } from './run.ts';
import { formatReport } from './format.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
  },
});

const report = await runBench({ quick: values.quick, torch: !values['no-torch'], log: (line) => console.error(`[bench] ${line}`) });
console.log(formatReport(report));
if (values.json) console.log(JSON.stringify(report));
