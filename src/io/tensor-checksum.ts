// A checksum of every tensor's bytes, kept in the safetensors metadata, so a file whose tensor data
// changed after it was written (a flipped bit on disk, a bad copy) is refused instead of loading as
// a subtly different model: the header is JSON and gets validated, the data has no check of its own.
// SHA-256 (sha256.ts) of each tensor's float32 little-endian bytes, as the file stores them, under
// the metadata key `tensor_sha256`: a JSON object from tensor name to 64 hex digits. Files without
// it (a PyTorch export, a checkpoint of an older makemore) load unverified; the CLI says so.

import { InputError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { sha256Hex } from './sha256.ts';

export const CHECKSUM_KEY = 'tensor_sha256';

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The metadata entry that records every tensor's checksum, to merge into the file's metadata. */
export function tensorChecksums(tensors: Map<string, Tensor>): Record<string, string> {
  const sums: Record<string, string> = {};
  for (const [name, t] of tensors) sums[name] = tensorSha256(t);
  return { [CHECKSUM_KEY]: JSON.stringify(sums) };
}

/** Whether the file's metadata records checksums (if not, {@link verifyTensorChecksums} has nothing to check). */
export function hasTensorChecksums(metadata: Record<string, string>): boolean {
  return metadata[CHECKSUM_KEY] !== undefined;
}

/**
 * Refuses, naming `file` and the tensor, a tensor whose bytes do not match its recorded checksum or
 * that has none where others do. Tensors are checked as given (a caller may pass a subset of the
 * file's); without recorded checksums there is nothing to check.
 */
export function verifyTensorChecksums(tensors: Map<string, Tensor>, metadata: Record<string, string>, file: string): void {
  const json = metadata[CHECKSUM_KEY];
  if (json === undefined) return;
  const fail = (problem: string): never => {
    throw new InputError(file, problem);
  };
  let sums: unknown;
  try {
    sums = JSON.parse(json);
  } catch {
    fail(`the '${CHECKSUM_KEY}' metadata is not valid JSON: the file is damaged`);
  }
  if (typeof sums !== 'object' || sums === null || Array.isArray(sums)) return fail(`the '${CHECKSUM_KEY}' metadata is not a JSON object: the file is damaged`);
  const recorded = sums as Record<string, unknown>;
  for (const [name, t] of tensors) {
    if (!Object.hasOwn(recorded, name)) fail(`tensor ${name} has no checksum in the '${CHECKSUM_KEY}' metadata: the file was changed after it was written`);
    if (recorded[name] !== tensorSha256(t)) fail(`tensor ${name} does not match its checksum: its bytes changed after the file was written (a damaged disk or copy); use another copy`);
  }
}

function tensorSha256(t: Tensor): string {
  return sha256Hex(float32Bytes(t.data));
}

/** The values as a file stores them: float32, little-endian. */
function float32Bytes(data: Float32Array): Uint8Array {
  if (littleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return bytes;
}
