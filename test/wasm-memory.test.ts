// The wasm backend's memory (src/engine/wasm-memory.ts): run-long arrays survive the memory growing,
// a pass that outgrows its region keeps its earlier results until the next pass, arrays from
// elsewhere are copied in, and everything is where the kernels expect it (16-byte aligned).

import { describe, expect, it } from 'vitest';
import { WasmMemory } from '../src/engine/wasm-memory.ts';

describe('WasmMemory', () => {
  it('keeps run-long arrays readable and addressable across growth', () => {
    const mem = new WasmMemory();
    const a = mem.allocate(1000);
    a.forEach((_, i, arr) => (arr[i] = i));
    const before = mem.memory.buffer.byteLength;
    const big = mem.allocate(64 << 20); // 256 MiB: the memory must grow
    expect(mem.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(a[999]).toBe(999);
    expect(mem.addressOf(a)).toBe(a.byteOffset);
    expect(mem.addressOf(big)).toBe(big.byteOffset);
    expect(big.every((v) => v === 0)).toBe(true);
    expect(a.byteOffset % 16).toBe(0);
    expect(big.byteOffset % 16).toBe(0);
    expect(big.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.byteLength + 16);
  });

  it('copies an array that lives elsewhere into the current pass, and uses one that lives here in place', () => {
    const mem = new WasmMemory();
    mem.beginPass();
    const host = Int32Array.from([5, 6, 7]);
    const at = mem.place(host);
    expect(Array.from(mem.i32(at, 3))).toEqual([5, 6, 7]);
    expect(mem.addressOf(host)).toBe(-1);
    const here = mem.allocate(4);
    expect(mem.place(here)).toBe(here.byteOffset);
  });

  it('keeps a pass’s earlier results when it outgrows its region, and reuses one big enough afterwards', () => {
    const mem = new WasmMemory();
    mem.beginPass();
    const first = mem.f32(mem.passBytes(1 << 20), 1 << 18);
    first.fill(3);
    const second = mem.f32(mem.passBytes(8 << 20), 2 << 20); // past the first region
    second.fill(4);
    expect(first.every((v) => v === 3)).toBe(true);
    const ends = (x: Float32Array) => x.byteOffset + x.byteLength;
    expect(second.byteOffset >= ends(first) || ends(second) <= first.byteOffset).toBe(true);
    mem.beginPass();
    const a = mem.passBytes(1 << 20);
    const b = mem.passBytes(8 << 20);
    mem.beginPass();
    // the same pass again lands at the same addresses: no region is allocated per pass
    expect(mem.passBytes(1 << 20)).toBe(a);
    expect(mem.passBytes(8 << 20)).toBe(b);
  });

  it('grows the pass region on top of everything where it is: an outgrown pass leaves no region behind', () => {
    const mem = new WasmMemory();
    mem.allocate(1000); // run-long arrays first, as a model's parameters
    mem.beginPass();
    const first = mem.f32(mem.passBytes(3 << 20), 3 << 18).fill(1);
    const before = mem.memory.buffer.byteLength;
    // a pass 10× the region it started in (an evaluation batch after training ones): contiguous
    const parts = Array.from({ length: 10 }, (_, i) => mem.f32(mem.passBytes(3 << 20), 3 << 18).fill(i + 2));
    parts.forEach((part, i) => expect(part.byteOffset).toBe((i === 0 ? first : parts[i - 1]).byteOffset + (3 << 20) + 16));
    expect(first.every((v) => v === 1) && parts.every((part, i) => part.every((v) => v === i + 2))).toBe(true);
    const grown = mem.memory.buffer.byteLength - before;
    expect(grown).toBeGreaterThanOrEqual(30 << 20);
    expect(grown).toBeLessThan(1.5 * (33 << 20)); // not the doubling regions of before (4 + 8 + 16 + 32 MiB…)
    // and it fits from now on
    mem.beginPass();
    expect(mem.passBytes(33 << 20)).toBe(first.byteOffset);
    expect(mem.memory.buffer.byteLength - before).toBe(grown);
  });

  // V8 hands out a new buffer object for a shared memory after another memory grows: two backends
  // in one process (the bench's configurations, taking turns) once lost their arrays' addresses
  it('knows the arrays it makes while another memory grows in between', () => {
    const a = new WasmMemory();
    const b = new WasmMemory();
    for (let round = 0; round < 3; round++) {
      for (const mem of [a, b]) {
        mem.beginPass();
        const x = mem.f32(mem.passBytes(4 << 20), 1 << 20); // past the first region: the memory grows
        const y = mem.allocate(1 << 20);
        expect([mem.addressOf(x), mem.addressOf(y)]).toEqual([x.byteOffset, y.byteOffset]);
        expect(mem.place(x)).toBe(x.byteOffset);
      }
    }
  });

  it('refuses a pass past 1 GiB (a caller that never begins a new one), naming the fix, before taking the memory', () => {
    const mem = new WasmMemory();
    mem.beginPass();
    mem.passBytes(1 << 20);
    expect(() => mem.passBytes(1 << 30)).toThrow(/call ops.beginPass\(\) between passes/);
    expect(mem.memory.buffer.byteLength).toBeLessThan(64 << 20);
  });
});
