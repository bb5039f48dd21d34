// Seeded random model specs for the property tests (spec-properties.test.ts): small stacks of every
// layer type, valid by construction (widths chain, gates get even widths, every skip's body ends at
// its group's width, every skip group is closed by a skipSum), and random parameters away from
// their initial values. `randomSpec(seed, vocabSize)` always gives the same spec: a failure names its seed.

import { PythonRandom } from '../src/rng.ts';
import type { ParamSet } from '../src/params.ts';
import type { LayerSpec, ModelSpec } from '../src/spec/types.ts';

/** How far back (Σ (K − 1)·d over a spec's convs) a random spec may reach: keeps receptive fields ≤ 31. */
const REACH_BUDGET = 30;
/** Bodies nest at most this deep (a residual in a skip in a residual). */
const MAX_DEPTH = 3;
const DILATIONS = [1, 2, 3, 5];

/**
 * A random stack over widths 2–8: convs (K 1–4, dilations 1, 2, 3, 5, bias and weight norm on or
 * off), norms, activations, gates, dropout, residuals, skips; with `parallel`, parallel branches too.
 */
export function randomSpec(seed: number, vocabSize: number, parallel = false): ModelSpec {
  const g = new SpecGenerator(new PythonRandom(seed), parallel);
  const embedding = g.width();
  const { layers } = g.stack(embedding, 0, 2 + g.rng.randbelow(4));
  if (g.pendingSkips !== null) layers.push({ type: 'skipSum' });
  return { vocabSize, embedding, layers };
}

class SpecGenerator {
  /** Width of the skips since the last skipSum; null: none (resolve.ts's skipWidths, in spec order). */
  pendingSkips: number | null = null;
  private reach = REACH_BUDGET;

  constructor(
    readonly rng: PythonRandom,
    private readonly parallel: boolean,
  ) {}

  width(): number {
    return 2 + this.rng.randbelow(7);
  }

