// Backend selection (src/backend.ts): option over MAKEMORE_BACKEND over 'auto', and what auto reports.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTO_ORDER, availableModes, BACKEND_ENV, BACKEND_MODES, describeBackend, parseBackendMode, probeMode, selectBackend, unavailableModes } from '../src/backend.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('backend modes', () => {
  it('lists the modes whose probe kernel runs here; cpu always does', () => {
    const available = availableModes();
    console.log(`available gpu.js modes: ${available.join(', ')}; unavailable: ${unavailableModes().map((u) => `${u.mode} (${u.reason})`).join('; ') || 'none'}`);
    expect(available).toContain('cpu');
    for (const mode of available) expect(probeMode(mode).ok).toBe(true);
    for (const { mode, reason } of unavailableModes()) {
      expect(available).not.toContain(mode);
      expect(reason.length).toBeGreaterThan(0);
    }
  });

  it('parses every known mode and names the allowed values for an unknown one', () => {
    for (const mode of BACKEND_MODES) expect(parseBackendMode(mode)).toBe(mode);
    expect(() => parseBackendMode('webgl9')).toThrow(/unknown backend "webgl9": expected one of auto, wasm, cpu, webasm, headlessgl, webgl2, gpu/);
  });
});

describe('selectBackend', () => {
  it('defaults to auto, taking the first working of AUTO_ORDER (wasm first) and saying why', () => {
    vi.stubEnv(BACKEND_ENV, '');
    const choice = selectBackend();
    console.log(describeBackend(choice));
    expect(choice).toMatchObject({ source: 'default', requested: 'auto' });
    const first = AUTO_ORDER.find((m) => probeMode(m).ok);
    expect(choice.mode).toBe(first);
    for (const skipped of AUTO_ORDER.slice(0, AUTO_ORDER.indexOf(choice.mode))) {
      expect(choice.reason).toContain(`${skipped} unavailable: `);
    }
    expect(describeBackend(choice)).toMatch(new RegExp(`^backend ${choice.mode} \\(auto: `));
  });

  it('reads MAKEMORE_BACKEND', () => {
    vi.stubEnv(BACKEND_ENV, 'cpu');
    const choice = selectBackend();
    expect(choice).toMatchObject({ mode: 'cpu', runsOn: 'cpu', source: 'env', requested: 'cpu' });
    expect(describeBackend(choice)).toBe('backend cpu (MAKEMORE_BACKEND=cpu: requested)');
  });

  it('prefers the option to MAKEMORE_BACKEND', () => {
    vi.stubEnv(BACKEND_ENV, 'no-such-backend');
    expect(selectBackend('cpu')).toMatchObject({ mode: 'cpu', source: 'option', requested: 'cpu' });
  });

  it('rejects an unknown mode from the environment, naming the variable and the allowed values', () => {
    vi.stubEnv(BACKEND_ENV, 'tpu');
    expect(() => selectBackend()).toThrow(/MAKEMORE_BACKEND: unknown backend "tpu": expected one of auto, wasm, cpu, webasm, headlessgl, webgl2, gpu/);
  });

  it('rejects an unknown option', () => {
    expect(() => selectBackend('GPU')).toThrow(/backend option: unknown backend "GPU"/);
  });

  it('reports what mode gpu ran on', () => {
    if (!probeMode('gpu').ok) return void console.log(`mode gpu unavailable here: ${JSON.stringify(probeMode('gpu'))}`);
    const choice = selectBackend('gpu');
    expect(choice.mode).toBe('gpu');
    expect(['headlessgl', 'webgl2', 'webgl', 'webasm']).toContain(choice.runsOn);
    expect(describeBackend(choice)).toContain(`gpu → ${choice.runsOn}`);
  });

  it('refuses an explicit mode that does not work here, saying why', () => {
    const missing = unavailableModes();
    if (missing.length === 0) return void console.log('every gpu.js mode works here: nothing to refuse');
    const { mode, reason } = missing[0];
    expect(() => selectBackend(mode)).toThrow(`backend "${mode}" (from option) is unavailable: ${reason}`);
  });
});
