// Safetensors files built by hand with DataView, independently of src/io/safetensors.ts, laid out
// as the reference (Rust) writer behind PyTorch's `safetensors.torch.save_file` lays them out.

export interface RawTensor {
  name: string;
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** Header `{"__metadata__": …, name: {dtype, shape, data_offsets}, …}` space-padded to 8 bytes, then the data in the given order. */
export function buildSafetensors(tensors: RawTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const t of tensors) {
    data.set(t.bytes, at);
    at += t.bytes.length;
  }
  let text = JSON.stringify(header);
  while (new TextEncoder().encode(text).length % 8 !== 0) text += ' ';
  return rawFile(text, data);
}

/** Any header text (valid or not) and data, behind a declared header length (default: the true one). */
export function rawFile(header: string | Uint8Array, data: Uint8Array, declaredLength?: bigint): Uint8Array {
  const headerBytes = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const file = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(file.buffer).setBigUint64(0, declaredLength ?? BigInt(headerBytes.length), true);
  file.set(headerBytes, 8);
  file.set(data, 8 + headerBytes.length);
  return file;
}

export function f64Bytes(values: number[]): Uint8Array {
  const bytes = new Uint8Array(8 * values.length);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat64(8 * i, v, true));
  return bytes;
}

export function f32Bytes(values: number[]): Uint8Array {
  const bytes = new Uint8Array(4 * values.length);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return bytes;
}

/** Raw 16-bit patterns (F16 or BF16). */
export function u16Bytes(bits: number[]): Uint8Array {
  const bytes = new Uint8Array(2 * bits.length);
  const view = new DataView(bytes.buffer);
  bits.forEach((b, i) => view.setUint16(2 * i, b, true));
  return bytes;
}
