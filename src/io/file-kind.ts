// What a file that is not safetensors is, so that passing the wrong file (a JSON config, a names
// list, an empty file) is named as such instead of reported as a malformed safetensors header.

/**
 * Undefined when `bytes` start as safetensors do (an 8-byte little-endian header length that fits
 * the file, then a header beginning with '{', as the reference reader requires); otherwise what
 * the bytes are: "empty", "a JSON file", "a text file", or undefined for other binary data (left to
 * the safetensors reader's own message).
 */
export function notSafetensorsKind(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'empty';
  if (bytes.length >= 9) {
    const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
    if (declared > 0n && declared <= BigInt(bytes.length - 8) && bytes[8] === 0x7b) return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  // a NUL or another control character (tab, CR, LF aside) marks binary data
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) return undefined;
  try {
    JSON.parse(text);
    return 'a JSON file';
  } catch {
    return 'a text file';
  }
}