  private chance(p: number): boolean {
    return this.rng.random() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.rng.randbelow(items.length)];
  }

  /** `count` blocks on input width `cIn`. */
  stack(cIn: number, depth: number, count: number): { layers: LayerSpec[]; width: number } {
    const layers: LayerSpec[] = [];
    let width = cIn;
    for (let i = 0; i < count; i++) width = this.block(width, depth, layers);
    return { layers, width };
  }

  // one or a few layers appended to `out`; returns the new width
  private block(width: number, depth: number, out: LayerSpec[]): number {
    const nested = depth < MAX_DEPTH;
    const choices = ['conv', 'conv', 'mix', 'gated', 'convBnTanh', 'norm', 'activation', 'dropout', ...(nested ? ['residual', 'residual', 'skip', 'skip'] : [])];
    if (this.pendingSkips !== null) choices.push('skipSum', 'skipSum');
    else if (this.parallel && nested) choices.push('parallel', 'parallel');
    switch (this.pick(choices)) {
      case 'conv': {
        const w = this.width();
        out.push(this.conv(w));
        return w;
      }
      case 'mix': {
        const w = this.width();
        out.push({ type: 'mix', out: w });
        return w;
      }
      case 'gated': {
        // WaveNet's gated unit: a conv to an even width, halved by the gate
        const half = 2 + this.rng.randbelow(3);
        out.push(this.conv(2 * half), { type: 'gate' });
        return half;
      }
      case 'convBnTanh': {
        // the lecture's layer, which the engine fuses (models/build.ts)
        const h = this.width();
        out.push({ ...this.conv(h), bias: false, weightNorm: false }, { type: 'batchnorm' }, { type: 'tanh' });
        return h;
      }
      case 'norm':
        // LayerNorm over 2 channels is ±1 but where they nearly meet, and there it magnifies rounding by up to 1/√ε
        out.push({ type: width > 2 ? this.pick(['batchnorm', 'layernorm']) : 'batchnorm' });
        return width;
      case 'activation':
        out.push({ type: this.pick(['tanh', 'relu']) });
        return width;
      case 'dropout':
        out.push({ type: 'dropout', p: this.pick([0, 0.2, 0.5]) });
        return width;
      case 'residual': {
        const body = this.stack(width, depth + 1, 1 + this.rng.randbelow(3));
        // as often as not the body ends at the input's width (no shortcut conv)
        if (body.width === width || this.chance(0.5)) {
          out.push({ type: 'residual', body: body.layers });
          return body.width;
        }
        out.push({ type: 'residual', body: [...body.layers, this.conv(width)] });
        return width;
      }
      case 'skip': {
        const body = this.stack(width, depth + 1, this.rng.randbelow(3));
        const group = this.pendingSkips ?? this.width();
        if (body.layers.length === 0 || body.width !== group) body.layers.push(this.conv(group));
        this.pendingSkips = group;
        out.push({ type: 'skip', body: body.layers });
        return width;
      }
      case 'parallel': {
        // two or three branches, reading slices of x or all of it; each sums its own skips
        const n = 2 + this.rng.randbelow(2);
        const inputs = width >= n && this.chance(0.5) ? this.slices(width, n) : null;
        let cOut = 0;
        const branches = Array.from({ length: n }, (_, i) => {
          const branch = this.stack(inputs ? inputs[i] : width, depth + 1, 1 + this.rng.randbelow(2));
          if (this.pendingSkips !== null) {
            branch.layers.push({ type: 'skipSum' });
            branch.width = this.pendingSkips;
            this.pendingSkips = null;
          }
          cOut += branch.width;
          return branch.layers;
        });
        out.push({ type: 'parallel', branches, ...(inputs ? { inputs } : {}) });
        return cOut;
      }
      default: {
        // skipSum
        const sum = this.pendingSkips!;
        this.pendingSkips = null;
        out.push({ type: 'skipSum' });
        return sum;
      }
    }
  }

  // `width` cut into n positive parts at random
  private slices(width: number, n: number): number[] {
    const parts = new Array<number>(n).fill(1);
    for (let left = width - n; left > 0; left--) parts[this.rng.randbelow(n)]++;
    return parts;
  }

  // a conv to `cOut` channels; only the fields away from their defaults are written
  private conv(cOut: number): LayerSpec {
    let kernel = 1 + this.rng.randbelow(4);
    const dilation = this.pick(DILATIONS);
    if ((kernel - 1) * dilation > this.reach) kernel = 1;
    this.reach -= (kernel - 1) * dilation;
    const layer: LayerSpec = { type: 'conv', out: cOut };
    if (kernel > 1) Object.assign(layer, { kernel, dilation });
    if (this.chance(0.3)) layer.bias = false;
    if (this.chance(0.3)) layer.weightNorm = true;
    return layer;
  }
}

/** Every tensor moved away from its initial value: weights and biases by N(0, 0.3²), running means N(0, 0.5²), running variances in [0.5, 1.5). */
export function perturb(params: ParamSet, seed: number): void {
  const rng = new PythonRandom(seed);
  for (const [name, t] of params.tensors) {
    if (name.endsWith('running_var')) t.data.forEach((_, i, a) => (a[i] = 0.5 + rng.random()));
    else if (name.endsWith('running_mean')) t.data.forEach((_, i, a) => (a[i] = rng.gauss(0, 0.5)));
    else t.data.forEach((v, i, a) => (a[i] = v + rng.gauss(0, 0.3)));
  }
}

/** A one-line summary of a stack, e.g. `conv6 k3 d2 → residual(layernorm → relu) → skip(conv4) → skipSum`. */
export function summarize(layers: readonly LayerSpec[]): string {
  return layers
    .map((l) => {
      if (l.type === 'conv') return `conv${l.out}${l.kernel ? ` k${l.kernel} d${l.dilation}` : ''}${l.bias === false ? ' nb' : ''}${l.weightNorm ? ' wn' : ''}`;
      if (l.type === 'dropout') return `dropout ${l.p}`;
      if (Array.isArray(l.body)) return `${l.type}(${summarize(l.body as LayerSpec[])})`;
      if (Array.isArray(l.branches)) return `parallel${l.inputs ? ` [${l.inputs}]` : ''}(${(l.branches as LayerSpec[][]).map(summarize).join(' | ')})`;
      return l.type;
    })
    .join(' → ');
}
