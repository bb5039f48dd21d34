// Cached generation for WaveNet (Fast WaveNet, Paine et al. 2016): layer i keeps a queue of its last
// 2^(i mod L) inputs on the residual path, so a character costs one node per layer; the skip sum and
// the output layers are per position anyway. Queues start full of each layer's all-'.' input — the
// value every position before the word has (kernels/layout.ts) — as the conv pass sees it.

import type { PythonRandom } from '../rng.ts';
import { BN_EPS } from '../layers/batchnorm1d.ts';
import { LN_EPS } from '../models/conv-layers/layernorm.ts';
import type { ParamSet } from '../params.ts';
import { dilation, layerCount, type WaveNetConfig } from '../wavenet-params.ts';
import { sampleNext, type SamplingOptions } from './sampling.ts';

/** Samples words from a WaveNet one character at a time, one node per layer; the naive sampler's words for the same seed. */
export class WaveNetCachedGenerator {
  /** dotInputs[i]: layer i's input over an all-'.' receptive field. */
  private readonly dotInputs: Float32Array[] = [];

  constructor(
    private readonly params: ParamSet,
    private readonly cfg: WaveNetConfig,
  ) {
    let x = this.input(0);
    for (let i = 0; i < layerCount(cfg); i++) {
      this.dotInputs.push(x);
      x = this.layer(i, x, x).x ?? x;
    }
  }

  /** One word's character indices (without the final '.'), at most `maxLength` of them. */
  generate(rng: PythonRandom, opts: SamplingOptions, maxLength: number): number[] {
    // queues[i] holds layer i's inputs at times t − d … t − 1, oldest first
    const queues = this.dotInputs.map((dot, i) => new Array<Float32Array>(dilation(this.cfg, i)).fill(dot));
    const out: number[] = [];
    let char = 0;
    while (out.length < maxLength) {
      let x = this.input(char);
      const skip = new Float32Array(this.cfg.skipChannels);
      queues.forEach((queue, i) => {
        const past = queue.shift()!;
        queue.push(x);
        const node = this.layer(i, past, x);
        node.skip.forEach((v, o) => (skip[o] += v));
        if (node.x) x = node.x;
      });
      const next = sampleNext(this.output(skip), rng, opts);
      if (next === 0) break;
      out.push(next);
      char = next;
    }
    return out;
  }

  private tensor(name: string): Float32Array {
    return this.params.get(name).data;
  }

  // x (Cin) → x·W + b (Cout) for the 1×1 conv `prefix`
  private conv1x1(prefix: string, x: Float32Array): Float32Array {
    const w = this.tensor(`${prefix}.weight`);
    const y = this.tensor(`${prefix}.bias`).slice();
    for (let c = 0; c < x.length; c++) for (let o = 0; o < y.length; o++) y[o] += x[c] * w[c * y.length + o];
    return y;
  }

  // char → the residual stream's first value (C)
  private input(char: number): Float32Array {
    const E = this.cfg.nEmbd;
    return this.conv1x1('input', this.tensor('embedding.weight').slice(char * E, (char + 1) * E));
  }

  // past, now (C) → the layer's residual output (C; null for the last layer) and skip output (S)
  private layer(i: number, past: Float32Array, now: Float32Array): { x: Float32Array | null; skip: Float32Array } {
    const C = this.cfg.channels;
    const prefix = `layer.${i}`;
    const w = this.tensor(`${prefix}.dilated.weight`);
    const h = this.cfg.norm === 'none' ? this.tensor(`${prefix}.dilated.bias`).slice() : new Float32Array(2 * C);
    [past, now].forEach((x, tap) => {
      for (let c = 0; c < C; c++) for (let o = 0; o < 2 * C; o++) h[o] += x[c] * w[(tap * C + c) * 2 * C + o];
    });
    if (this.cfg.norm === 'batchnorm') {
      const bn = (s: string) => this.tensor(`${prefix}.bn.${s}`);
      const [gamma, beta, mean, variance] = [bn('weight'), bn('bias'), bn('running_mean'), bn('running_var')];
      for (let o = 0; o < 2 * C; o++) h[o] = (gamma[o] * (h[o] - mean[o])) / Math.sqrt(variance[o] + BN_EPS) + beta[o];
    }
    if (this.cfg.norm === 'layernorm') {
      const [gamma, beta] = [this.tensor(`${prefix}.ln.weight`), this.tensor(`${prefix}.ln.bias`)];
      const mean = h.reduce((a, v) => a + v, 0) / (2 * C);
      const variance = h.reduce((a, v) => a + (v - mean) ** 2, 0) / (2 * C);
      for (let o = 0; o < 2 * C; o++) h[o] = ((h[o] - mean) / Math.sqrt(variance + LN_EPS)) * gamma[o] + beta[o];
    }
    const z = new Float32Array(C);
    for (let c = 0; c < C; c++) z[c] = Math.tanh(h[c]) / (1 + Math.exp(-h[C + c]));
    const residual = i < layerCount(this.cfg) - 1 ? this.conv1x1(`${prefix}.residual`, z).map((v, c) => v + now[c]) : null;
    return { x: residual, skip: this.conv1x1(`${prefix}.skip`, z) };
  }

  // skip sum (S) → ReLU → 1×1 → ReLU → head → logits (V)
  private output(skip: Float32Array): Float32Array {
    const relu = (a: Float32Array) => a.map((v) => Math.max(v, 0));
    return this.conv1x1('head', relu(this.conv1x1('out', relu(skip))));
  }
}
