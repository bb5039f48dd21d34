// The progress display: redrawn in place within the terminal's width, plain lines elsewhere.
import { describe, expect, it } from 'vitest';
import { fitToWidth, Progress, type ProgressStream } from '../src/commands/progress.ts';

const FIELDS = ['step 1500/3000', 'ETA 1m02s', 'loss 2.1234', '12,345 targets/s'];

function recorder(isTTY: boolean, columns?: number): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, columns, written, write: (text: string) => written.push(text) };
}

describe('fitToWidth', () => {
  it.each([200, 80, 60, 40, 20, 12, 5])('fits %i columns, keeping the last one free', (columns) => {
    const line = fitToWidth(FIELDS, 0.5, columns);
    expect([...line].length).toBeLessThanOrEqual(columns - 1);
    expect(line).toContain(FIELDS[0].slice(0, columns - 1)); // the step always shows, cut only when nothing else fits
  });

  it('draws the bar when there is room, and drops the least important fields first', () => {
    expect(fitToWidth(FIELDS, 0.5, 200)).toBe(`${'█'.repeat(12)}${'·'.repeat(12)} ${FIELDS.join(' | ')}`);
    expect(fitToWidth(FIELDS, 0.5, 80)).toMatch(/^█+·+ step 1500\/3000 \| ETA 1m02s \| loss 2\.1234 \| 12,345 targets\/s$/);
    expect(fitToWidth(FIELDS, 0.5, 50)).toBe('████···· step 1500/3000 | ETA 1m02s | loss 2.1234');
    expect(fitToWidth(FIELDS, 0.5, 30)).toBe('step 1500/3000 | ETA 1m02s');
  });
});

describe('Progress', () => {
  it('redraws one line in place on a terminal, within its width', () => {
    const out = recorder(true, 40);
    const progress = new Progress(3, 0, Infinity, out);
    for (let step = 1; step <= 3; step++) progress.update(step, 2.5, 100);
    progress.end();
    const draws = out.written.filter((w) => w.startsWith('\r'));
    expect(draws.length).toBeGreaterThan(0);
    for (const d of draws) {
      expect(d.endsWith('\x1b[K')).toBe(true);
      expect(d).not.toContain('\n');
      expect([...d.slice(1, -3)].length).toBeLessThanOrEqual(39);
    }
    expect(out.written.at(-1)).toBe('\n');
  });

  it('writes plain lines elsewhere: no carriage returns, no bar, always the last step', () => {
    const out = recorder(false);
    const progress = new Progress(3, 0, Infinity, out);
    for (let step = 1; step <= 3; step++) progress.update(step, 2.5, 100);
    progress.end();
    expect(out.written.at(-1)).toMatch(/^step 3\/3 \| ETA 0m00s \| loss 2\.5000 \| [\d,]+ targets\/s\n$/);
    expect(out.written.join('')).not.toMatch(/[\r█]/);
  });

  it('draws the first step at once, off a terminal too, so a reader knows the run has begun', () => {
    const out = recorder(false);
    new Progress(3000, 0, Infinity, out).update(1, 3.3, 100);
    expect(out.written).toEqual([expect.stringMatching(/^step 1\/3000 \| ETA /)]);
  });
});
