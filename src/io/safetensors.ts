// The safetensors format (https://github.com/huggingface/safetensors) on bytes, no fs, so a
// browser can use it too: an 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON
// `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { key: string } }`,
// then the little-endian data buffer the offsets index into.

import { InputError } from '../errors.ts';
import { numel, type Tensor } from '../tensor.ts';
import { notSafetensorsKind } from './file-kind.ts';

export interface Safetensors {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

const METADATA_KEY = '__metadata__';

/** Bytes per element of the dtypes we read; all are converted to float32. */
const DTYPE_BYTES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

/** float32 tensors as the reference writer lays them out: sorted by name, header space-padded to 8 bytes. */
export function encodeSafetensors(tensors: Map<string, Tensor>, metadata: Record<string, string>): Uint8Array {
  // The reference sorts by dtype alignment, then name; with one dtype that is name order.
  const names = [...tensors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) throw new Error(`a tensor cannot be named ${METADATA_KEY}`);
    const t = tensors.get(name)!;
    if (t.data.length !== numel(t.shape)) throw new Error(`tensor ${name}: shape [${t.shape}] needs ${numel(t.shape)} values, has ${t.data.length}`);
    const size = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8; // keeps the data 8-byte aligned
  const bytes = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLength);

  let at = 8 + headerLength;
  for (const name of names) {
    for (const v of tensors.get(name)!.data) {
      view.setFloat32(at, v, true);
      at += 4;
    }
  }
  return bytes;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Reads F32, F64, F16 and BF16 tensors into float32; `file` names the source in every InputError. */
export function decodeSafetensors(bytes: Uint8Array, file: string): Safetensors {
  const kind = notSafetensorsKind(bytes);
  if (kind !== undefined) throw new InputError(file, `is ${kind}, not a safetensors checkpoint`);
  const fail = (problem: string): never => {
    throw new InputError(file, `not a valid safetensors file: ${problem}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short to hold the 8-byte header length`);
  // A Node Buffer may be a view into a larger pool: respect its offset.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) fail(`header length ${declared} exceeds the ${bytes.length - 8} bytes after the length field`);
  const headerLength = Number(declared);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  const header = parseHeader(bytes.subarray(8, dataStart), fail);
  const metadata = readMetadata(header[METADATA_KEY], fail);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, raw]) => readEntry(name, raw, dataLength, fail));
  checkLayout(entries, dataLength, fail);

  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    tensors.set(e.name, { shape: e.shape, data: readFloats(view, dataStart + e.begin, numel(e.shape), e.dtype) });
  }
  return { tensors, metadata };
}

function parseHeader(raw: Uint8Array, fail: (problem: string) => never): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) return fail('header is not a JSON object');
  return header;
}

function readMetadata(raw: unknown, fail: (problem: string) => never): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) return fail(`${METADATA_KEY} is not an object`);
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') fail(`${METADATA_KEY}.${key} is not a string`);
    metadata[key] = value as string;
  }
  return metadata;
}

function readEntry(name: string, raw: unknown, dataLength: number, fail: (problem: string) => never): Entry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(raw)) return fail(`${where}: entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (dtype === undefined) fail(`${where}: missing dtype`);
  if (typeof dtype !== 'string') return fail(`${where}: dtype is not a string`);
  if (!(dtype in DTYPE_BYTES)) fail(`${where}: unsupported dtype ${dtype} (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  if (shape === undefined) fail(`${where}: missing shape`);
  if (!Array.isArray(shape) || !shape.every(isCount)) return fail(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  if (offsets === undefined) fail(`${where}: missing data_offsets`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    return fail(`${where}: data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) fail(`${where}: data_offsets [${begin}, ${end}] reach past the ${dataLength}-byte data buffer (file truncated?)`);
  const needed = numel(shape) * DTYPE_BYTES[dtype];
  if (end - begin !== needed) fail(`${where}: shape [${shape}] of ${dtype} needs ${needed} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
  return { name, dtype, shape: [...shape], begin, end };
}

/** As the reference reader requires: tensors tile the data buffer exactly, no overlap, gap or tail. */
function checkLayout(entries: Entry[], dataLength: number, fail: (problem: string) => never): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < covered) fail(`tensors ${JSON.stringify(previous!.name)} and ${JSON.stringify(e.name)} overlap in the data buffer`);
    if (e.begin > covered) fail(`data bytes [${covered}, ${e.begin}) belong to no tensor`);
    covered = e.end;
    previous = e;
  }
  if (covered < dataLength) fail(`${dataLength - covered} trailing bytes after the last tensor's data`);
}

function readFloats(view: DataView, at: number, count: number, dtype: string): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'F32':
        out[i] = view.getFloat32(at + 4 * i, true);
        break;
      case 'F64':
        out[i] = view.getFloat64(at + 8 * i, true);
        break;
      case 'F16':
        out[i] = halfToNumber(view.getUint16(at + 2 * i, true));
        break;
      case 'BF16':
        out[i] = bfloat16ToNumber(view.getUint16(at + 2 * i, true));
        break;
    }
  }
  return out;
}

/** IEEE 754 binary16: 1 sign, 5 exponent (bias 15), 10 fraction bits. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal (or zero)
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bfloat16Scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 is the top half of a float32. */
function bfloat16ToNumber(bits: number): number {
  bfloat16Scratch.setUint32(0, bits << 16);
  return bfloat16Scratch.getFloat32(0);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}
