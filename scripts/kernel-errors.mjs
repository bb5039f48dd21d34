// The largest error of each op on each backend, as a Markdown table, from Vitest JSON reports of the
// kernel suites (`npm test`, `npm run test:browser`, scripts/headlessgl-suite.sh): each comparison
// records max |a − ref| / max |ref| in its test's meta (test/kernels-harness.ts, expectClose).
//
//   node scripts/kernel-errors.mjs .vitest-report.json .vitest-browser-report.json
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/kernel-errors.mjs REPORT.json…');
  process.exit(2);
}

const errors = new Map(); // op → backend → max error
const backends = new Set();
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const { assertionResults } of report.testResults) {
    for (const test of assertionResults) {
      const error = test.meta?.maxError;
      // a suite title ends with its backend: "conv1d kernels [gpu.js webgl2]"; a test title names the op before ':'
      const suite = test.ancestorTitles.find((title) => / \[[^\]]+\]$/.test(title));
      if (error === undefined || test.status !== 'passed' || !suite) continue;
      const [, family, backend] = suite.match(/^(.*?) kernels? \[([^\]]+)\]$/) ?? suite.match(/^(.*) \[([^\]]+)\]$/);
      const op = `${family}: ${test.title.split(':')[0].replace(/ \(.*\)$/, '')}`;
      backends.add(backend);
      const row = errors.get(op) ?? new Map();
      row.set(backend, Math.max(row.get(backend) ?? 0, error));
      errors.set(op, row);
    }
  }
}

const columns = [...backends].sort();
const cell = (e) => (e === undefined ? '' : e === 0 ? '0' : e.toExponential(1));
console.log(`| op | ${columns.join(' | ')} |`);
console.log(`|---|${columns.map(() => '---:').join('|')}|`);
for (const [op, row] of [...errors].sort(([a], [b]) => a.localeCompare(b))) console.log(`| ${op} | ${columns.map((b) => cell(row.get(b))).join(' | ')} |`);
const worst = (b) => Math.max(...[...errors.values()].map((row) => row.get(b) ?? 0));
console.log(`| **largest** | ${columns.map((b) => `**${cell(worst(b))}**`).join(' | ')} |`);
