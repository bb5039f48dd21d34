// A sweep's results: one row per finished run, written as a markdown table, JSON, and one SVG of
// dev loss against parameters and against wall time.

import { scatterChart } from '../plot/svg.ts';

/** One finished run, as results.json stores it. */
export interface RunResult {
  name: string;
  options: Record<string, string | number | true>;
  /** The model: its preset and options, or its spec file; and its receptive field. */
  model: string;
  parameters: number;
  steps: number;
  seconds: number;
  /** Best dev loss and the step it came at; train and test loss of that checkpoint. */
  dev: number;
  bestStep: number;
  train: number;
  test: number;
}

function minutes(seconds: number): string {
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** The results as a markdown table, best dev loss in bold. */
export function resultsMarkdown(results: RunResult[]): string {
  const best = Math.min(...results.map((r) => r.dev));
  const rows = results.map((r, i) => {
    const dev = r.dev.toFixed(4);
    return `| ${i + 1} | ${r.name} | ${r.model} | ${r.parameters.toLocaleString('en-US')} | ${r.steps.toLocaleString('en-US')} | ${minutes(r.seconds)} | ${r.dev === best ? `**${dev}**` : dev} (${r.bestStep.toLocaleString('en-US')}) | ${r.train.toFixed(4)} | ${r.test.toFixed(4)} |`;
  });
  return ['| # | run | model | parameters | steps | wall time | best dev (step) | train | test |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

/** Two scatters side by side, each point labelled with its row number: dev loss against parameters, and against wall time. */
export function resultsSvg(results: RunResult[]): string {
  const width = 560;
  const panel = (xLabel: string, x: (r: RunResult) => number) =>
    scatterChart({ title: `best dev loss against ${xLabel}`, xLabel, yLabel: 'dev loss', width, height: 440, points: results.map((r, i) => ({ x: x(r), y: r.dev, label: String(i + 1) })) });
  const placed = [panel('parameters', (r) => r.parameters), panel('wall time (minutes)', (r) => r.seconds / 60)].map((svg, i) => svg.replace('<svg ', `<svg x="${i * width}" y="0" `));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * width}" height="440" viewBox="0 0 ${2 * width} 440">\n${placed.join('\n')}\n</svg>\n`;
}
