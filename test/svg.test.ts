import { describe, expect, it } from 'vitest';
import { lineChart, scatterChart } from '../src/plot/svg.ts';
import { niceScale } from '../src/plot/nice-scale.ts';
import { escapeXml } from '../src/plot/xml-escape.ts';

/** A small well-formedness check: tags nest and close, attributes are quoted, text holds no raw '<' or stray '&'. */
function checkWellFormed(svg: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(svg)) !== null) {
    const [, closing, name, , selfClosing, text, strayLt] = m;
    if (strayLt) throw new Error(`malformed markup at ${m.index}: ${svg.slice(m.index, m.index + 40)}`);
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`unescaped '&' in text ${JSON.stringify(text)}`);
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!selfClosing) {
      stack.push(name);
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

function pathsOf(svg: string): { name: string; d: string }[] {
  return [...svg.matchAll(/<path class="series" data-name="([^"]*)" d="([^"]*)"/g)].map((m) => ({ name: m[1], d: m[2] }));
}

function coordinates(d: string): [number, number][] {
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('lineChart', () => {
  const svg = lineChart({
    title: 'loss <train> & "val"',
    xLabel: 'step',
    yLabel: 'log10 loss',
    series: [
      { name: 'train', points: [[0, 3.3], [1000, 2.5], [2000, 2.1], [3000, 2.0]] },
      { name: 'a<b & c', points: [[0, 3.0], [3000, 2.2]] },
    ],
  });

  it('is a well-formed standalone SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(() => checkWellFormed(svg)).not.toThrow();
  });

  it('escapes the title and series names', () => {
    expect(svg).toContain('loss &lt;train&gt; &amp; &quot;val&quot;');
    expect(svg).toContain('>a&lt;b &amp; c</text>'); // legend entry
    expect(svg).not.toContain('<train>');
  });

  it('draws one path per series through its points, larger y higher up', () => {
    const paths = pathsOf(svg);
    expect(paths.map((p) => p.name)).toEqual(['train', 'a&lt;b &amp; c']);
    const train = coordinates(paths[0].d);
    expect(train).toHaveLength(4);
    expect(paths[0].d.match(/L/g)).toHaveLength(3);
    for (let i = 1; i < train.length; i++) {
      expect(train[i][0]).toBeGreaterThan(train[i - 1][0]);
      expect(train[i][1]).toBeGreaterThan(train[i - 1][1]); // the loss falls, so SVG y (downwards) grows
    }
    // x from 0 to 3000 spans the nice range [0, 3000] exactly: the first point on the left edge, the last on the right.
    const frame = svg.match(/<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="none" stroke="#333"\/>/)!;
    const [left, width] = [Number(frame[1]), Number(frame[3])];
    expect(train[0][0]).toBeCloseTo(left, 5);
    expect(train[3][0]).toBeCloseTo(left + width, 5);
  });

  it('labels round ticks and the axes', () => {
    for (const label of ['0', '1000', '2000', '3000', '2', '2.5', '3', '3.5', 'step', 'log10 loss']) {
      expect(svg, label).toContain(`>${label}</text>`);
    }
  });

  it('breaks the line at non-finite points instead of drawing through them', () => {
    const broken = lineChart({ title: 't', series: [{ name: 's', points: [[0, 1], [1, NaN], [2, 2], [3, 3]] }] });
    const d = pathsOf(broken)[0].d;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d).not.toContain('NaN');
  });

  it('handles a raw training curve of 200 000 points', () => {
    const points = Array.from({ length: 200_000 }, (_, i): [number, number] => [i, Math.exp(-i / 5e4)]);
    expect(coordinates(pathsOf(lineChart({ title: 'raw', series: [{ name: 'loss', points }] }))[0].d)).toHaveLength(200_000);
  });
});

describe('scatterChart', () => {
  const svg = scatterChart({
    title: 'embeddings',
    points: [
      { x: -1.2, y: 0.4, label: 'a' },
      { x: 0.8, y: -0.9, label: '<' },
      { x: 0.1, y: 1.3, label: '&' },
    ],
  });

  it('is well-formed and draws each point with its escaped label', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(() => checkWellFormed(svg)).not.toThrow();
    expect(svg.match(/<circle /g)).toHaveLength(3);
    for (const label of ['a', '&lt;', '&amp;']) expect(svg).toContain(`>${label}</text>`);
  });

  it('places the points by their coordinates', () => {
    const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const [a, lt, amp] = circles;
    expect(a[0]).toBeLessThan(amp[0]);
    expect(amp[0]).toBeLessThan(lt[0]);
    expect(amp[1]).toBeLessThan(a[1]); // highest y is drawn topmost
    expect(a[1]).toBeLessThan(lt[1]);
  });
});

describe('niceScale', () => {
  it('covers the data with round ticks', () => {
    expect(niceScale(0, 0.97)).toEqual({ min: 0, max: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceScale(1.7, 3.3).ticks).toEqual([1.5, 2, 2.5, 3, 3.5]);
    expect(niceScale(-13, 87).ticks).toEqual([-20, 0, 20, 40, 60, 80, 100]);
    expect(niceScale(0, 200_000).ticks).toEqual([0, 50_000, 100_000, 150_000, 200_000]);
  });

  it('widens a single value into a visible range', () => {
    expect(niceScale(2, 2).ticks).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(niceScale(0, 0).ticks).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
});

describe('escapeXml', () => {
  it('escapes the five XML special characters and nothing else', () => {
    expect(escapeXml(`a<b>&"c'é`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;é');
  });
});
