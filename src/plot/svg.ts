// Dependency-free SVG charts: a line chart (training loss, activation statistics) and a labelled
// scatter (the character-embedding picture). Both return a standalone <svg> document string.

import { escapeXml } from './xml-escape.ts';
import { niceScale, type NiceScale } from './nice-scale.ts';

export interface Series {
  name: string;
  points: [number, number][];
}

export interface LineChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: Series[];
  width?: number;
  height?: number;
}

export interface LabelledPoint {
  x: number;
  y: number;
  label: string;
}

export interface ScatterChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  points: LabelledPoint[];
  width?: number;
  height?: number;
}

// matplotlib's default cycle, so charts look like the lecture's.
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const MARGIN = { left: 72, right: 24, top: 44, bottom: 56 };
const MARKER_RADIUS = 11;

/** Lines through each series' points, in order; non-finite points break the line. */
export function lineChart(options: LineChartOptions): string {
  const { series, width = 720, height = 420 } = options;
  const frame = makeFrame(series.flatMap((s) => s.points), width, height, 0);
  const paths = series.map((s, i) => {
    let d = '';
    let penDown = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        penDown = false;
        continue;
      }
      d += `${penDown ? 'L' : 'M'}${num(frame.px(x))} ${num(frame.py(y))}`;
      penDown = true;
    }
    return `<path class="series" data-name="${escapeXml(s.name)}" d="${d}" fill="none" stroke="${colour(i)}" stroke-width="1.5"/>`;
  });
  return document(width, height, [
    ...axes(frame, options),
    ...paths,
    ...legend(series.map((s) => s.name), frame),
  ]);
}

/** A filled circle per point with its label centred on it, as the lecture draws embeddings. */
export function scatterChart(options: ScatterChartOptions): string {
  const { points, width = 560, height = 560 } = options;
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const frame = makeFrame(finite.map((p): [number, number] => [p.x, p.y]), width, height, MARKER_RADIUS);
  const marks = finite.flatMap((p) => {
    const x = num(frame.px(p.x));
    const y = num(frame.py(p.y));
    return [
      `<circle cx="${x}" cy="${y}" r="${MARKER_RADIUS}" fill="${COLOURS[0]}"/>`,
      `<text x="${x}" y="${y}" fill="white" font-size="12" text-anchor="middle" dy="0.35em">${escapeXml(p.label)}</text>`,
    ];
  });
  return document(width, height, [...axes(frame, options), ...marks]);
}

interface Frame {
  x: NiceScale;
  y: NiceScale;
  left: number;
  right: number;
  top: number;
  bottom: number;
  px: (x: number) => number;
  py: (y: number) => number;
}

/** Data → pixel mapping over nice ranges; `inset` keeps markers of that radius off the axes. */
function makeFrame(points: [number, number][], width: number, height: number, inset: number): Frame {
  const finite = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  // The nice ranges cover every point, so nothing needs clipping.
  const x = scaleCovering(finite.map(([v]) => v));
  const y = scaleCovering(finite.map(([, v]) => v));
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  return {
    x,
    y,
    left,
    right,
    top,
    bottom,
    px: (v) => left + inset + ((v - x.min) / (x.max - x.min)) * (right - left - 2 * inset),
    py: (v) => bottom - inset - ((v - y.min) / (y.max - y.min)) * (bottom - top - 2 * inset),
  };
}

/** A loop, not Math.min(...values): a raw loss curve has more points than a call has arguments. */
function scaleCovering(values: number[]): NiceScale {
  if (values.length === 0) return niceScale(0, 1); // no data still gets an (empty) frame
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return niceScale(lo, hi);
}

function axes(frame: Frame, labels: { title: string; xLabel?: string; yLabel?: string }): string[] {
  const { left, right, top, bottom } = frame;
  const out: string[] = [];
  for (const t of frame.x.ticks) {
    const x = num(frame.px(t));
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${x}" y="${bottom + 18}" font-size="12" text-anchor="middle">${escapeXml(String(t))}</text>`);
  }
  for (const t of frame.y.ticks) {
    const y = num(frame.py(t));
    out.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y}" font-size="12" text-anchor="end" dy="0.35em">${escapeXml(String(t))}</text>`);
  }
  // The border after the grid, so the outermost grid lines do not paint over it.
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>`);
  const midX = num((left + right) / 2);
  const midY = num((top + bottom) / 2);
  out.push(`<text x="${midX}" y="${top - 16}" font-size="16" text-anchor="middle">${escapeXml(labels.title)}</text>`);
  if (labels.xLabel) out.push(`<text x="${midX}" y="${bottom + 42}" font-size="13" text-anchor="middle">${escapeXml(labels.xLabel)}</text>`);
  if (labels.yLabel) {
    out.push(`<text transform="translate(18 ${midY}) rotate(-90)" font-size="13" text-anchor="middle">${escapeXml(labels.yLabel)}</text>`);
  }
  return out;
}

/** Top-right of the plot area, one swatch and name per series. */
function legend(names: string[], frame: Frame): string[] {
  if (names.length === 0) return [];
  const rowHeight = 18;
  const boxWidth = 36 + 7 * Math.max(...names.map((n) => n.length));
  const x = frame.right - boxWidth - 8;
  const y = frame.top + 8;
  const out = [`<rect x="${x}" y="${y}" width="${boxWidth}" height="${names.length * rowHeight + 8}" fill="white" fill-opacity="0.85" stroke="#bbb"/>`];
  names.forEach((name, i) => {
    const rowY = y + 4 + rowHeight * i + rowHeight / 2;
    out.push(`<line x1="${x + 6}" y1="${rowY}" x2="${x + 26}" y2="${rowY}" stroke="${colour(i)}" stroke-width="2"/>`);
    out.push(`<text x="${x + 32}" y="${rowY}" font-size="12" dy="0.35em">${escapeXml(name)}</text>`);
  });
  return out;
}

function document(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function colour(i: number): string {
  return COLOURS[i % COLOURS.length];
}

/** Two decimals are sub-pixel; more only bloats the file. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}
