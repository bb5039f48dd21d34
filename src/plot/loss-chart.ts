// The lecture's loss picture, as the CLI's loss.svg and the browser demo draw it: the per-step
// training loss averaged over blocks of steps (1000, fewer for short runs), and the dev loss.

import { blockAverage } from './block-average.ts';
import { lineChart } from './svg.ts';

/** `losses`: every step's training loss; `evals`: the dev loss at the steps it was measured. */
export function lossChart(losses: number[], evals: { step: number; loss: number }[]): string {
  const block = Math.max(1, Math.min(1000, Math.floor(losses.length / 20)));
  const train = blockAverage(losses, block).map((loss, i): [number, number] => [Math.min((i + 1) * block, losses.length), loss]);
  return lineChart({
    title: `training loss (mean of each ${block} steps) and dev loss`,
    xLabel: 'step',
    yLabel: 'loss',
    series: [
      { name: `train (${block}-step mean)`, points: train },
      { name: 'dev', points: evals.map((e): [number, number] => [e.step, e.loss]) },
    ],
  });
}
