import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../src/io/safetensors.ts';
import { InputError } from '../src/errors.ts';
import { PythonRandom } from '../src/rng.ts';
import { randn, tensor, type Tensor } from '../src/tensor.ts';
import { buildSafetensors, f32Bytes, f64Bytes, rawFile, u16Bytes } from './safetensors-bytes.ts';

const FILE = 'models/bad.safetensors';

function bitsOf(t: Tensor): number[] {
  return Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

describe('safetensors round trip', () => {
  it('returns every tensor bit for bit, with its shape and the metadata', () => {
    const rng = new PythonRandom(42);
    const special = tensor([5], [NaN, -0, Infinity, -Infinity, 1e-42]); // 1e-42 is a float32 subnormal
    const tensors = new Map<string, Tensor>([
      ['z.last', randn([3, 4, 2], rng)],
      ['embedding.weight', randn([27, 10], rng)],
      ['empty', tensor([0, 3])],
      ['scalar', tensor([], [2.5])],
      ['spécial ✓', special],
    ]);
    const metadata = { vocab: '.abcé😀', config: JSON.stringify({ nEmbd: 10 }) };
    const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata), FILE);
    expect(decoded.metadata).toEqual(metadata);
    expect(new Set(decoded.tensors.keys())).toEqual(new Set(tensors.keys()));
    for (const [name, t] of tensors) {
      const got = decoded.tensors.get(name)!;
      expect(got.shape, name).toEqual(t.shape);
      expect(got.data, name).toBeInstanceOf(Float32Array);
      expect(bitsOf(got), name).toEqual(bitsOf(t));
    }
  });

  it('writes exactly the bytes the reference writer does (names sorted, header space-padded to 8)', () => {
    const tensors = new Map([
      ['b', tensor([2], [1, -2])],
      ['a', tensor([1, 1], [3])],
    ]);
    const expected = buildSafetensors(
      [
        { name: 'a', dtype: 'F32', shape: [1, 1], bytes: f32Bytes([3]) },
        { name: 'b', dtype: 'F32', shape: [2], bytes: f32Bytes([1, -2]) },
      ],
      { vocab: '.ab' },
    );
    const encoded = encodeSafetensors(tensors, { vocab: '.ab' });
    expect(Array.from(encoded)).toEqual(Array.from(expected));
    expect(Number(new DataView(encoded.buffer).getBigUint64(0, true)) % 8).toBe(0);
  });

  it('omits __metadata__ when there is none', () => {
    const encoded = encodeSafetensors(new Map([['a', tensor([1], [1])]]), {});
    const headerLength = Number(new DataView(encoded.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(encoded.subarray(8, 8 + headerLength));
    expect(header).not.toContain('__metadata__');
    expect(decodeSafetensors(encoded, FILE).metadata).toEqual({});
  });

  it('refuses a tensor whose data does not fill its shape', () => {
    const broken = { shape: [2, 2], data: new Float32Array(3) };
    expect(() => encodeSafetensors(new Map([['w', broken]]), {})).toThrow(/w: shape \[2,2\] needs 4 values, has 3/);
  });
});

describe('decoding a file written by PyTorch', () => {
  // As `safetensors.torch.save_file` lays it out: wider dtypes first, then by name.
  const file = buildSafetensors(
    [
      { name: 'emb', dtype: 'F64', shape: [2, 3], bytes: f64Bytes([1.5, -2.25, Math.PI, 1e-3, 0, -7]) },
      { name: 'bias', dtype: 'F32', shape: [2], bytes: f32Bytes([0.5, -1]) },
      { name: 'scalar', dtype: 'F32', shape: [], bytes: f32Bytes([42]) },
      { name: 'bf', dtype: 'BF16', shape: [3], bytes: u16Bytes([0x3f80, 0xc0a0, 0x4049]) },
      { name: 'half', dtype: 'F16', shape: [6], bytes: u16Bytes([0x3c00, 0xc000, 0x3555, 0x7c00, 0x0001, 0x7e00]) },
    ],
    { format: 'pt', vocab: '.abc' },
  );

  it('reads the metadata and every dtype into float32', () => {
    const { tensors, metadata } = decodeSafetensors(file, FILE);
    expect(metadata).toEqual({ format: 'pt', vocab: '.abc' });
    expect([...tensors.keys()]).toEqual(['emb', 'bias', 'scalar', 'bf', 'half']);
    expect(tensors.get('emb')!.shape).toEqual([2, 3]);
    expect(Array.from(tensors.get('emb')!.data)).toEqual([1.5, -2.25, Math.fround(Math.PI), Math.fround(1e-3), 0, -7]);
    expect(Array.from(tensors.get('bias')!.data)).toEqual([0.5, -1]);
    expect(tensors.get('scalar')).toEqual({ shape: [], data: Float32Array.from([42]) });
    expect(Array.from(tensors.get('bf')!.data)).toEqual([1, -5, 3.140625]);
    // 0x3555 = 0.333251953125; 0x0001 is the smallest subnormal 2^-24; 0x7e00 is a NaN.
    expect(Array.from(tensors.get('half')!.data)).toEqual([1, -2, 0.333251953125, Infinity, 2 ** -24, NaN]);
  });

  it('reads a byte view that does not start at its buffer start (a pooled Node Buffer)', () => {
    const pool = new Uint8Array(file.length + 13).fill(0xee);
    pool.set(file, 5);
    const { tensors } = decodeSafetensors(pool.subarray(5, 5 + file.length), FILE);
    expect(Array.from(tensors.get('bias')!.data)).toEqual([0.5, -1]);
  });
});

describe('malformed safetensors input', () => {
  const one = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  const eightBytes = f32Bytes([1, 2]);
  const header = (h: unknown) => JSON.stringify(h);
  const valid = buildSafetensors([{ name: 'w', dtype: 'F32', shape: [2], bytes: eightBytes }]);

  const cases: [string, Uint8Array, RegExp][] = [
    ['a file shorter than 8 bytes', new Uint8Array(5), /5 bytes is too short/],
    ['a header length beyond the file', rawFile(header({ w: one }), eightBytes, 1000n), /header length 1000 exceeds/],
    ['a header length past 2^53', rawFile('{}', new Uint8Array(0), 2n ** 63n), /header length 9223372036854775808 exceeds/],
    ['a truncated file', valid.subarray(0, valid.length - 3), /reach past the 5-byte data buffer \(file truncated\?\)/],
    ['a header that is not JSON', rawFile('{"w": {dtype', eightBytes), /header is not valid JSON/],
    ['a header that is not UTF-8', rawFile(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), new Uint8Array(0)), /header is not valid UTF-8/],
    ['a header that is a JSON array', rawFile('[1, 2]', new Uint8Array(0)), /header is not a JSON object/],
    ['an entry that is not an object', rawFile(header({ w: 5 }), new Uint8Array(0)), /tensor "w": entry is not an object/],
    ['a missing dtype', rawFile(header({ w: { shape: [2], data_offsets: [0, 8] } }), eightBytes), /tensor "w": missing dtype/],
    ['a missing shape', rawFile(header({ w: { dtype: 'F32', data_offsets: [0, 8] } }), eightBytes), /tensor "w": missing shape/],
    ['missing offsets', rawFile(header({ w: { dtype: 'F32', shape: [2] } }), eightBytes), /tensor "w": missing data_offsets/],
    ['an unsupported dtype', rawFile(header({ w: { ...one, dtype: 'I64', data_offsets: [0, 16] } }), f64Bytes([1, 2])), /unsupported dtype I64/],
    ['a negative dimension', rawFile(header({ w: { ...one, shape: [-2] } }), eightBytes), /shape \[-2\] is not a list of non-negative integers/],
    ['offsets that are not a pair', rawFile(header({ w: { ...one, data_offsets: [0] } }), eightBytes), /data_offsets \[0\] is not a pair/],
    ['offsets past the data', rawFile(header({ w: { ...one, data_offsets: [0, 400] } }), eightBytes), /data_offsets \[0, 400\] reach past the 8-byte data buffer/],
    ['offsets that end before they begin', rawFile(header({ w: { ...one, data_offsets: [8, 0] } }), eightBytes), /end before they begin/],
    ['offsets not matching shape × dtype', rawFile(header({ w: { ...one, shape: [3] } }), eightBytes), /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] span 8/],
    [
      'overlapping tensors',
      rawFile(header({ a: one, b: { ...one, data_offsets: [4, 12] } }), f32Bytes([1, 2, 3])),
      /tensors "a" and "b" overlap/,
    ],
    [
      'a gap between tensors',
      rawFile(header({ a: { ...one, shape: [1], data_offsets: [0, 4] }, b: { ...one, shape: [1], data_offsets: [8, 12] } }), f32Bytes([1, 2, 3])),
      /data bytes \[4, 8\) belong to no tensor/,
    ],
    ['trailing garbage', rawFile(header({ w: one }), f32Bytes([1, 2, 99])), /4 trailing bytes after the last tensor/],
    ['a metadata value that is not a string', rawFile(header({ __metadata__: { n: 3 } }), new Uint8Array(0)), /__metadata__\.n is not a string/],
    ['metadata that is not an object', rawFile(header({ __metadata__: 'x' }), new Uint8Array(0)), /__metadata__ is not an object/],
  ];

  it.each(cases)('%s is an InputError naming the file and the problem', (_, bytes, problem) => {
    let caught: unknown;
    try {
      decodeSafetensors(bytes, FILE);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    const err = caught as InputError;
    expect(err.file).toBe(FILE);
    expect(err.message.startsWith(`${FILE}: not a valid safetensors file: `)).toBe(true);
    expect(err.message).toMatch(problem);
  });

  it('accepts the well-formed file the corrupt cases start from', () => {
    expect(Array.from(decodeSafetensors(valid, FILE).tensors.get('w')!.data)).toEqual([1, 2]);
    expect(decodeSafetensors(rawFile(header({ w: one }), eightBytes), FILE).tensors.get('w')!.shape).toEqual([2]);
  });
});
